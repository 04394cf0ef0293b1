"""The « Facturation » screen of the régisseur: a new invoice run, the runs and invoices
(credit notes), and the unpaid invoices by age with their reminder letters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from eticket_desk.rules.permissions import PERMISSION_LABELS, Permission
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui.admin.forms import make_tabs, note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.certificates_dialog import CertificatesDialog
from eticket_desk.ui.invoicing.finance_export_dialog import FinanceExportDialog
from eticket_desk.ui.invoicing.invoices_page import InvoicesPage
from eticket_desk.ui.invoicing.run_dialog import RunDialog
from eticket_desk.ui.invoicing.unpaid_page import UnpaidPage

TOPICS = {Topic.INVOICES, Topic.ORGANISATION}  # issued, credited, paid; régie or titres


class InvoicingScreen(QWidget):
    """Tabs « Factures » and « Impayés » under a « Nouvelle facturation… » button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.can_run = ctx.actor.can(Permission.INVOICE_RUN)
        self.new_run_button = QPushButton(self.tr("&Nouvelle facturation…"))
        self.new_run_button.setEnabled(self.can_run)
        self.new_run_button.clicked.connect(self._on_new_run_button_clicked)
        self.export_button = QPushButton(self.tr("&Exporter pour la comptabilité…"))
        self.export_button.setToolTip(
            self.tr("Journal des encaissements, factures et avoirs d'un mois : CSV ou Excel")
        )
        self.export_button.setEnabled(self.can_run)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.certificates_button = QPushButton(self.tr("Attestations de &frais de garde…"))
        self.certificates_button.setToolTip(
            self.tr("Attestations fiscales d’une année pour les enfants de moins de 6 ans")
        )
        self.certificates_button.setEnabled(self.can_run)
        self.certificates_button.clicked.connect(self._on_certificates_button_clicked)
        head = QHBoxLayout()
        head.addWidget(title_label(self.tr("Facturation")), 1)
        head.addWidget(self.certificates_button)
        head.addWidget(self.export_button)
        head.addWidget(self.new_run_button)
        self.read_only_note = note_label(
            self.tr("Votre profil ({role}) ne permet pas de {action}.").format(
                role=ctx.actor.role.label, action=PERMISSION_LABELS[Permission.INVOICE_RUN]
            )
        )
        self.read_only_note.setVisible(not self.can_run)
        self.invoices_page = InvoicesPage(ctx)
        self.unpaid_page = UnpaidPage(ctx)
        self.tabs = make_tabs()
        self.tabs.addTab(self.invoices_page, self.tr("Factures et avoirs"))
        self.tabs.addTab(self.unpaid_page, self.tr("Impayés"))
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)
        ctx.bus.changed.connect(self._on_bus_changed)
        if self.can_run:
            self.refresh()

    def refresh(self) -> None:
        self.invoices_page.refresh()
        self.unpaid_page.refresh()

    def open_run_dialog(self) -> RunDialog:
        """Opens « Nouvelle facturation » (window-modal); the caller may drive it."""
        dialog = RunDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_export_dialog(self) -> FinanceExportDialog:
        """Opens « Exporter pour la comptabilité » (window-modal); the caller may drive it."""
        dialog = FinanceExportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_certificates_dialog(self) -> CertificatesDialog:
        """Opens « Attestations de frais de garde » (window-modal); the caller may drive it."""
        dialog = CertificatesDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_certificates_button_clicked(self) -> None:
        self.open_certificates_dialog()

    def _on_new_run_button_clicked(self) -> None:
        self.open_run_dialog()

    def _on_export_button_clicked(self) -> None:
        self.open_export_dialog()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if self.can_run and topics & TOPICS:
            self.refresh()
