"""« Attestations de frais de garde… » : the year, then a PDF per family with care paid for
its children under six (services/invoicing/certificates.py), with a progress bar that can be
stopped, and the result: how many, the total, the file to print and the folder."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.services.invoicing import certificates
from eticket_desk.services.invoicing.certificates import CertificatesMade
from eticket_desk.services.mail.certificates import queue_year_certificates
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing import common
from eticket_desk.ui.mail.send_invoices_box import queued_summary


class _Progress(QObject):
    # (step, done, total), emitted from the worker thread, received on the GUI thread
    moved = Signal(str, int, int)


class CertificatesDialog(QDialog):
    """Choose the year, « Écrire les attestations », follow the bar, open what was written."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.made: CertificatesMade | None = None
        self.working = False
        self._stop = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved)
        self.setWindowTitle(self.tr("Attestations de frais de garde"))
        self.setMinimumWidth(680)
        today = ctx.store.clock.today()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(certificates.FIRST_YEAR, today.year)
        self.year_spin.setValue(today.year - 1 if today.month < 12 else today.year)
        self.year_spin.setAccessibleName(self.tr("Année payée"))
        form = QFormLayout()
        form.addRow(self.tr("&Année payée :"), self.year_spin)
        self.error = error_label()
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.step_label = QLabel()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.make_button = QPushButton(self.tr("&Écrire les attestations"))
        self.stop_button = QPushButton(self.tr("A&rrêter"))
        self.stop_button.setVisible(False)
        self.print_button = QPushButton(self.tr("Ouvrir le fichier à &imprimer"))
        self.folder_button = QPushButton(self.tr("Ouvrir le &dossier"))
        self.mail_button = QPushButton(self.tr("Envoyer par &e-mail"))
        self.mail_button.setToolTip(
            self.tr("À chaque famille dont l’adulte payeur accepte les documents par e-mail.")
        )
        for button in (self.print_button, self.folder_button, self.mail_button):
            button.setVisible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        actions = (self.make_button, self.stop_button, self.print_button, self.folder_button)
        for button in (*actions, self.mail_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in the year writes them; Escape closes
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self._on_make_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.mail_button.clicked.connect(self._on_mail_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(
            note_label(
                self.tr(
                    "Une attestation par famille ayant payé dans l’année des frais de garde "
                    "(part « garde » des activités et des tickets, repas exclus) pour des "
                    "enfants de moins de 6 ans au 1er janvier — article 200 quater B du CGI. "
                    "Les fichiers vont dans « Attestations fiscales » des documents, avec un "
                    "fichier unique à imprimer."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.step_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)

    def _moved(self, step: str, done: int, total: int) -> None:
        """Called on the worker thread."""
        self._progress.moved.emit(step, done, total)

    def _on_progress_moved(self, step: str, done: int, total: int) -> None:
        self.step_label.setText(step + ("" if total else "…"))
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(self.tr("%v / %m familles"))

    def _set_working(self, working: bool) -> None:
        self.working = working
        self.make_button.setEnabled(not working)
        self.year_spin.setEnabled(not working)
        self.stop_button.setVisible(working)
        self.stop_button.setEnabled(True)
        self.progress_bar.setVisible(working or self.made is not None)

    def _on_make_button_clicked(self) -> None:
        self.error.setVisible(False)
        self.result_label.clear()
        self.made = None
        self._stop.clear()
        self._set_working(True)
        self.ctx.write(
            certificates.make_certificates,
            self.year_spin.value(),
            progress=self._moved,
            should_stop=self._stop.is_set,
            on_done=self._on_made,
            on_error=self._on_failed,
        )

    def _on_stop_button_clicked(self) -> None:
        self._stop.set()
        self.stop_button.setEnabled(False)
        self.step_label.setText(self.tr("Arrêt en cours…"))

    def _on_made(self, made: CertificatesMade) -> None:
        self.made = made
        self._set_working(False)
        self.step_label.clear()
        self.result_label.setText(common.plain(made.message))
        self.print_button.setVisible(made.merged is not None)
        self.folder_button.setVisible(bool(made.files))
        self.mail_button.setVisible(bool(made.files))
        if made.merged is not None:
            self.print_button.setFocus()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_working(False)
        self.progress_bar.setVisible(False)
        if isinstance(exc, DomainError):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)

    def _on_print_button_clicked(self) -> None:
        pdf_preview.preview(
            self.made.merged,
            self.tr("Attestations de frais de garde {year} — à imprimer").format(
                year=self.made.year
            ),
            self,
        )

    def _on_mail_button_clicked(self) -> None:
        """Queues the year's certificates for e-mail; the mail worker sends them."""
        self._stop.clear()
        self._set_working(True)
        self.mail_button.setEnabled(False)
        self.ctx.write(
            queue_year_certificates,
            self.made.year,
            lambda done, total: self._moved(self.tr("Mise en file d’envoi"), done, total),
            self._stop.is_set,
            on_done=self._on_mails_queued,
            on_error=self._on_failed,
        )

    def _on_mails_queued(self, result) -> None:
        self._set_working(False)
        self.step_label.clear()
        self.mail_button.setEnabled(result.stopped)
        summary = queued_summary(self, result, self.tr("attestation"), self.tr("attestations"))
        self.result_label.setText(common.plain(self.made.message) + "\n" + summary)

    def _on_folder_button_clicked(self) -> None:
        common.open_folder(Path(self.made.files[0]).parent)

    def reject(self) -> None:
        if self.working:
            self._on_stop_button_clicked()  # Escape stops the batch; the dialog stays open
            return
        super().reject()
