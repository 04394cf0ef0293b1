"""The « Factures » tab: the invoice runs (print a run again, export it as a PES V2 file when
the commune sends titres de recettes), and the invoices and credit notes found by number, family reference or name, with their status; double-click shows an
invoice's PDF, « Avoir… » cancels one with a credit note."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.invoicing import documents as invoice_documents
from eticket_desk.services.invoicing import files as invoice_files
from eticket_desk.services.invoicing import queries as invoice_queries
from eticket_desk.services.invoicing.pes import export as pes_export
from eticket_desk.services.invoicing.queries import InvoiceSummary, RunSummary
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing import common
from eticket_desk.ui.invoicing.common import count, source_rows, table_view
from eticket_desk.ui.invoicing.credit_note_dialog import CreditNoteDialog
from eticket_desk.ui.invoicing.invoices_model import InvoiceColumn, InvoicesModel, RunsModel
from eticket_desk.ui.invoicing.pes_export_dialog import PesExportDialog

LIMIT = 500
SEARCH_DELAY_MS = 250


class InvoicesPage(QWidget):
    """Runs above, invoices below; choosing a run lists its invoices."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runs_model = RunsModel(self)
        self.runs_view = table_view(self.runs_model, stretch=0)
        self.runs_view.setMaximumHeight(120)
        self.print_run_button = QPushButton(self.tr("Fichier à &imprimer…"))
        self.run_folder_button = QPushButton(self.tr("Dossier des PDF"))
        self.pes_button = QPushButton(self.tr("Exporter le P&ES V2…"))
        self.print_run_button.clicked.connect(self._on_print_run_button_clicked)
        self.run_folder_button.clicked.connect(self._on_run_folder_button_clicked)
        self.pes_button.clicked.connect(self._on_pes_button_clicked)
        self.titres = False  # the commune sends titres de recettes (PES V2), not a régie
        self.pes_dialog: PesExportDialog | None = None
        self.pes_note = note_label(
            self.tr(
                "Export PES V2 non proposé : la commune encaisse en régie de recettes. Les "
                "titres de recettes se choisissent dans Paramètres › Organisation."
            )
        )
        self.pes_note.setVisible(False)
        run_buttons = QVBoxLayout()
        run_buttons.addWidget(self.print_run_button)
        run_buttons.addWidget(self.run_folder_button)
        run_buttons.addWidget(self.pes_button)
        run_buttons.addStretch(1)
        runs_box = QGroupBox(self.tr("Facturations"))
        runs_layout = QHBoxLayout()
        runs_layout.addWidget(self.runs_view, 1)
        runs_layout.addLayout(run_buttons)
        runs_column = QVBoxLayout(runs_box)
        runs_column.addLayout(runs_layout)
        runs_column.addWidget(self.pes_note)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Numéro de facture, référence ou nom de la famille…")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.all_button = QPushButton(self.tr("Toutes les factures"))
        self.all_button.clicked.connect(self._on_all_button_clicked)
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel(self.tr("Rechercher :")))
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.all_button)
        self.invoices_model = InvoicesModel(self)
        self.invoices_view = table_view(self.invoices_model, stretch=InvoiceColumn.FAMILY)
        self.count_label = note_label(
            self.tr("Choisissez une facturation, ou recherchez une facture ou une famille.")
        )
        self._query: str | None = None  # the search of the list shown (None: not loaded yet)
        self.view_button = QPushButton(self.tr("&Voir la facture…"))
        self.credit_button = QPushButton(self.tr("&Avoir…"))
        self.credit_button.setToolTip(self.tr("Annuler la facture par un avoir"))
        self.view_button.clicked.connect(self._on_view_button_clicked)
        self.credit_button.clicked.connect(self._on_credit_button_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.view_button)
        bottom.addWidget(self.credit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(runs_box)
        layout.addLayout(search_row)
        layout.addWidget(self.invoices_view, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.load_invoices)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self.load_invoices)
        self.runs_view.selectionModel().selectionChanged.connect(self._on_runs_selection_changed)
        self.invoices_view.doubleClicked.connect(self._on_invoices_view_double_clicked)
        self.invoices_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()
        self._update_run_buttons()

    # -- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: load_organisation(store).collection_mode == "titres",
            self._on_mode_loaded,
            self._failed,
        )
        self.ctx.runner.submit(
            lambda: invoice_queries.list_runs(store, actor), self._on_runs_loaded, self._failed
        )

    def _on_mode_loaded(self, titres: bool) -> None:
        self.titres = titres
        self.pes_note.setVisible(not titres)
        self._update_run_buttons()

    def load_invoices(self) -> None:
        self._timer.stop()
        store, actor, text = self.ctx.store, self.ctx.actor, self.search_edit.text()
        run = self.selected_run()
        run_id = run.id if run else None
        self.ctx.runner.submit(
            lambda: invoice_queries.list_invoices(store, actor, text, run_id=run_id, limit=LIMIT),
            lambda invoices: self._on_invoices_loaded(invoices, text.strip()),
            self._failed,
        )

    def selected_run(self) -> RunSummary | None:
        rows = source_rows(self.runs_view)
        return self.runs_model.row_at(rows[0]) if rows else None

    def selected_invoice(self) -> InvoiceSummary | None:
        rows = source_rows(self.invoices_view)
        return self.invoices_model.row_at(rows[0]) if rows else None

    def select_invoice(self, number: str) -> None:
        proxy = self.invoices_view.model()
        for row in range(proxy.rowCount()):
            if proxy.index(row, InvoiceColumn.NUMBER).data() == number:
                self.invoices_view.selectRow(row)
                return

    def _on_runs_loaded(self, runs: list[RunSummary]) -> None:
        selected = self.selected_run()
        self.runs_model.set_rows(runs)
        proxy = self.runs_view.model()
        for row in range(proxy.rowCount()):
            run = self.runs_model.row_at(proxy.mapToSource(proxy.index(row, 0)).row())
            if selected is not None and run.id == selected.id:
                self.runs_view.selectRow(row)
        self._update_run_buttons()
        self.load_invoices()

    def _on_invoices_loaded(self, invoices: list[InvoiceSummary], query: str = "") -> None:
        selected = self.selected_invoice()
        self.invoices_model.set_rows(invoices)
        self._query = query
        run = self.selected_run()
        if run is not None:
            text = self.tr("Facturation {period} : {n} facture(s) et avoir(s) affichés.")
            text = text.format(period=run.period_label, n=count(len(invoices)))
        elif len(invoices) >= LIMIT:
            text = self.tr("Les {n} plus récentes : précisez la recherche.").format(n=count(LIMIT))
        elif not invoices and query:
            text = self.tr("Aucune facture ne correspond à « {query} ».").format(query=query)
        elif not invoices:
            text = self.tr(
                "Aucune facture émise pour l'instant : « Nouvelle facturation… » les émet."
            )
        else:
            text = self.tr("{n} facture(s) et avoir(s).").format(n=count(len(invoices)))
        self.count_label.setText(text)
        if selected is not None:
            self.select_invoice(selected.number)
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    # -- invoices --------------------------------------------------------------------------

    def show_invoice(self, invoice: InvoiceSummary) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        title = (
            self.tr("Avoir {n}") if invoice.kind == "credit_note" else self.tr("Facture {n}")
        ).format(n=invoice.number)
        self.ctx.runner.submit(
            lambda: invoice_documents.print_invoice(store, actor, invoice.id),
            lambda path: pdf_preview.preview(path, title, self),
            self._failed,
        )

    def open_credit_note_dialog(self) -> CreditNoteDialog | None:
        invoice = self.selected_invoice()
        if invoice is None or not self._can_credit(invoice):
            return None
        dialog = CreditNoteDialog(self.ctx, invoice, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.credit_note_made.connect(self._on_dialog_credit_note_made)
        dialog.open()
        return dialog

    @staticmethod
    def _can_credit(invoice: InvoiceSummary) -> bool:
        return invoice.kind == "invoice" and invoice.status != InvoiceStatus.CANCELLED

    def _update_buttons(self, *_args: object) -> None:
        invoice = self.selected_invoice()
        self.view_button.setEnabled(invoice is not None)
        self.credit_button.setEnabled(invoice is not None and self._can_credit(invoice))

    def _update_run_buttons(self) -> None:
        has_run = self.selected_run() is not None
        self.print_run_button.setEnabled(has_run)
        self.run_folder_button.setEnabled(has_run)
        self.pes_button.setEnabled(has_run and self.titres)
        self.pes_button.setToolTip(
            self.tr("Le fichier des titres de recettes de la facturation, pour Hélios")
            if self.titres
            else self.tr("La commune encaisse en régie : pas de titres de recettes à exporter")
        )
        self.all_button.setEnabled(has_run)

    # -- slots -----------------------------------------------------------------------------

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_runs_selection_changed(self, *_args: object) -> None:
        self._update_run_buttons()
        self.load_invoices()

    def _on_all_button_clicked(self) -> None:
        self.runs_view.clearSelection()

    def _on_invoices_view_double_clicked(self, _index: QModelIndex) -> None:
        invoice = self.selected_invoice()
        if invoice is not None:
            self.show_invoice(invoice)

    def _on_view_button_clicked(self) -> None:
        self._on_invoices_view_double_clicked(QModelIndex())

    def _on_credit_button_clicked(self) -> None:
        self.open_credit_note_dialog()

    def _on_dialog_credit_note_made(self, number: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor

        def made() -> InvoiceSummary:
            found = invoice_queries.list_invoices(store, actor, number, limit=5)
            return next(i for i in found if i.number == number)

        self.ctx.runner.submit(made, self.show_invoice, self._failed)

    def _on_print_run_button_clicked(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        title = self.tr("Factures {period} — à imprimer").format(period=run.period_label)
        existing = invoice_files.run_print_file(self.ctx.store, run)
        if existing is not None:
            pdf_preview.preview(existing, title, self)
            return
        self.count_label.setText(
            self.tr("Écriture des PDF de la facturation {period}…").format(period=run.period_label)
        )
        self.print_run_button.setEnabled(False)
        self.ctx.write(
            invoice_documents.write_run_pdfs,
            run.id,
            on_done=lambda written: self._on_run_written(written, title),
            on_error=self._on_run_write_failed,
        )

    def _on_run_written(self, written: tuple, title: str) -> None:
        self._update_run_buttons()
        self.load_invoices()
        pdf_preview.preview(written[1], title, self)

    def _on_run_write_failed(self, exc: BaseException) -> None:
        self._update_run_buttons()
        self._failed(exc)

    def _on_run_folder_button_clicked(self) -> None:
        run = self.selected_run()
        if run is None:
            return
        folder = invoice_files.run_folder(self.ctx.store, run)
        if not folder.exists():
            self.count_label.setText(
                self.tr(
                    "Les PDF de cette facturation n'ont pas été écrits sur ce poste : "
                    "« Fichier à imprimer… » les écrit."
                )
            )
            return
        common.open_folder(folder)

    # -- the PES V2 export -----------------------------------------------------------------

    def _on_pes_button_clicked(self) -> None:
        run = self.selected_run()
        if run is None or not self.titres:
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: pes_export.export_status(store, actor, run.id),
            lambda status: self.open_pes_dialog(run, status),
            self._failed,
        )

    def open_pes_dialog(self, run: RunSummary, status) -> PesExportDialog:
        dialog = PesExportDialog(self.ctx, run, status, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.pes_dialog = dialog
        return dialog
