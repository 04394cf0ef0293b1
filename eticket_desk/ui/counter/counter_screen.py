"""The counter screen (« Guichet »): find the family, sell tickets, take the payment, print
the receipt — with the keyboard alone."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import settle
from eticket_desk.services.documents import document_path
from eticket_desk.services.families import load_family
from eticket_desk.services.receipts import print_receipt
from eticket_desk.services.sales import MAX_TICKETS, SaleRequest, quote_sale, sell_tickets
from eticket_desk.services.search import search_families
from eticket_desk.services.tariffs import list_ticket_types
from eticket_desk.services.till import current_till
from eticket_desk.services.wallet import balances
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.family_card import FamilyCard, TillStrip
from eticket_desk.ui.counter.payments import PaymentList
from eticket_desk.ui.counter.regie_documents import RegieDocumentsDialog
from eticket_desk.ui.counter.sale_done import SaleDonePanel
from eticket_desk.ui.counter.till_dialog import TillDialog
from eticket_desk.ui.counter.widgets import ALERT_COLOUR, OK_COLOUR, big_label, coloured
from eticket_desk.ui.messages import show_error

REFERENCE = re.compile(r"^[A-Za-z]\d{3,}$")  # what the barcode scanner types: F00042


class CounterScreen(QWidget):
    """Face-to-face sales: scan or search, quantities, payment, receipt, next family."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family = None  # FamilyData of the family at the desk
        self.quote = None
        self.last_sale = None
        self._hits = []

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(
            self.tr("Scanner la carte famille, ou taper un nom ou une référence (F00042)")
        )
        self.search_edit.setClearButtonEnabled(True)
        self.results_list = QListWidget()
        self.results_list.setMaximumHeight(150)
        self.results_list.setVisible(False)
        self.search_message = coloured(QLabel(), ALERT_COLOUR)
        self.search_message.setVisible(False)
        self.family_card = FamilyCard()
        self.till_strip = TillStrip()

        # the sale
        self.spins: dict[object, QSpinBox] = {}  # ticket type id -> quantity
        self.sale_box = QGroupBox(self.tr("Vente de tickets"))
        spins_grid = QGridLayout()
        for row, ticket in enumerate(list_ticket_types(ctx.store)):
            spin = QSpinBox()
            spin.setRange(0, MAX_TICKETS)
            spin.setMinimumWidth(90)
            spin.valueChanged.connect(self._on_spin_changed)
            spins_grid.addWidget(QLabel(ticket.name), row, 0)
            spins_grid.addWidget(spin, row, 1)
            self.spins[ticket.id] = spin
        spins_grid.setColumnStretch(2, 1)
        self.unit_label = QLabel()
        self.note_label = note_label()
        self.total_label = big_label(factor=1.6)
        self.payments = PaymentList()
        self.change_title = QLabel(self.tr("Monnaie à rendre"))
        self.change_label = big_label(factor=2.4)
        self.reason_label = coloured(QLabel(), ALERT_COLOUR)
        self.ticket_check = QCheckBox(self.tr("Ticket 80 mm"))
        self.confirm_button = QPushButton(self.tr("Encaisser (Entrée)"))
        self.confirm_button.setAutoDefault(False)
        sale_layout = QVBoxLayout(self.sale_box)
        sale_layout.addLayout(spins_grid)
        sale_layout.addWidget(self.unit_label)
        sale_layout.addWidget(self.note_label)
        total_row = QHBoxLayout()
        total_row.addWidget(QLabel(self.tr("Total")))
        total_row.addWidget(self.total_label)
        total_row.addStretch(1)
        sale_layout.addLayout(total_row)
        sale_layout.addWidget(QLabel(self.tr("Règlement")))
        sale_layout.addWidget(self.payments)
        change_row = QHBoxLayout()
        change_row.addWidget(self.change_title)
        change_row.addWidget(self.change_label)
        change_row.addStretch(1)
        sale_layout.addLayout(change_row)
        sale_layout.addWidget(self.reason_label)
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.ticket_check)
        confirm_row.addStretch(1)
        confirm_row.addWidget(self.confirm_button)
        sale_layout.addLayout(confirm_row)
        sale_layout.addStretch(1)

        self.done_box = SaleDonePanel()
        self.right = QStackedWidget()
        self.right.addWidget(self.sale_box)
        self.right.addWidget(self.done_box)

        left = QVBoxLayout()
        left.addWidget(self.family_card, 1)
        left.addWidget(self.till_strip)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Guichet")))
        layout.addWidget(self.search_edit)
        layout.addWidget(self.search_message)
        layout.addWidget(self.results_list)
        layout.addLayout(body, 1)

        self.search_edit.installEventFilter(self)
        self.search_edit.textEdited.connect(self._on_search_edit_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.results_list.itemActivated.connect(self._on_results_list_item_activated)
        self.payments.edited.connect(self._check_payment)
        self.payments.submitted.connect(self._on_confirm_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.till_strip.open_requested.connect(self._on_till_strip_requested)
        self.till_strip.manage_requested.connect(self._on_till_strip_requested)
        self.till_strip.documents_requested.connect(self._on_till_strip_documents_requested)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._on_confirm_button_clicked)
        ctx.bus.changed.connect(self._on_bus_changed)
        self._show_family(None, [])
        self._refresh_till()
        self.search_edit.setFocus()

    # ------------------------------------------------------------ finding the family

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            if step and self.results_list.count():
                row = self.results_list.currentRow() + step
                self.results_list.setCurrentRow(max(0, min(row, self.results_list.count() - 1)))
                return True
        return super().eventFilter(watched, event)

    def _on_search_edit_edited(self, text: str) -> None:
        self.search_message.setVisible(False)
        if len(text.strip()) < 2 or REFERENCE.match(text.strip()):
            self._show_hits([])
            return
        ctx = self.ctx
        self.ctx.runner.submit(
            lambda: (text, search_families(ctx.store, ctx.actor, text, limit=20)),
            self._on_search_done,
            self._on_failed,
        )

    def _on_search_done(self, result) -> None:
        text, hits = result
        if text == self.search_edit.text():
            self._show_hits(hits)

    def _show_hits(self, hits) -> None:
        self._hits = hits
        self.results_list.clear()
        for hit in hits:
            item = QListWidgetItem(
                f"{hit.reference}  {hit.display_name}  —  {hit.children}  {hit.city}".rstrip()
            )
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results_list.addItem(item)
        if hits:
            self.results_list.setCurrentRow(0)
        self.results_list.setVisible(bool(hits))

    def _on_search_edit_return_pressed(self) -> None:
        text = self.search_edit.text().strip()
        if REFERENCE.match(text):
            ctx = self.ctx
            ctx.runner.submit(
                lambda: search_families(ctx.store, ctx.actor, text, limit=1),
                lambda hits: self._on_reference_found(text.upper(), hits),
                self._on_failed,
            )
        elif self.results_list.currentItem() is not None:
            self._on_results_list_item_activated(self.results_list.currentItem())

    def _on_reference_found(self, reference: str, hits) -> None:
        if hits and hits[0].reference == reference:
            self.open_family(hits[0].id)
            return
        self.search_message.setText(self.tr("Aucune famille n'a la référence %s.") % reference)
        self.search_message.setVisible(True)
        self.search_edit.selectAll()

    def _on_results_list_item_activated(self, item: QListWidgetItem) -> None:
        self.open_family(item.data(Qt.ItemDataRole.UserRole))

    def open_family(self, family_id) -> None:
        ctx = self.ctx
        ctx.runner.submit(
            lambda: (
                load_family(ctx.store, ctx.actor, family_id),
                balances(ctx.store, ctx.actor, family_id),
            ),
            lambda loaded: self._show_family(*loaded),
            self._on_failed,
        )

    def _show_family(self, family, wallet) -> None:
        self.family = family
        self.family_card.show_family(family, wallet)
        self._show_hits([])
        self.right.setCurrentWidget(self.sale_box)
        self.sale_box.setEnabled(family is not None)
        for spin in self.spins.values():
            spin.blockSignals(True)
            spin.setValue(0)
            spin.blockSignals(False)
        self.payments.reset()
        self._on_spin_changed()
        if family is not None:
            self.search_edit.clear()
            first = next(iter(self.spins.values()), None)
            if first is not None:
                first.setFocus()
                first.selectAll()

    # ------------------------------------------------------------ the sale

    def _lines(self) -> tuple:
        return tuple((tid, spin.value()) for tid, spin in self.spins.items() if spin.value())

    def _on_spin_changed(self, _value: int = 0) -> None:
        self.quote = None
        lines = self._lines()
        if self.family is None or not lines:
            self._show_quote(None)
            return
        ctx, family_id = self.ctx, self.family.id
        ctx.runner.submit(
            lambda: (lines, quote_sale(ctx.store, ctx.actor, family_id, lines)),
            self._on_quote_done,
            lambda exc: self._show_quote(None, exc),
        )

    def _on_quote_done(self, result) -> None:
        lines, quote = result
        if lines == self._lines():
            self._show_quote(quote)

    def _show_quote(self, quote, error: Exception | None = None) -> None:
        self.quote = quote
        self.payments.total_cents = quote.total_cents if quote else 0
        if quote is None:
            self.unit_label.setText(error.message if isinstance(error, DomainError) else "")
            self.note_label.setText("")
            self.total_label.setText(format_cents(0))
        else:
            self.unit_label.setText(
                "\n".join(
                    self.tr("%s : %d × %s = %s")
                    % (
                        line.name,
                        line.quantity,
                        format_cents(line.unit_cents),
                        format_cents(line.amount_cents),
                    )
                    for line in quote.lines
                )
            )
            self.note_label.setText(quote.pricing_note)
            self.total_label.setText(format_cents(quote.total_cents))
        self._check_payment()

    def _payment_problem(self) -> tuple[str, int | None]:
        """Why the sale cannot be confirmed yet ("" when it can), and the change."""
        if self.family is None:
            return self.tr("Choisissez d'abord la famille."), None
        if self.quote is None:
            return self.tr("Indiquez le nombre de tickets à vendre."), None
        try:
            settlement = settle(self.quote.total_cents, self.payments.payments())
        except DomainError as exc:
            return exc.message, None
        return "", settlement.change_cents

    def _check_payment(self) -> None:
        problem, change = self._payment_problem()
        self.change_label.setText(format_cents(change) if change is not None else "—")
        self.change_label.setStyleSheet(f"color: {OK_COLOUR};" if change is not None else "")
        self.reason_label.setText(problem)
        self.reason_label.setVisible(bool(problem))
        self.confirm_button.setEnabled(not problem)
        self.confirm_button.setToolTip(problem)

    def _on_confirm_button_clicked(self) -> None:
        if not self.confirm_button.isEnabled() or self.right.currentWidget() is not self.sale_box:
            return
        ctx = self.ctx
        request = SaleRequest(self.family.id, self._lines(), tuple(self.payments.payments()))
        layout = "ticket" if self.ticket_check.isChecked() else "a4"

        def sell_and_print():
            done = sell_tickets(ctx.store, ctx.actor, request)
            year = int(done.receipt_number.split("-")[1])
            out = document_path(ctx.store, "receipt", year, f"{done.receipt_number}.pdf")
            return done, print_receipt(ctx.store, ctx.actor, done.sale_id, out, layout)

        self.confirm_button.setEnabled(False)
        ctx.runner.submit(sell_and_print, self._on_sale_done, self._on_sale_failed)

    def _on_sale_done(self, result) -> None:
        done, path = result
        family_id = self.family.id
        self.last_sale = done
        self.done_box.show_sale(self.family, done, path)
        self._show_family(None, [])
        self.right.setCurrentWidget(self.done_box)
        self.search_edit.clear()
        self.search_edit.setFocus()
        self.ctx.bus.announce("sales", f"family:{family_id}", "till")

    def _on_sale_failed(self, exc: Exception) -> None:
        self._check_payment()
        show_error(self, exc, self.tr("Vente impossible"))

    # ------------------------------------------------------------ the till

    def _refresh_till(self) -> None:
        self.ctx.runner.submit(
            lambda: current_till(self.ctx.store), self.till_strip.show_till, self._on_failed
        )

    def _on_till_strip_requested(self) -> None:
        TillDialog(self.ctx, self).exec()
        self.search_edit.setFocus()

    def _on_till_strip_documents_requested(self) -> None:
        RegieDocumentsDialog(self.ctx, self).exec()
        self.search_edit.setFocus()

    def _on_bus_changed(self, topics: frozenset) -> None:
        if "till" in topics or "sales" in topics:
            self._refresh_till()

    def _on_failed(self, exc: Exception) -> None:
        show_error(self, exc)
