"""« Préparer un lot… »: choose the invoice run, see the batch before it exists (count and
total per sequence type, the invoices left out and why), then « Exporter le fichier… »."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.services.invoicing import debit_export, debit_preview, debit_queries
from eticket_desk.services.invoicing.debit_preview import DebitPreview
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.debits.models import LeftOutColumn, LeftOutModel, TotalsModel
from eticket_desk.ui.invoicing.common import invoices_word, money, table_view

ALL_INVOICES = None  # the combo's data for « every invoice due for debit »


def choose_file(parent: QWidget, suggested: str) -> str:
    """The save dialog (tests replace this function)."""
    path, _ = QFileDialog.getSaveFileName(
        parent,
        parent.tr("Exporter le fichier de prélèvement"),
        suggested,
        parent.tr("Fichier SEPA (*.xml)"),
    )
    return path


class PrepareDialog(QDialog):
    """Emits `batch_exported` with the message's id once the file is written."""

    batch_exported = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: DebitPreview | None = None
        self.setWindowTitle(self.tr("Préparer un lot de prélèvements"))
        self.run_combo = QComboBox()
        self.run_combo.addItem(self.tr("Toutes les factures à prélever"), ALL_INVOICES)
        self.run_combo.currentIndexChanged.connect(self._on_run_combo_current_index_changed)
        form = QFormLayout()
        form.addRow(self.tr("&Facturation :"), self.run_combo)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.totals_model = TotalsModel(self)
        self.totals_view = table_view(self.totals_model, stretch=0)
        self.totals_view.setMaximumHeight(110)
        self.left_out_model = LeftOutModel(self)
        self.left_out_view = table_view(self.left_out_model, stretch=LeftOutColumn.REASON)
        left_box = QGroupBox(self.tr("Factures écartées"))
        QVBoxLayout(left_box).addWidget(self.left_out_view)
        self.error = error_label()
        buttons, self.export_button = save_cancel_buttons(self, self.tr("&Exporter le fichier…"))
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.export_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.totals_view)
        layout.addWidget(left_box, 1)
        layout.addWidget(self.error)
        layout.addWidget(
            note_label(
                self.tr(
                    "Chaque facture prélevée est réglée « Prélèvement » dès l'export ; un rejet "
                    "de la banque se saisit ensuite sur le lot."
                )
            )
        )
        layout.addWidget(buttons)
        self.resize(760, 520)
        store, actor = ctx.store, ctx.actor
        ctx.runner.submit(
            lambda: debit_queries.runs_to_debit(store, actor), self._on_runs_loaded, self._failed
        )

    def load_preview(self) -> None:
        store, actor, run_id = self.ctx.store, self.ctx.actor, self.run_combo.currentData()
        self.export_button.setEnabled(False)
        self.ctx.runner.submit(
            lambda: debit_preview.preview_batch(store, actor, run_id),
            self._on_preview_loaded,
            self._failed,
        )

    def _on_runs_loaded(self, runs) -> None:
        for run in runs:
            self.run_combo.addItem(run.label, run.id)
        if runs:
            self.run_combo.setCurrentIndex(1)  # the newest run
        else:
            self.load_preview()

    def _on_run_combo_current_index_changed(self, _index: int) -> None:
        self.load_preview()

    def _on_preview_loaded(self, preview: DebitPreview) -> None:
        self.preview = preview
        self.totals_model.set_rows(list(preview.totals))
        self.left_out_model.set_rows(list(preview.left_out))
        text = self.tr("{count} à prélever pour {total} ({version}).").format(
            count=invoices_word(preview.count),
            total=money(preview.total_cents),
            version=preview.pain_version,
        )
        if preview.left_out:
            text += " " + self.tr("{n} écartée(s), voir ci-dessous.").format(
                n=len(preview.left_out)
            )
        self.summary.setText(text)
        self.error.setText(preview.problem)
        self.error.setVisible(bool(preview.problem))
        self.export_button.setEnabled(bool(preview.lines) and not preview.problem)

    def _on_export_button_clicked(self) -> None:
        suggested = f"prelevements-{self.ctx.store.clock.today():%Y-%m-%d}.xml"
        path = choose_file(self, suggested)
        if not path:
            return
        self.export_button.setEnabled(False)
        self.ctx.write(
            debit_export.export_batch,
            Path(path),
            self.run_combo.currentData(),
            on_done=self._on_exported,
            on_error=self._on_export_failed,
        )

    def _on_exported(self, done) -> None:
        self.batch_exported.emit(done.message_id)
        self.accept()

    def _on_export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, DomainError):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)

    def _failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)
