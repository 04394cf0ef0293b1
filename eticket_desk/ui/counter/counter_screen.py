"""The counter screen (« Guichet »): find the family, sell tickets, take the payment, print
the receipt — with the keyboard alone."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import settle
from eticket_desk.services.catalogue.tariffs import TicketTypeInfo, list_ticket_types
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.counter.receipts import print_receipt
from eticket_desk.services.counter.sales import MAX_TICKETS, SaleRequest, quote_sale, sell_tickets
from eticket_desk.services.counter.till import current_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.services.families.dossiers import load_family
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.family_card import FamilyCard, TillStrip
from eticket_desk.ui.counter.invoice_panel import InvoicePanel
from eticket_desk.ui.counter.payments import PaymentList
from eticket_desk.ui.counter.regie_documents import RegieDocumentsDialog
from eticket_desk.ui.counter.sale_done import SaleDonePanel
from eticket_desk.ui.counter.search_bar import FamilySearchBar
from eticket_desk.ui.counter.till_banner import TillClosedBanner
from eticket_desk.ui.counter.till_dialog import open_till_dialog
from eticket_desk.ui.counter.widgets import (
    ALERT_COLOUR,
    OK_COLOUR,
    KeyButton,
    big_label,
    chain_tab_order,
    coloured,
)
from eticket_desk.ui.messages import show_error


class CounterScreen(QWidget):
    """Face-to-face sales: scan or search, quantities, payment, receipt, next family."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family = None  # FamilyData of the family at the desk
        self.quote = None
        self.last_sale = None
        self.till_open: bool | None = None  # None until the till has been read

        self.search_bar = FamilySearchBar(ctx, host=self)
        self.search_edit = self.search_bar.search_edit
        self.results_list = self.search_bar.results_list
        self.search_message = self.search_bar.search_message
        self.family_card = FamilyCard()
        self.till_strip = TillStrip()
        self.till_banner = TillClosedBanner()
        self.till_banner.setVisible(False)

        # the sale (its tab says « Vente de tickets »: no heading repeats it)
        self.spins: dict[object, QSpinBox] = {}  # ticket type id -> quantity
        self.sale_box = QWidget()
        self.spins_grid = spins_grid = QGridLayout()  # filled once the ticket types are read
        spins_grid.setColumnStretch(2, 1)
        self.unit_label = QLabel()
        self.note_label = note_label()
        self.total_label = big_label(factor=1.6)
        self.payments = PaymentList()
        self.change_title = QLabel(self.tr("Monnaie à rendre"))
        self.change_label = big_label(factor=2.4)
        self.reason_label = coloured(QLabel(), ALERT_COLOUR)
        self.ticket_check = QCheckBox(self.tr("Ticket 80 mm"))
        self.confirm_button = KeyButton(self.tr("Encaisser (Entrée)"))
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
        self.invoice_panel = InvoicePanel(ctx)
        self.work_tabs = QTabWidget()
        self.work_tabs.addTab(self.sale_box, self.tr("&Vente de tickets"))
        self.work_tabs.addTab(self.invoice_panel, self.tr("&Factures"))
        self.right = QStackedWidget()
        self.right.addWidget(self.work_tabs)
        self.right.addWidget(self.done_box)

        left = QVBoxLayout()
        left.addWidget(self.family_card, 1)
        left.addWidget(self.till_strip)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(self.right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Guichet")))
        layout.addWidget(self.till_banner)
        layout.addWidget(self.search_bar)
        layout.addLayout(body, 1)

        self.search_bar.family_chosen.connect(self.open_family)
        self.invoice_panel.loaded.connect(self._on_invoice_panel_loaded)
        self.invoice_panel.paid.connect(self._on_invoice_panel_paid)
        self.payments.edited.connect(self._check_payment)
        self.payments.rows_changed.connect(self._on_payments_rows_changed)
        self.payments.submitted.connect(self._on_confirm_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.till_strip.open_requested.connect(self._on_till_strip_requested)
        self.till_banner.open_requested.connect(self._on_till_strip_requested)
        self.till_strip.manage_requested.connect(self._on_till_strip_requested)
        self.till_strip.documents_requested.connect(self._on_till_strip_documents_requested)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._on_confirm_button_clicked)
        ctx.bus.changed.connect(self._on_bus_changed)
        self._show_family(None, [])
        self._on_payments_rows_changed()
        store = ctx.store  # the types before any family: the runner answers in order
        ctx.runner.submit(lambda: list_ticket_types(store), self._add_spins, self._on_failed)
        self._refresh_till()
        self.search_edit.setFocus()

    def _add_spins(self, ticket_types: list[TicketTypeInfo]) -> None:
        """A quantity per ticket type, in the tab order before the payment."""
        for row, ticket in enumerate(ticket_types):
            spin = QSpinBox()
            spin.setRange(0, MAX_TICKETS)
            spin.setMinimumWidth(90)
            spin.valueChanged.connect(self._on_spin_changed)
            self.spins_grid.addWidget(QLabel(ticket.name), row, 0)
            self.spins_grid.addWidget(spin, row, 1)
            self.spins[ticket.id] = spin
        self._on_payments_rows_changed()

    def focus_search(self) -> None:
        """The keyboard in the counter's own search field, its text selected (Ctrl+F)."""
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self.till_open is not None:  # coming back to the counter: the till may have moved
            self._refresh_till()

    def open_family(self, family_id, invoice_id=None) -> None:
        """The family at the desk; with `invoice_id` (a scanned coupon), the invoices tab with
        that invoice ticked."""
        ctx = self.ctx
        ctx.runner.submit(
            lambda: (
                load_family(ctx.store, ctx.actor, family_id),
                balances(ctx.store, ctx.actor, family_id),
                current_till(ctx.store),  # read again: it may have moved since the last look
            ),
            lambda loaded: self._on_family_loaded(*loaded, invoice_id),
            self._on_failed,
        )

    def _on_family_loaded(self, family, wallet, till, invoice_id) -> None:
        self._show_till(till)
        self._show_family(family, wallet, invoice_id=invoice_id)

    def _show_family(self, family, wallet, invoice_id=None) -> None:
        self.family = family
        self.family_card.show_family(family, wallet)
        self.search_bar.show_hits([])
        self.right.setCurrentWidget(self.work_tabs)
        self.work_tabs.setCurrentWidget(self.sale_box)
        self.invoice_panel.load(family.id if family else None, tick=invoice_id)
        if invoice_id is not None:
            self.search_edit.clear()
            self.work_tabs.setCurrentWidget(self.invoice_panel)
            if self.till_open is False:
                self.till_banner.open_button.setFocus()
            else:
                self.invoice_panel.payments.rows[0].amount_edit.setFocus()
            return
        self.sale_box.setEnabled(family is not None and self.till_open is not False)
        for spin in self.spins.values():
            spin.blockSignals(True)
            spin.setValue(0)
            spin.blockSignals(False)
        self.payments.reset()
        self._on_spin_changed()
        if family is not None:
            self.search_edit.clear()
            self._focus_next_step()

    def _focus_next_step(self) -> None:
        """The quantity when a sale can be typed; « Ouvrir la caisse… » when the till is
        closed; the search while nobody is at the desk."""
        first = next(iter(self.spins.values()), None)
        if self.family is None or first is None:
            self.search_edit.setFocus()
        elif self.sale_box.isEnabled():
            first.setFocus()
            first.selectAll()
        else:
            self.till_banner.open_button.setFocus()

    def _on_payments_rows_changed(self) -> None:
        """Quantities, then the money handed over, then « Encaisser »; the rest after."""
        before, after = self.payments.tab_stops()
        chain_tab_order(
            [*self.spins.values(), *before, self.confirm_button, *after, self.ticket_check]
        )

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
        if self.till_open is False:
            return self.tr("La caisse est fermée : ouvrez-la avant d'encaisser."), None
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
        if (
            not self.confirm_button.isEnabled()
            or self.work_tabs.currentWidget() is not self.sale_box
        ):
            return
        if self.right.currentWidget() is not self.work_tabs:
            return
        ctx = self.ctx
        request = SaleRequest(self.family.id, self._lines(), tuple(self.payments.payments()))
        layout = "ticket" if self.ticket_check.isChecked() else "a4"

        def printed(done):
            year = int(done.receipt_number.split("-")[1])
            out = document_path(ctx.store, "receipt", year, f"{done.receipt_number}.pdf")
            return done, print_receipt(ctx.store, ctx.actor, done.sale_id, out, layout)

        self.confirm_button.setEnabled(False)
        ctx.write(
            sell_tickets,
            request,
            then=printed,
            on_done=self._on_sale_done,
            on_error=self._on_sale_failed,
        )

    def _on_sale_done(self, result) -> None:
        done, path = result
        self.last_sale = done
        self.done_box.show_sale(self.family, done, path)
        self._show_family(None, [])
        self.right.setCurrentWidget(self.done_box)
        self.search_edit.clear()
        self.search_edit.setFocus()

    def _on_invoice_panel_loaded(self, invoices) -> None:
        count = len(invoices)
        title = self.tr("&Factures (%d à régler)") % count if count else self.tr("&Factures")
        self.work_tabs.setTabText(1, title)
        self.family_card.show_unpaid(invoices, self.ctx.store.clock.today())

    def _on_invoice_panel_paid(self, done, path) -> None:
        self.done_box.show_invoice_payment(self.family, done, path)
        self._show_family(None, [])
        self.right.setCurrentWidget(self.done_box)
        self.search_edit.clear()
        self.search_edit.setFocus()

    def _on_sale_failed(self, exc: Exception) -> None:
        self._check_payment()
        show_error(self, exc, self.tr("Vente impossible"))

    # ------------------------------------------------------------ the till

    def _refresh_till(self) -> None:
        store = self.ctx.store  # captured here: the worker never touches the widget
        self.ctx.runner.submit(lambda: current_till(store), self._show_till, self._on_failed)

    def _show_till(self, till) -> None:
        """`till` is a TillState, or None when it is closed: the strip, the banner, and the
        sale and invoice payments allowed only while it is open and the agent's own."""
        theirs = till is not None and till.held_by_other(self.ctx.actor)
        was_open, self.till_open = self.till_open, till is not None and not theirs
        self.till_strip.show_till(till)
        if theirs:
            self.till_banner.show_colleagues(till.holder_text(self.ctx.store.clock.today()))
        else:
            self.till_banner.show_closed()
        self.till_banner.setVisible(not self.till_open)
        self.invoice_panel.set_till_open(self.till_open)
        self.sale_box.setEnabled(self.family is not None and self.till_open)
        self._check_payment()
        focus = QApplication.focusWidget()
        if was_open is not None and was_open != self.till_open and self.isAncestorOf(focus):
            self._focus_next_step()

    def _on_till_strip_requested(self) -> None:
        open_till_dialog(self.ctx, self, then=self._focus_next_step)

    def _on_till_strip_documents_requested(self) -> None:
        RegieDocumentsDialog(self.ctx, self).exec()
        self.search_edit.setFocus()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.TILL in topics or Topic.SALES in topics:
            self._refresh_till()

    def _on_failed(self, exc: Exception) -> None:
        show_error(self, exc)
