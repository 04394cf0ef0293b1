"""Invoices paid at the counter: the coupon scanned, the cheque typed, the receipt."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import family_credit, issue_run
from eticket_desk.ui import messages
from eticket_desk.ui.counter.counter_screen import CounterScreen
from tests.conftest import validated_family

DAYS = [date(2026, 10, d) for d in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]  # 10 × 4,60 € = 46,00 €


@pytest.fixture
def invoiced(store, admin, schools, activities, clock):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    family = validated_family(store, admin, schools)
    for day in DAYS:
        book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    issue_run(store, admin, month_period("2026-10"))
    open_till(store, admin, 0)
    return family


@pytest.fixture
def screen(qtbot, ctx):
    widget = CounterScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    return widget


def text(label) -> str:
    return label.text().replace("\xa0", " ").replace("\u202f", " ")


def scan(qtbot, screen, code: str) -> None:
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, code)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)


def test_a_scanned_coupon_paid_by_cheque(qtbot, screen, store, admin, invoiced):
    scan(qtbot, screen, "F-2026-000001")
    panel = screen.invoice_panel
    assert screen.family.id == invoiced.id
    assert screen.work_tabs.currentWidget() is panel
    assert screen.work_tabs.tabText(1) == "&Factures (1 à régler)"
    assert text(screen.family_card.unpaid_label) == "1 facture à régler : 46,00 €"
    assert panel.table.item(0, 0).text() == "F-2026-000001"
    assert text(panel.expected_label) == "46,00 €"
    row = panel.payments.rows[0]
    row.method_combo.setCurrentIndex(1)  # Chèque
    qtbot.keyClicks(row.amount_edit, "46")
    qtbot.keyClicks(row.cheque_number_edit, "1234567")
    qtbot.keyClicks(row.cheque_bank_edit, "La Banque Postale")
    qtbot.keyClicks(row.cheque_drawer_edit, "Mme DUPONT")
    assert panel.confirm_button.isEnabled()
    qtbot.keyClick(row.cheque_drawer_edit, Qt.Key.Key_Return)

    assert screen.right.currentWidget() is screen.done_box
    assert "F-2026-000001 : 46,00 € réglés" in text(screen.done_box.balances_label)
    assert text(screen.done_box.change_label) == "0,00 €"
    [invoice] = list_invoices(store, admin, family_id=invoiced.id)
    assert invoice.status_label == "Réglée"
    assert current_till(store).cheques_cents == 4600


def test_too_much_by_cheque_asks_then_keeps_the_credit(
    qtbot, screen, store, admin, invoiced, monkeypatch
):
    asked = []
    monkeypatch.setattr(
        messages, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    scan(qtbot, screen, "f-2026-000001")
    row = screen.invoice_panel.payments.rows[0]
    row.method_combo.setCurrentIndex(1)
    qtbot.keyClicks(row.amount_edit, "50")
    qtbot.keyClicks(row.cheque_number_edit, "7654321")
    qtbot.keyClicks(row.cheque_bank_edit, "CIC")
    qtbot.keyClicks(row.cheque_drawer_edit, "M. DUPONT")
    assert text(screen.invoice_panel.result_title) == "Trop-perçu gardé en avoir"
    assert text(screen.invoice_panel.result_label) == "4,00 €"
    qtbot.mouseClick(screen.invoice_panel.confirm_button, Qt.MouseButton.LeftButton)
    assert "4,00" in asked[0].replace("\xa0", " ")
    assert family_credit(store, invoiced.id) == 400


def test_an_unknown_coupon_says_so(qtbot, screen, invoiced):
    scan(qtbot, screen, "F-2026-000099")
    assert screen.search_message.isVisible()
    assert text(screen.search_message) == "Aucune facture n° F-2026-000099."
    assert screen.family is None


def test_a_coupon_paid_in_cash_from_the_keyboard(qtbot, screen, store, admin, invoiced):
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow)
    scan(qtbot, screen, "F-2026-000001")
    cash = screen.invoice_panel.payments.rows[0]
    assert QApplication.focusWidget() is cash.amount_edit
    qtbot.keyClicks(cash.amount_edit, "50")
    qtbot.keyClick(cash.amount_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.invoice_panel.confirm_button
    qtbot.keyClick(screen.invoice_panel.confirm_button, Qt.Key.Key_Return)
    assert screen.right.currentWidget() is screen.done_box
    assert text(screen.done_box.change_label) == "4,00 €"
    [invoice] = list_invoices(store, admin, family_id=invoiced.id)
    assert invoice.status_label == "Réglée"
    assert current_till(store).cash_in_cents == 4_600


def test_a_family_without_invoices_is_told_so_not_asked_to_tick_one(
    qtbot, ctx, store, admin, schools
):
    from eticket_desk.ui.counter.invoice_panel import InvoicePanel

    panel = InvoicePanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    assert text(panel.empty_label) == "Cherchez une famille pour voir ses factures à régler."
    family = validated_family(store, admin, schools)
    panel.load(family.id)
    assert text(panel.empty_label) == "Aucune facture à régler pour cette famille."
    assert panel.empty_label.isVisible() and not panel.reason_label.isVisible()
    assert not panel.confirm_button.isEnabled()
    assert "Cochez" not in panel.confirm_button.toolTip()
