"""Invoices paid at the counter: the family's unpaid invoices (the scanned coupon's ticked),
the payment typed like a sale's, the exact amount expected — a difference is confirmed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.billing import kept_amount
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import settle
from eticket_desk.rules.text import first_upper
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.counter.receipts import print_receipt
from eticket_desk.services.invoicing.payments import (
    AmountDiffers,
    InvoicePaymentRequest,
    pay_invoices,
)
from eticket_desk.services.invoicing.queries import unpaid_invoices
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import compact_rows, format_date, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.payments import PaymentList
from eticket_desk.ui.counter.widgets import (
    ALERT_COLOUR,
    OK_COLOUR,
    KeyButton,
    big_label,
    chain_tab_order,
    coloured,
)

HEADERS = ("Facture", "Période", "Échéance", "Montant", "Déjà réglé", "Reste à payer")


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class InvoicePanel(QWidget):
    """« Factures à régler » for the family at the desk."""

    loaded = Signal(object)  # the unpaid invoices (InvoiceSummary list)
    paid = Signal(object, object)  # (InvoicePaymentDone, receipt path)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id = None
        self.invoices = []
        self.till_open = True  # the screen says when it is not
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        compact_rows(self.table)
        self.empty_label = note_label(
            self.tr("Cherchez une famille pour voir ses factures à régler.")
        )
        self.expected_label = big_label(factor=1.6)
        self.payments = PaymentList()
        self.result_title = QLabel()
        self.result_label = big_label(factor=2.0)
        self.reason_label = coloured(QLabel(), ALERT_COLOUR)
        self.confirm_button = KeyButton(self.tr("Encaisser le règlement"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            note_label(
                self.tr(
                    "Scannez le coupon de la facture (ou tapez son numéro) : elle est cochée. "
                    "Le montant exact est attendu ; un écart est confirmé, un trop-perçu est "
                    "gardé en avoir."
                )
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("À régler")))
        row.addWidget(self.expected_label)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("Règlement")))
        layout.addWidget(self.payments)
        result = QHBoxLayout()
        result.addWidget(self.result_title)
        result.addWidget(self.result_label)
        result.addStretch(1)
        layout.addLayout(result)
        layout.addWidget(self.reason_label)
        confirm = QHBoxLayout()
        confirm.addStretch(1)
        confirm.addWidget(self.confirm_button)
        layout.addLayout(confirm)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.payments.edited.connect(self._check)
        self.payments.rows_changed.connect(self._on_payments_rows_changed)
        self.payments.submitted.connect(self._on_confirm_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self._on_payments_rows_changed()
        self._check()

    def set_till_open(self, till_open: bool) -> None:
        """No payment typed nor taken while the till is closed."""
        self.till_open = till_open
        self.payments.setEnabled(till_open)
        self._check()

    def _on_payments_rows_changed(self) -> None:
        before, after = self.payments.tab_stops()
        chain_tab_order([self.table, *before, self.confirm_button, *after])

    # ------------------------------------------------------------ loading

    def load(self, family_id, tick=None) -> None:
        """The family's unpaid invoices; `tick` (an invoice id) alone ticked, else all."""
        self.family_id = family_id
        if family_id is None:
            self._show([], None)
            return
        ctx = self.ctx
        ctx.runner.submit(
            lambda: unpaid_invoices(ctx.store, ctx.actor, family_id),
            lambda found: self._show(found, tick),
            lambda exc: messages.show_error(self, exc),
        )

    def _show(self, invoices, tick) -> None:
        self.invoices = invoices
        table = self.table
        table.blockSignals(True)
        table.setRowCount(len(invoices))
        for row, invoice in enumerate(invoices):
            first = _item(invoice.number)
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = tick is None or invoice.id == tick
            first.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            table.setItem(row, 0, first)
            table.setItem(row, 1, _item(first_upper(invoice.period_label)))
            table.setItem(row, 2, _item(format_date(invoice.due_date)))
            table.setItem(row, 3, _item(format_cents(invoice.total_cents), True))
            table.setItem(row, 4, _item(format_cents(invoice.settled_cents), True))
            table.setItem(row, 5, _item(format_cents(invoice.left_cents), True))
        table.blockSignals(False)
        self.table.setVisible(bool(invoices))
        self.empty_label.setText(
            self.tr("Aucune facture à régler pour cette famille.")
            if self.family_id is not None
            else self.tr("Cherchez une famille pour voir ses factures à régler.")
        )
        self.empty_label.setVisible(not invoices)
        self.payments.reset()
        self.payments.total_cents = self.expected_cents()
        self.loaded.emit(invoices)
        self._check()

    def chosen(self) -> list:
        return [
            invoice
            for row, invoice in enumerate(self.invoices)
            if self.table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def expected_cents(self) -> int:
        return sum(invoice.left_cents for invoice in self.chosen())

    def _on_table_item_changed(self, _item) -> None:
        self.payments.total_cents = self.expected_cents()
        self._check()

    # ------------------------------------------------------------ the payment

    def _problem(self) -> tuple[str, str, int | None]:
        """(why it cannot be confirmed, the result's title, its amount)."""
        expected = self.expected_cents()
        if not self.invoices:  # the empty list says why: nothing to tick
            return self.empty_label.text(), "", None
        if not self.till_open:
            return self.tr("La caisse est fermée : ouvrez-la avant d'encaisser."), "", None
        if not expected:
            return self.tr("Cochez au moins une facture."), "", None
        try:
            payments = self.payments.payments()
            if not payments:
                return self.tr("Indiquez le règlement."), "", None
            kept = kept_amount(expected, payments)
            change = settle(kept, payments).change_cents
        except DomainError as exc:
            return exc.message, "", None
        if kept < expected:
            return "", self.tr("Reste à payer après ce règlement"), expected - kept
        if kept > expected:
            return "", self.tr("Trop-perçu gardé en avoir"), kept - expected
        return "", self.tr("Monnaie à rendre"), change

    def _check(self) -> None:
        self.expected_label.setText(format_cents(self.expected_cents()))
        problem, title, amount = self._problem()
        self.result_title.setText(title)
        self.result_label.setText(format_cents(amount) if amount is not None else "")
        exact = title == self.tr("Monnaie à rendre")
        self.result_label.setStyleSheet(f"color: {OK_COLOUR if exact else ALERT_COLOUR};")
        self.reason_label.setText(problem)
        self.reason_label.setVisible(bool(problem) and bool(self.invoices))
        self.confirm_button.setEnabled(not problem and self.family_id is not None)
        self.confirm_button.setToolTip(problem)

    def _on_confirm_button_clicked(self) -> None:
        if self.confirm_button.isEnabled():
            self._pay(accept_difference=False)

    def _pay(self, accept_difference: bool) -> None:
        ctx = self.ctx
        request = InvoicePaymentRequest(
            self.family_id,
            tuple(invoice.id for invoice in self.chosen()),
            tuple(self.payments.payments()),
            accept_difference,
        )

        def printed(done):
            year = int(done.receipt_number.split("-")[1])
            out = document_path(ctx.store, "receipt", year, f"{done.receipt_number}.pdf")
            return done, print_receipt(ctx.store, ctx.actor, done.sale_id, out)

        self.confirm_button.setEnabled(False)
        ctx.write(
            pay_invoices,
            request,
            then=printed,
            on_done=self._on_paid,
            on_error=self._on_pay_failed,
        )

    def _on_paid(self, result) -> None:
        done, path = result
        self.paid.emit(done, path)

    def _on_pay_failed(self, exc: Exception) -> None:
        self._check()
        if isinstance(exc, AmountDiffers):
            if messages.ask_yes_no(self, self.tr("Montant différent"), exc.message):
                self._pay(accept_difference=True)
            return
        messages.show_error(self, exc, self.tr("Règlement impossible"))
