"""The dossier's « Porte-monnaie » tab, used like an agent and a régisseur would: balances and
ledger after a sale and a booking, the filter, the counter opened from it, corrections."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import Qt

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.permissions import Role
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.access import users
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
from eticket_desk.services.core.changes import FamilyTopic
from eticket_desk.services.core.store import Actor
from eticket_desk.services.counter.sales import SaleRequest, sell_tickets
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.wallet import balances, ledger
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.family_editor import FamilyEditorDialog
from eticket_desk.ui.family_editor.wallet_tab import LedgerColumn
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import AGENT_PASSWORD, validated_family

LEFT = Qt.MouseButton.LeftButton
MONDAY = date(2026, 9, 21)  # the clock says Monday 14 Sept 9:30: booking it is in time


@pytest.fixture(autouse=True)
def _no_unanswered_box(unexpected_boxes):
    """Every test here fails on a message box nobody answered (tests/conftest.py)."""
    return unexpected_boxes


@pytest.fixture
def tickets(store, admin, school_year):
    """Garderie tickets at 2,40 € (no QF: the highest bracket) for a prepaid evening garderie."""
    ticket = save_ticket_type(store, admin, "GARDERIE", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), [Bracket(None, 240, 290)])
    activity = save_activity(
        store,
        admin,
        ActivitySpec(
            code="GARDERIE_SOIR",
            name="Garderie soir",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.PREPAID,
            ticket_type="GARDERIE",
        ),
    )
    return ticket, activity


@pytest.fixture
def family(store, admin, schools):
    return validated_family(store, admin, schools)


@pytest.fixture
def regisseur(store, admin) -> Actor:
    info = users.save_user(
        store,
        admin,
        users.UserDraft("claire", "Claire Régie", Role.REGISSEUR, True, AGENT_PASSWORD),
    )
    return Actor(info.id, info.login, info.full_name, info.role)


def _context(qapp, store, actor) -> AppContext:
    return AppContext(store=store, actor=actor, runner=ImmediateRunner(), bus=ChangeBus())


def _sell(store, actor, family, ticket, quantity: int):
    open_till(store, actor, 0)
    return sell_tickets(
        store,
        actor,
        SaleRequest(family.id, ((ticket.id, quantity),), (PaymentInput(Method.CASH, 10_000),)),
    )


def _open_wallet(qtbot, ctx, family):
    """Opens the dossier and goes to its wallet with Alt+O, as the agent would."""
    dialog = FamilyEditorDialog(ctx, family.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()  # shortcuts work in the active window
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.wallet
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "P&orte-monnaie"
    return dialog, dialog.wallet


def _row(tab, row: int) -> list[str]:
    return [tab.model.index(row, c).data() for c in LedgerColumn]


def _correct(qtbot, tab, *, remove: bool, count: int, reason: str):
    qtbot.mouseClick(tab.correct_button, LEFT)
    dialog = tab.correction_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.remove_radio if remove else dialog.add_radio, LEFT)
    dialog.quantity_spin.selectAll()
    qtbot.keyClicks(dialog.quantity_spin, str(count))
    qtbot.keyClicks(dialog.reason_edit, reason)
    return dialog


def test_balances_and_ledger_after_a_sale_a_booking_and_a_cancellation(
    qtbot, qapp, store, admin, family, tickets
):
    ticket, activity = tickets
    lea = family.children[0]
    sale = _sell(store, admin, family, ticket, 10)
    book_day(store, admin, lea.id, activity.id, MONDAY)
    book_day(store, admin, lea.id, activity.id, date(2026, 9, 22))
    cancel_booking(store, admin, lea.id, activity.id, date(2026, 9, 22))
    _, tab = _open_wallet(qtbot, _context(qapp, store, admin), family)

    assert tab.balance_labels["GARDERIE"].text() == "9"
    assert "non utilisés ne sont pas remboursés" in tab.refund_note.text()
    assert tab.count_label.text() == "4 mouvements, du plus récent au plus ancien"
    header = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in LedgerColumn]
    assert header == [
        "Date et heure",
        "Ticket",
        "Mouvement",
        "Quantité",
        "Solde après",
        "Détail",
        "Par",
    ]
    assert _row(tab, 0) == [
        "14/09/2026 09:30",
        "Garderie",
        "Annulation dans les délais",
        "+1",
        "9",
        "Léa Dupont — Garderie soir — mar. 22/09/2026",
        "Anne Martin",
    ]
    assert _row(tab, 1)[2:6] == [
        "Réservation",
        "−1",
        "8",
        "Léa Dupont — Garderie soir — mar. 22/09/2026",
    ]
    assert _row(tab, 2)[2:6] == [
        "Réservation",
        "−1",
        "9",
        "Léa Dupont — Garderie soir — lun. 21/09/2026",
    ]
    assert _row(tab, 3)[2:6] == ["Achat", "+10", "10", f"Quittance {sale.receipt_number}"]
    assert sale.receipt_number == "Q-2026-000001"


def test_an_empty_wallet_reads_zero_in_red_and_says_it_has_no_movement(
    qtbot, qapp, store, admin, family, tickets
):
    _, tab = _open_wallet(qtbot, _context(qapp, store, admin), family)
    assert tab.balance_labels["GARDERIE"].text() == "0"
    assert "#b3261e" in tab.balance_labels["GARDERIE"].styleSheet()
    assert tab.count_label.text() == "Aucun mouvement dans le porte-monnaie."


def test_no_wallet_tab_while_no_ticket_is_sold(qtbot, qapp, store, admin, family):
    dialog = FamilyEditorDialog(_context(qapp, store, admin), family.id)
    qtbot.addWidget(dialog)
    labels = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "P&orte-monnaie" not in labels and "P&lanning" in labels


def test_the_filter_shows_one_ticket_type(qtbot, qapp, store, admin, family, tickets):
    garderie, _ = tickets
    repas = save_ticket_type(store, admin, "REPAS", "Repas")
    save_tariff(store, admin, repas.id, store.clock.today(), [Bracket(None, 400, 450)])
    _sell(store, admin, family, garderie, 5)
    sell_tickets(
        store,
        admin,
        SaleRequest(family.id, ((repas.id, 3),), (PaymentInput(Method.CASH, 1200),)),
    )
    _, tab = _open_wallet(qtbot, _context(qapp, store, admin), family)
    assert [tab.balance_labels[code].text() for code in ("GARDERIE", "REPAS")] == ["5", "3"]
    assert tab.model.rowCount() == 2

    tab.filter_combo.setCurrentIndex(tab.filter_combo.findText("Repas"))
    assert tab.model.rowCount() == 1
    assert _row(tab, 0)[1:5] == ["Repas", "Achat", "+3", "3"]
    assert tab.count_label.text() == "1 mouvement, du plus récent au plus ancien"


def test_sell_tickets_opens_the_counter_on_the_family(qtbot, qapp, store, admin, family, tickets):
    ticket, _ = tickets
    open_till(store, admin, 0)
    ctx = _context(qapp, store, admin)
    _, tab = _open_wallet(qtbot, ctx, family)
    qtbot.mouseClick(tab.sell_button, LEFT)
    counter = tab.counter_dialog.counter
    assert counter.family is not None and counter.family.id == family.id

    spin = counter.spins[ticket.id]
    spin.selectAll()
    qtbot.keyClicks(spin, "6")
    cash = counter.payments.rows[0]
    qtbot.keyClicks(cash.amount_edit, "20")
    qtbot.keyClick(cash.amount_edit, Qt.Key.Key_Return)
    assert counter.last_sale is not None
    tab.counter_dialog.reject()

    assert tab.counter_dialog is None
    assert tab.balance_labels["GARDERIE"].text() == "6"
    assert _row(tab, 0)[2:6] == [
        "Achat",
        "+6",
        "6",
        f"Quittance {counter.last_sale.receipt_number}",
    ]


def test_a_regisseur_takes_two_tickets_back_with_a_reason(
    qtbot, qapp, store, admin, regisseur, family, tickets
):
    ticket, _ = tickets
    _sell(store, admin, family, ticket, 10)
    ctx = _context(qapp, store, regisseur)
    _, tab = _open_wallet(qtbot, ctx, family)
    assert tab.correct_button.isEnabled()

    dialog = _correct(qtbot, tab, remove=True, count=2, reason="Double saisie du 14/09")
    assert dialog.before_label.text() == "10 tickets"
    assert dialog.after_label.text() == "8 tickets  (−2)"
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        qtbot.mouseClick(dialog.save_button, LEFT)
    assert announced.args == [frozenset({FamilyTopic(family.id)})]
    assert tab.correction_dialog is None

    assert tab.balance_labels["GARDERIE"].text() == "8"
    assert _row(tab, 0)[1:] == [
        "Garderie",
        "Correction",
        "−2",
        "8",
        "Double saisie du 14/09",
        "Claire Régie",
    ]
    assert [b.tickets for b in balances(store, admin, family.id)] == [8]


def test_an_empty_reason_is_refused_in_french(
    qtbot, qapp, store, admin, regisseur, family, tickets
):
    ticket, _ = tickets
    _sell(store, admin, family, ticket, 10)
    _, tab = _open_wallet(qtbot, _context(qapp, store, regisseur), family)
    dialog = _correct(qtbot, tab, remove=False, count=3, reason="   ")
    assert dialog.after_label.text() == "13 tickets  (+3)"
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Le motif de la correction est obligatoire."
    assert len(ledger(store, admin, family.id)) == 1  # only the sale
    assert tab.balance_labels["GARDERIE"].text() == "10"


def test_a_correction_below_zero_is_refused(qtbot, qapp, store, admin, regisseur, family, tickets):
    ticket, _ = tickets
    _sell(store, admin, family, ticket, 10)
    _, tab = _open_wallet(qtbot, _context(qapp, store, regisseur), family)
    dialog = _correct(qtbot, tab, remove=True, count=11, reason="Erreur")
    assert dialog.after_label.text() == "−1 ticket  (−11)"
    assert "#b3261e" in dialog.after_label.styleSheet()
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.isVisible()
    assert dialog.error.text() == (
        "Le porte-monnaie n'a que 10 ticket(s) : il ne peut pas devenir négatif."
    )
    assert [b.tickets for b in balances(store, admin, family.id)] == [10]


def test_the_spin_box_never_offers_zero(qtbot, qapp, store, regisseur, family, tickets):
    _, tab = _open_wallet(qtbot, _context(qapp, store, regisseur), family)
    qtbot.mouseClick(tab.correct_button, LEFT)
    spin = tab.correction_dialog.quantity_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "0")
    qtbot.keyClick(spin, Qt.Key.Key_Tab)
    assert spin.value() >= 1
    tab.correction_dialog.reject()


@pytest.mark.parametrize("profile", ["agent", "coordinator"])
def test_only_a_regisseur_may_correct(qtbot, qapp, store, family, tickets, profile, request):
    actor = request.getfixturevalue(profile)
    _, tab = _open_wallet(qtbot, _context(qapp, store, actor), family)
    assert tab.correct_button.isVisible()
    assert not tab.correct_button.isEnabled()
    assert "ne permet pas de corriger un porte-monnaie" in tab.correct_button.toolTip()
    assert "régisseur" in tab.correct_button.toolTip()
    assert tab.sell_button.isEnabled()  # selling is the agent's job


def test_a_day_booked_on_the_planning_tab_shows_when_the_agent_comes_back(
    qtbot, qapp, store, admin, family, tickets
):
    ticket, _ = tickets
    _sell(store, admin, family, ticket, 4)
    dialog, tab = _open_wallet(qtbot, _context(qapp, store, admin), family)
    assert tab.balance_labels["GARDERIE"].text() == "4"

    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    grid = dialog.planning
    assert dialog.tabs.currentWidget() is grid
    grid.go_to(MONDAY)
    row = next(
        i
        for i, r in enumerate(grid.model.rows)
        if r.activity is not None and r.activity.code == "GARDERIE_SOIR"
    )
    rect = grid.table.visualRect(grid.model.index(row, 1))
    qtbot.mouseClick(grid.table.viewport(), LEFT, pos=rect.center())
    assert grid.status.text().startswith("Réservé : Garderie soir du lundi 21 septembre")

    qtbot.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is tab
    assert tab.balance_labels["GARDERIE"].text() == "3"
    assert _row(tab, 0)[2:6] == [
        "Réservation",
        "−1",
        "3",
        "Léa Dupont — Garderie soir — lun. 21/09/2026",
    ]
