"""« Exporter le PES V2… » : an invoice run written as the « PES_Aller » file the commune's
finance software or Hélios takes (titres de recettes). Says whether the run was already
exported (when, by whom), asks where to write the file, shows the progress, then what the file
holds; a refusal (SIRET, codes, product codes, addresses) is shown in the dialog, in French."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.text import first_upper
from eticket_desk.services.invoicing.pes import export as pes
from eticket_desk.services.invoicing.pes.export import PesExportResult, PesExportStatus
from eticket_desk.services.invoicing.queries import RunSummary
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, format_date, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import OK_COLOUR, WARNING_COLOUR, coloured, scaled
from eticket_desk.ui.invoicing.common import count, invoices_word, money


class _Progress(QObject):
    moved = Signal(str, int, int)  # emitted on the worker thread, shown on the GUI thread


class PesExportDialog(QDialog):
    """Opened on a run of a commune in titres mode (`status.titres`)."""

    def __init__(
        self,
        ctx: AppContext,
        run: RunSummary,
        status: PesExportStatus,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.run = run
        self.result: PesExportResult | None = None
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved)
        self.setWindowTitle(self.tr("Export PES V2 — facturation {p}").format(p=run.period_label))
        form = QFormLayout()
        form.addRow(
            self.tr("Facturation :"),
            QLabel(
                self.tr("{period} — {invoices}, {total}").format(
                    period=first_upper(run.period_label),
                    invoices=invoices_word(run.invoices),
                    total=money(run.total_cents),
                )
            ),
        )
        form.addRow(self.tr("Bordereau :"), QLabel(self.tr("n° {n}").format(n=status.bordereau)))
        self.path_edit = QLineEdit(str(status.path))
        self.browse_button = QPushButton(self.tr("&Parcourir…"))
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        path_label = QLabel(self.tr("&Fichier :"))
        path_label.setBuddy(self.path_edit)
        form.addRow(path_label, path_row)
        self.already_label = coloured(QLabel(), WARNING_COLOUR)
        self.already_label.setWordWrap(True)
        self.already_label.setVisible(bool(status.previous))
        if status.previous:
            self.already_label.setText(self._already_text(status))
        self.progress_bar = QProgressBar()
        self.progress_bar.setVisible(False)
        self.step_label = QLabel()
        self.step_label.setVisible(False)
        self.error = error_label()
        self.result_label = coloured(scaled(QLabel(), 1.15), OK_COLOUR)
        self.result_label.setWordWrap(True)
        self.result_label.setVisible(False)
        self.file_label = note_label()
        self.export_button = QPushButton(self.tr("&Exporter"))
        self.export_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Fermer"))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.already_label)
        layout.addWidget(
            note_label(
                self.tr(
                    "Le fichier porte un bordereau de titres (une pièce par facture, ses lignes "
                    "avec le code produit et l'imputation de chaque activité, le débiteur et son "
                    "adresse, le prélèvement SEPA s'il y a un mandat) et, s'il y a des avoirs "
                    "sur ces factures, un bordereau d'annulation-réduction. Les PDF déjà écrits "
                    "des factures y sont joints."
                )
            )
        )
        layout.addWidget(self.step_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.error)
        layout.addWidget(self.result_label)
        layout.addWidget(self.file_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(720)

    def _already_text(self, status: PesExportStatus) -> str:
        last = status.previous[-1]
        text = self.tr(
            "Déjà exportée le {day} à {time} par {who} (« {file} »). Un nouvel export reprend le "
            "même numéro de bordereau : n'envoyez pas deux fois les mêmes titres à la trésorerie."
        ).format(
            day=format_date(last.exported_at.date()),
            time=last.exported_at.strftime("%H:%M"),
            who=last.by,
            file=last.file_name,
        )
        if len(status.previous) > 1:
            text += " " + self.tr("({n} exports en tout.)").format(n=len(status.previous))
        return text

    def path(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        return Path(text if text.lower().endswith(".xml") else f"{text}.xml")

    # -- slots -----------------------------------------------------------------------------

    def _on_browse_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Enregistrer le fichier PES"), self.path_edit.text(),
            self.tr("Fichier PES (*.xml)"),
        )  # fmt: skip
        if chosen:
            self.path_edit.setText(chosen)

    def _on_export_button_clicked(self) -> None:
        path = self.path()
        self.error.setVisible(False)
        if path is None:
            self.error.setText(self.tr("Indiquez le fichier à écrire."))
            self.error.setVisible(True)
            self.path_edit.setFocus()
            return
        self.export_button.setEnabled(False)
        self.close_button.setEnabled(False)
        self.result_label.setVisible(False)
        self.file_label.setText("")
        self.step_label.setVisible(True)
        self.progress_bar.setVisible(True)
        self._on_progress_moved(self.tr("Lecture de la facturation"), 0, 0)
        self.ctx.write(
            pes.export_pes,
            self.run.id,
            path,
            on_done=self._on_export_done,
            on_error=self._on_export_failed,
            progress=self._progress.moved.emit,
        )

    def _on_progress_moved(self, step: str, done: int, total: int) -> None:
        self.step_label.setText(step + ("" if total else "…"))
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(self.tr("%v / %m pièces"))

    def _on_export_done(self, result: PesExportResult) -> None:
        self.result = result
        self._finished()
        text = self.tr("Fichier écrit : {n} titre(s), {total} (bordereau n° {b})").format(
            n=count(result.pieces), total=money(result.total_cents), b=result.bordereau
        )
        if result.reductions:
            text += self.tr(" ; {n} réduction(s), {total}").format(
                n=count(result.reductions), total=money(result.reduced_cents)
            )
        self.result_label.setText(text + ".")
        self.result_label.setVisible(True)
        joined = (
            self.tr("{n} PDF de factures joint(s).").format(n=count(result.attached))
            if result.attached
            else self.tr(
                "Aucun PDF joint : les factures sont référencées par leur nom ; « Fichier à "
                "imprimer… » les écrit."
            )
        )
        self.file_label.setText(f"{result.path}\n{joined}")
        self.export_button.setText(self.tr("&Exporter de nouveau"))
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _on_export_failed(self, exc: BaseException) -> None:
        self._finished()
        if isinstance(exc, DomainError):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)

    def _finished(self) -> None:
        self.export_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self.step_label.setVisible(False)
        self.progress_bar.setVisible(False)
