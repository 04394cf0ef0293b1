"""The counter screen driven with the keyboard: scan, quantities, payment, receipt."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
from eticket_desk.services.core.documents import documents_root
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.ui.counter.counter_screen import CounterScreen
from tests.conftest import validated_family


@pytest.fixture
def garderie(store, admin):
    ticket = save_ticket_type(store, admin, "GARDERIE", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), [Bracket(None, 240, 300)])
    return ticket


@pytest.fixture
def screen(qtbot, ctx, store, admin, garderie):
    open_till(store, admin, 10_000)
    widget = CounterScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    return widget


def text(label) -> str:
    return label.text().replace("\xa0", " ").replace("\u202f", " ")


def scan(qtbot, screen, reference: str) -> None:
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, reference)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)


def type_quantity(qtbot, screen, ticket, quantity: int) -> None:
    spin = screen.spins[ticket.id]
    spin.selectAll()
    qtbot.keyClicks(spin, str(quantity))


def test_cash_sale_with_change_from_scan_to_receipt(qtbot, screen, store, admin, schools, garderie):
    family = validated_family(store, admin, schools)
    scan(qtbot, screen, family.reference)
    assert text(screen.family_card.reference_label) == family.reference
    assert screen.family_card.balance_labels["GARDERIE"].text() == "0"

    type_quantity(qtbot, screen, garderie, 10)
    assert text(screen.total_label) == "24,00 €"
    assert not screen.confirm_button.isEnabled()
    cash = screen.payments.rows[0]
    qtbot.keyClicks(cash.amount_edit, "50")
    assert text(screen.change_label) == "26,00 €"
    assert screen.confirm_button.isEnabled()
    qtbot.keyClick(cash.amount_edit, Qt.Key.Key_Return)

    assert screen.right.currentWidget() is screen.done_box
    done = screen.done_box
    assert text(done.receipt_label) == f"Reçu n° {screen.last_sale.receipt_number}"
    assert screen.last_sale.receipt_number.startswith("Q-2026-")
    assert text(done.change_label) == "26,00 €"
    assert "Garderie 10 tickets" in done.balances_label.text()
    # kept in the base's documents folder, by year, to be printed again later
    assert done.receipt_path == (
        documents_root(store) / "Quittances" / "2026" / "Q-2026-000001.pdf"
    )
    assert done.receipt_path.exists()
    assert done.printed_label.text() == (  # no printer on CI: the file named, its path on hover
        "Aucune imprimante sur ce poste : le reçu est enregistré (Q-2026-000001.pdf), "
        "« Aperçu et réimpression du reçu… » l'ouvre."
    )
    assert done.printed_label.toolTip() == str(done.receipt_path)
    assert screen.search_edit.text() == ""
    assert [b.tickets for b in balances(store, admin, family.id)] == [10]
    assert current_till(store).expected_cash_cents == 10_000 + 2_400
    assert "124,00" in screen.till_strip.state_label.text()

    # the next family: the balance reads 10 when the same family is scanned again
    scan(qtbot, screen, family.reference)
    assert screen.family_card.balance_labels["GARDERIE"].text() == "10"


def test_short_payment_keeps_confirm_disabled_with_the_reason(
    qtbot, screen, store, admin, schools, garderie
):
    family = validated_family(store, admin, schools)
    scan(qtbot, screen, family.reference)
    type_quantity(qtbot, screen, garderie, 10)
    qtbot.keyClicks(screen.payments.rows[0].amount_edit, "20")
    assert not screen.confirm_button.isEnabled()
    assert text(screen.reason_label) == "Il manque 4,00 € pour régler 24,00 €."
    qtbot.keyClick(screen.payments.rows[0].amount_edit, Qt.Key.Key_Return)
    assert screen.right.currentWidget() is screen.work_tabs  # still typing the sale
    assert screen.work_tabs.currentWidget() is screen.sale_box
    assert screen.last_sale is None


def test_split_cheque_and_cash(qtbot, screen, store, admin, schools, garderie):
    family = validated_family(store, admin, schools)
    scan(qtbot, screen, family.reference)
    type_quantity(qtbot, screen, garderie, 10)
    qtbot.keyClicks(screen.payments.rows[0].amount_edit, "10")
    qtbot.mouseClick(screen.payments.add_button, Qt.MouseButton.LeftButton)
    cheque = screen.payments.rows[1]
    assert cheque.amount_edit.text() == "14,00"  # what is left to pay
    assert "chèque" in text(screen.reason_label)
    qtbot.keyClicks(cheque.cheque_number_edit, "1234567")
    qtbot.keyClicks(cheque.cheque_bank_edit, "Banque Postale")
    qtbot.keyClicks(cheque.cheque_drawer_edit, "Dupont Marie")
    assert screen.confirm_button.isEnabled()
    assert text(screen.change_label) == "0,00 €"
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.right.currentWidget() is screen.done_box
    till = current_till(store)
    assert (till.cash_in_cents, till.cheques_cents) == (1_000, 1_400)


def test_name_search_and_arrow_keys(qtbot, screen, store, admin, schools):
    validated_family(store, admin, schools, last_name="Martin")
    second = validated_family(store, admin, schools, last_name="Martinez")
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, "mart")
    assert screen.results_list.count() == 2
    assert screen.results_list.currentRow() == -1  # nothing taken before the agent chooses
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)  # the first
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)  # the second
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert screen.family is not None and screen.family.id == second.id
    assert not screen.results_list.isVisible()


def test_unknown_reference_and_dossier_alert(qtbot, screen, store, admin, schools, family):
    scan(qtbot, screen, "F99999")
    assert "F99999" in screen.search_message.text()
    screen.search_edit.clear()
    scan(qtbot, screen, family.reference)
    assert "Dossier non validé" in screen.family_card.alerts_label.text()


@pytest.fixture(autouse=True)
def no_modal_errors(monkeypatch):
    """An unexpected error box would wait forever offscreen: fail the test instead."""

    def fail(parent, exc, title=""):
        raise AssertionError(f"error shown: {exc}")

    monkeypatch.setattr("eticket_desk.ui.counter.counter_screen.show_error", fail)
    monkeypatch.setattr("eticket_desk.ui.counter.till_dialog.show_error", fail)
