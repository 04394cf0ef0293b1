"""« Nouvelle facturation » : the period → the preview (which can be stopped) → exclusions →
issuing the invoices in one transaction → writing their PDFs → the numbers and the file to
print. Every step runs on the task runner; progress comes back through a signal."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.text import with_de
from eticket_desk.services.invoicing import documents as invoice_documents
from eticket_desk.services.invoicing import queries as invoice_queries
from eticket_desk.services.invoicing import run as invoicing
from eticket_desk.services.invoicing.drafts import RunPeriod, RunPreview, RunStopped
from eticket_desk.services.invoicing.run import RunResult
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import scaled
from eticket_desk.ui.invoicing import common
from eticket_desk.ui.invoicing.common import count, invoices_word, money, unpriced_text
from eticket_desk.ui.invoicing.done_page import DonePage
from eticket_desk.ui.invoicing.period_page import PeriodPage
from eticket_desk.ui.invoicing.preview_page import PreviewPage
from eticket_desk.ui.mail.send_invoices_box import SendInvoicesBox


class _Progress(QObject):
    # (step, done, total), emitted from the worker thread, received on the GUI thread
    moved = Signal(str, int, int)


class RunDialog(QDialog):
    """The whole run in one window; `state` says which step is shown."""

    run_issued = Signal(object)  # RunResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Nouvelle facturation"))
        self.resize(1100, 720)
        self.state = ""
        self.period: RunPeriod | None = None
        self.result: RunResult | None = None
        self.expected = 0
        self.excluded: list = []  # DraftInvoice of the families left out
        self.merged: Path | None = None
        self.folder: Path | None = None
        self._stop = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._on_progress_moved)

        self.period_page = PeriodPage(ctx.store.clock.today())
        self.preview_page = PreviewPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.period_page)
        self.stack.addWidget(self._work_page())
        self.stack.addWidget(self.preview_page)
        self.done_page = DonePage()
        self.stack.addWidget(self.done_page)
        self.done_title = self.done_page.title
        self.numbers_label = self.done_page.numbers_label
        self.due_label = self.done_page.due_label
        self.excluded_label = self.done_page.excluded_label
        self.print_button = self.done_page.print_button
        self.folder_button = self.done_page.folder_button
        self.retry_button = self.done_page.retry_button
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.folder_button.clicked.connect(self._on_folder_button_clicked)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.mail_box = SendInvoicesBox(ctx)
        self.done_page.layout().insertWidget(self.done_page.layout().count() - 2, self.mail_box)

        self.back_button = QPushButton(self.tr("← Changer de période"))
        self.compute_button = QPushButton(self.tr("&Calculer l'aperçu"))
        self.stop_button = QPushButton(self.tr("&Arrêter"))
        self.issue_button = QPushButton(self.tr("&Émettre les factures…"))
        self.close_button = QPushButton(self.tr("&Fermer"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.compute_button, self.stop_button, self.issue_button):
            buttons.addWidget(button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.compute_button.clicked.connect(self._on_compute_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.issue_button.clicked.connect(self._on_issue_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self._set_state("period")
        store = ctx.store
        ctx.runner.submit(
            lambda: invoice_queries.fare_periods(store), self.period_page.set_fare_periods
        )

    # -- pages -----------------------------------------------------------------------------

    def _work_page(self) -> QWidget:
        page = QWidget()
        self.work_title = scaled(QLabel(), 1.25)
        self.work_title.setWordWrap(True)
        self.work_step = QLabel()  # what is being done right now
        self.progress_bar = QProgressBar()
        self.work_note = note_label()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.work_title)
        layout.addWidget(self.work_step)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.work_note)
        layout.addStretch(2)
        return page

    def _set_state(self, state: str) -> None:
        """period, computing, preview, issuing, writing, done."""
        self.state = state
        page = {"period": 0, "preview": 2, "done": 3}.get(state, 1)
        self.stack.setCurrentIndex(page)
        self.back_button.setVisible(state == "preview")
        self.compute_button.setVisible(state == "period")
        self.stop_button.setVisible(state == "computing")
        self.stop_button.setEnabled(True)
        self.issue_button.setVisible(state == "preview")
        self.close_button.setEnabled(state not in ("issuing", "writing"))
        self.close_button.setText(self.tr("&Fermer") if state == "done" else self.tr("Annuler"))
        self.compute_button.setDefault(state == "period")
        self.issue_button.setDefault(state == "preview")

    def _working(self, title: str, note: str, step: str) -> None:
        """A step under way, busy until the service says how far it is."""
        self.work_title.setText(title)
        self.work_note.setText(note)
        self._show_step(step, 0, 0)

    def _show_step(self, step: str, done: int, total: int) -> None:
        """« Numérotation des factures » and « 120 / 217 factures »; total 0: busy."""
        self.work_step.setText(step + ("" if total else "…"))
        self.progress_bar.setRange(0, total)  # (0, 0): a busy bar, the length is not known
        self.progress_bar.setValue(done)
        self.progress_bar.setFormat(
            self.tr("%v / %m factures") if total > 1 else self.tr("%v / %m facture")
        )

    def _moved(self, step: str, done: int, total: int) -> None:
        """Called on the worker thread."""
        self._progress.moved.emit(step, done, total)

    # -- the preview -----------------------------------------------------------------------

    def _on_compute_button_clicked(self) -> None:
        period = self.period_page.period()
        if period is None:
            return
        self.period = period
        self.period_page.show_status("")
        self._stop.clear()
        self._set_state("computing")
        self._working(
            self.tr("Calcul de l'aperçu — {period}…").format(period=period.label),
            self.tr("Rien n'est écrit pendant le calcul : vous pouvez l'arrêter à tout moment."),
            self.tr("Lecture des réservations et des tarifs"),
        )
        store, actor, stop = self.ctx.store, self.ctx.actor, self._stop
        self.ctx.runner.submit(
            lambda: invoicing.preview_run(store, actor, period, stop.is_set),
            self._on_preview_done,
            self._on_preview_failed,
        )

    def _on_stop_button_clicked(self) -> None:
        self._stop.set()
        self.stop_button.setEnabled(False)
        self.work_note.setText(self.tr("Arrêt en cours…"))

    def _on_preview_done(self, preview: RunPreview) -> None:
        if self.state != "computing":
            return
        if self._stop.is_set():  # stopped after the last check: drop it all the same
            self._on_preview_failed(RunStopped("Aperçu arrêté."))
            return
        if not preview.drafts:
            self._set_state("period")
            text = self.tr("Rien à facturer pour {period}.").format(period=preview.period.label)
            if preview.already_invoiced:
                text += " " + self.tr(
                    "{n} famille(s) ont déjà leur facture pour cette période."
                ).format(n=count(len(preview.already_invoiced)))
            if preview.unpriced:
                text += " " + unpriced_text(preview)
            self.period_page.show_status(text)
            return
        self.preview_page.set_preview(preview)
        self._set_state("preview")

    def _on_preview_failed(self, exc: BaseException) -> None:
        self._set_state("period")
        if isinstance(exc, RunStopped):
            self.period_page.show_status(self.tr("Aperçu arrêté : rien n'a été calculé ni émis."))
            return
        self.period_page.show_status(messages.error_text(exc))
        messages.show_error(self, exc)

    def _on_back_button_clicked(self) -> None:
        self._set_state("period")

    # -- issuing ---------------------------------------------------------------------------

    def confirmation_text(self) -> str:
        model = self.preview_page.model
        return self.tr(
            "{invoices}, {total} — une facture émise ne peut plus être modifiée.\n\n"
            "Émettre les factures {of_period} ?"
        ).format(
            invoices=invoices_word(model.kept_count()),
            total=money(model.kept_total()),
            of_period=with_de(self.period.label),
        )

    def _on_issue_button_clicked(self) -> None:
        model = self.preview_page.model
        if model.kept_count() == 0:
            messages.show_error(
                self,
                DomainError(self.tr("Toutes les familles sont exclues : rien à émettre.")),
            )
            return
        if messages.ask_yes_no(self, self.tr("Émettre les factures"), self.confirmation_text()):
            self.issue()

    def issue(self) -> None:
        """Issues the previewed run without the exclusions (once confirmed)."""
        model = self.preview_page.model
        self.expected = model.kept_count()
        self._set_state("issuing")
        self._working(
            self.tr("Émission des factures — {period}…").format(period=self.period.label),
            self.tr(
                "Les factures sont numérotées et enregistrées ensemble : si l'émission "
                "échoue, aucune n'est émise."
            ),
            self.tr("Préparation de l'émission"),
        )
        store, actor, period = self.ctx.store, self.ctx.actor, self.period
        excluded = model.excluded_ids()
        self.excluded = [
            model.draft_at(row)
            for row in range(model.rowCount())
            if model.draft_at(row).family_id in excluded
        ]

        def due(result: RunResult) -> tuple[RunResult, date | None]:
            first = invoice_queries.list_invoices(store, actor, result.first_number, limit=1)
            return result, first[0].due_date if first else None

        self.ctx.write(
            invoicing.issue_run,
            period,
            excluded,
            progress=self._moved,
            then=due,
            on_done=self._on_issued,
            on_error=self._on_issue_failed,
        )

    def _on_issue_failed(self, exc: BaseException) -> None:
        self._set_state("preview")
        messages.show_error(self, exc, self.tr("Aucune facture n'a été émise"))

    def _on_issued(self, issued: tuple[RunResult, date | None]) -> None:
        result, due = issued
        self.result = result
        self.run_issued.emit(result)
        self.done_page.show_issued(self.period.label, result, due, self.excluded, self.expected)
        self._write_pdfs()

    # -- the PDFs --------------------------------------------------------------------------

    def _write_pdfs(self) -> None:
        self._set_state("writing")
        self._working(
            self.tr("Écriture des PDF — {invoices}…").format(
                invoices=invoices_word(self.result.invoices)
            ),
            self.tr("Les factures sont émises ; il reste à écrire leurs fichiers."),
            self.tr("Lecture des factures émises"),
        )
        self.ctx.write(
            invoice_documents.write_run_pdfs,
            self.result.run_id,
            progress=self._moved,
            on_done=self._on_pdfs_written,
            on_error=self._on_pdfs_failed,
        )

    def _on_pdfs_written(self, written: tuple[list[Path], Path]) -> None:
        _files, self.merged = written
        self.folder = self.merged.parent
        self.done_page.show_files(self.folder)
        self.mail_box.set_run(self.result.run_id)
        self._set_state("done")
        self.print_button.setFocus()

    def _on_pdfs_failed(self, exc: BaseException) -> None:
        self.done_page.show_pdf_error(messages.error_text(exc))
        self._set_state("done")

    def _on_retry_button_clicked(self) -> None:
        self._write_pdfs()

    def _on_print_button_clicked(self) -> None:
        pdf_preview.preview(
            self.merged,
            self.tr("Factures {period} — à imprimer").format(period=self.period.label),
            self,
        )

    def _on_folder_button_clicked(self) -> None:
        common.open_folder(self.folder)

    # -- progress and closing --------------------------------------------------------------

    def _on_progress_moved(self, step: str, done: int, total: int) -> None:
        if self.state in ("issuing", "writing"):
            self._show_step(step, done, total)

    def reject(self) -> None:
        if self.state in ("issuing", "writing"):
            return  # one transaction under way, then files: wait for the end
        if self.state == "computing":
            self._stop.set()
        super().reject()
