"""Bookings and money across two desks offline, synced in each order against the real
server: one debit per booked day, a wallet gone negative shown on both desks, a presence
mark beating a cancellation of the same day, an invoice paid at both desks. Each test ends
with the town hall, the annex and the server compared (the day's state, its seats, the
family's tickets, the invoice's payments and the credit to the cent)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eticket_central.models import ActivityDay
from eticket_central.models import Booking as ServerBooking
from eticket_central.models import Invoice as ServerInvoice
from eticket_central.ops.money_data import family_credit as server_credit
from eticket_desk.models import Booking, Occupancy, PaymentAllocation, WalletEntry
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.attendance.presence import PresenceChange, save_presence
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.run import family_credit
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues, mark_handled
from tests.conftest import cash_sale
from tests.sync.test_push_pull import MONDAY, TUESDAY, _server_tickets, _tickets
from tests.sync.test_scenarios import _local_invoice

ORDERS = pytest.mark.parametrize("first", ["office", "annex"])


def _in_order(desks, first: str):
    office, annex = desks
    return (office, annex) if first == "office" else (annex, office)


def _settle(*desks) -> None:
    """Each desk synced in the order given, twice: what one sends reaches the other."""
    for _ in range(2):
        for desk in desks:
            report = run_sync(desk)
            assert report.ok, report


def _day_on_desk(desk, child_id, day) -> tuple[str, int]:
    """The child's state that day and the seats taken that day, on a desk."""
    with desk.read() as session:
        state = session.scalar(
            select(Booking.state).where(Booking.child_id == child_id, Booking.day == day)
        )
        seats = session.scalar(
            select(func.coalesce(func.sum(Occupancy.booked), 0)).where(Occupancy.day == day)
        )
    return state, seats


def _day_on_server(db, activity_id, child_id, day) -> tuple[str, int]:
    db.expire_all()
    state = db.scalar(
        select(ServerBooking.state).where(
            ServerBooking.child_id == child_id, ServerBooking.day == day
        )
    )
    return state, db.get(ActivityDay, (activity_id, day)).booked


def _ledger_reasons(desk, family_id) -> list[str]:
    with desk.read() as session:
        return sorted(
            session.scalars(
                select(WalletEntry.reason).where(
                    WalletEntry.family_id == family_id, WalletEntry.reason != ""
                )
            )
        )


def _sell(desk, agent, family, ticket, quantity: int) -> None:
    open_till(desk, agent, 0)
    cash_sale(desk, agent, family, ticket, quantity, quantity * 500)


@ORDERS
def test_the_same_day_booked_at_both_desks_is_debited_once_everywhere(
    desks, agent, lea_family, garderie, db, first
):
    office, annex = desks
    ticket, activity = garderie
    lea = lea_family.children[0]
    _sell(office, agent, lea_family, ticket, 3)
    _settle(office, annex)  # both desks see the 3 tickets
    for desk in desks:  # offline, each desk books Léa's Monday: a ticket each
        book_day(desk, agent, lea.id, activity.id, MONDAY)
        assert _tickets(desk, agent, lea_family.id) == 2

    _settle(*_in_order(desks, first))

    for desk in desks:
        assert _day_on_desk(desk, lea.id, MONDAY) == ("booked", 1)
        assert _tickets(desk, agent, lea_family.id) == 2  # one ticket for one day
        assert check(desk).ok, check(desk).faults
    assert _day_on_server(db, activity.id, lea.id, MONDAY) == ("booked", 1)
    assert _server_tickets(db, lea_family.id) == 2
    # The desk that synced second gave its ticket back, and says why (both desks show it).
    back = "Déjà réservé sur un autre poste : ticket rendu (Garderie soir du 21/09/2026)"
    second = _in_order(desks, first)[1]
    assert back in _ledger_reasons(second, lea_family.id)
    assert not [i for i in list_sync_issues(second, agent) if i.code != "wallet_negative"]


