"""« Avoir » : cancel an issued invoice with a credit note of the same amount, for a reason
the régisseur writes; what was already paid on it becomes the family's credit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.invoicing import run as invoicing
from eticket_desk.services.invoicing.queries import InvoiceSummary
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, format_date, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.common import money


class CreditNoteDialog(QDialog):
    """Says what the credit note will do; emits `credit_note_made` with its number."""

    credit_note_made = Signal(str)

    def __init__(
        self, ctx: AppContext, invoice: InvoiceSummary, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.invoice = invoice
        self.number = ""
        self.setWindowTitle(self.tr("Avoir sur la facture {n}").format(n=invoice.number))
        form = QFormLayout()
        form.addRow(self.tr("Facture :"), QLabel(invoice.number))
        form.addRow(
            self.tr("Famille :"), QLabel(f"{invoice.family_reference} — {invoice.family_name}")
        )
        form.addRow(
            self.tr("Période :"),
            QLabel(
                self.tr("{period}, émise le {day}").format(
                    period=invoice.period_label, day=format_date(invoice.issued_at.date())
                )
            ),
        )
        form.addRow(self.tr("Montant :"), QLabel(money(invoice.total_cents)))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("ex. Repas comptés en double"))
        form.addRow(self.tr("&Motif :"), self.reason_edit)
        self.error = error_label()
        paid = min(invoice.settled_cents, invoice.total_cents)
        what = self.tr(
            "L'avoir annule toute la facture ({amount}) ; il reçoit son propre numéro (A-…) et "
            "la facture reste dans l'historique. La famille pourra ensuite être facturée de "
            "nouveau pour cette période."
        ).format(amount=money(invoice.total_cents))
        if paid:
            what += " " + self.tr(
                "Les {paid} déjà réglés deviennent un crédit de la famille, déduit de sa "
                "prochaine facture."
            ).format(paid=money(paid))
        buttons, self.save_button = save_cancel_buttons(self, self.tr("Établir l'avoir"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note_label(what))
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _on_save_button_clicked(self) -> None:
        self.error.setVisible(False)
        self.save_button.setEnabled(False)
        self.ctx.write(
            invoicing.credit_note,
            self.invoice.id,
            self.reason_edit.text(),
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, number: str) -> None:
        self.save_button.setEnabled(True)
        self.number = number
        self.credit_note_made.emit(number)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        messages.show_error(self, exc)