@ORDERS
def test_the_last_tickets_spent_at_both_desks_leave_minus_two_and_an_issue_on_each(
    desks, agent, lea_family, garderie, db, first
):
    office, annex = desks
    ticket, activity = garderie
    lea = lea_family.children[0]
    _sell(office, agent, lea_family, ticket, 2)
    _settle(office, annex)
    # Offline, the town hall books Monday and Tuesday, the annex Thursday and Friday.
    for desk, days in (
        (office, (MONDAY, TUESDAY)),
        (annex, (date(2026, 9, 24), date(2026, 9, 25))),
    ):
        for day in days:
            book_day(desk, agent, lea.id, activity.id, day)
        assert _tickets(desk, agent, lea_family.id) == 0

    _settle(*_in_order(desks, first))

    expected = (
        "Porte-monnaie de la famille Dupont : −2 tickets Garderie après synchronisation — "
        "vendez des tickets ou corrigez le porte-monnaie."
    )
    for desk in desks:
        assert _tickets(desk, agent, lea_family.id) == -2
        issues = [i for i in list_sync_issues(desk, agent) if i.code == "wallet_negative"]
        assert [(i.title, i.message) for i in issues] == [("Porte-monnaie négatif", expected)]
        assert issues[0].subject.startswith(f"Dossier {lea_family.reference} — ")
    assert _server_tickets(db, lea_family.id) == -2
    # Once per occurrence: handled, it is not raised again while the wallet stays below zero.
    [notice] = [i for i in list_sync_issues(office, agent) if i.code == "wallet_negative"]
    mark_handled(office, agent, notice.ref)
    assert run_sync(office).ok
    assert [i for i in list_sync_issues(office, agent) if i.code == "wallet_negative"] == []
    cash_sale(office, agent, lea_family, ticket, 2, 1000)
    _settle(office, annex)
    assert _tickets(annex, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 0


@ORDERS
def test_a_day_booked_at_the_town_hall_and_by_a_paper_form_at_the_annex_is_debited_once(
    desks, agent, lea_family, garderie, db, first
):
    from eticket_desk.rules.templates import WeekTemplate
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    office, annex = desks
    ticket, activity = garderie
    lea = lea_family.children[0]
    _sell(office, agent, lea_family, ticket, 10)
    _settle(office, annex)
    book_day(office, agent, lea.id, activity.id, MONDAY)
    # The annex takes Léa's form: Mondays and Thursdays until 2 October, Monday 21 included.
    form = SubscriptionDraft(
        lea.id, activity.id, MONDAY, date(2026, 10, 2), WeekTemplate(frozenset({0, 3}))
    )
    assert len(apply_subscription(annex, agent, form).to_book) == 4

    _settle(*_in_order(desks, first))

    for desk in desks:
        assert _day_on_desk(desk, lea.id, MONDAY) == ("booked", 1)
        assert _tickets(desk, agent, lea_family.id) == 6  # 4 days, 4 tickets
        assert check(desk).ok, check(desk).faults
    assert _day_on_server(db, activity.id, lea.id, MONDAY) == ("booked", 1)
    assert _server_tickets(db, lea_family.id) == 6


def _book_lea_monday_on_both(desks, agent, lea_family, garderie):
    office, annex = desks
    ticket, activity = garderie
    _sell(office, agent, lea_family, ticket, 2)
    book_day(office, agent, lea_family.children[0].id, activity.id, MONDAY)
    _settle(office, annex)


@ORDERS
def test_a_presence_marked_at_the_annex_beats_a_timely_cancellation_at_the_town_hall(
    desks, agent, lea_family, garderie, central, clock, db, first
):
    office, annex = desks
    _, activity = garderie
    lea = lea_family.children[0]
    _book_lea_monday_on_both(desks, agent, lea_family, garderie)
    assert _tickets(office, agent, lea_family.id) == 1
    # Offline: the town hall cancels in time (its ticket given back)…
    cancel_booking(office, agent, lea.id, activity.id, MONDAY)
    assert _tickets(office, agent, lea_family.id) == 2
    # …while on Monday evening the annex, which never heard of it, marks Léa present.
    clock.current = central.clock.current = datetime(2026, 9, 21, 18, 0)
    save_presence(annex, agent, activity.id, MONDAY, [PresenceChange(lea.id, BookingState.PRESENT)])

    _settle(*_in_order(desks, first))

    for desk in desks:
        assert _day_on_desk(desk, lea.id, MONDAY) == ("present", 1)
        assert _tickets(desk, agent, lea_family.id) == 1  # the ticket stays consumed
        assert check(desk).ok, check(desk).faults
    assert _day_on_server(db, activity.id, lea.id, MONDAY) == ("present", 1)
    assert _server_tickets(db, lea_family.id) == 1
    if first == "annex":  # the cancellation came second: refused, with a French reason
        issues = list_sync_issues(office, agent)
        assert [i.title for i in issues] == ["Annulation refusée — présence déjà pointée"]
        assert "le ticket rendu par l'annulation a été repris" in issues[0].actions[0]
    else:  # the mark came second: it reinstated the day and took the refund back
        assert list_sync_issues(office, agent) == list_sync_issues(annex, agent) == []


@pytest.fixture
def september_invoice(store, admin, lea_family):
    """An invoice of 42,50 € issued at the town hall before the annex was copied from it (so
    both desks hold it): requested before `desks`."""
    return _local_invoice(store, admin, lea_family.id, 4250)


def _paid_here(desk, invoice_id) -> int:
    with desk.read() as session:
        return session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0)).where(
                PaymentAllocation.invoice_id == invoice_id
            )
        )


@ORDERS
def test_an_invoice_paid_at_both_desks_is_paid_once_and_the_rest_is_credit_everywhere(
    september_invoice, desks, agent, lea_family, commune, db, first
):
    office, annex = desks
    payments = {
        office: PaymentInput(Method.CASH, 4250),
        annex: PaymentInput(Method.CHEQUE, 4250, "0012345", "Crédit Agricole", "M. DUPONT"),
    }
    for desk, payment in payments.items():  # offline, each desk takes the family's money
        open_till(desk, agent, 0)
        request = InvoicePaymentRequest(lea_family.id, (september_invoice,), (payment,))
        pay_invoices(desk, agent, request)

    _settle(*_in_order(desks, first))

    db.expire_all()
    invoice = db.get(ServerInvoice, september_invoice)
    assert (invoice.amount_cents, invoice.paid_cents) == (4250, 4250)
    assert server_credit(db, commune.tenant_id, lea_family.id) == 4250
    for desk in desks:
        assert _paid_here(desk, september_invoice) == 4250
        assert family_credit(desk, lea_family.id) == 4250  # 42,50 € of credit on both desks
    assert list_sync_issues(office, agent) == list_sync_issues(annex, agent) == []
