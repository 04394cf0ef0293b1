"""The counter on a real SQLite file: sales with change, gapless receipts, the wallet that
prepaid bookings debit, the till from its float to its counting."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eticket_desk.models import Payment, Sale, WalletEntry
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.counter import sales as sales_module
from eticket_desk.services.counter.sales import quote_sale
from eticket_desk.services.counter.till import close_till, current_till, open_till
from eticket_desk.services.counter.wallet import NoTicketLeft, balances, correct_wallet
from tests.conftest import cash_sale, validated_family


@pytest.fixture
def family(store, admin, schools):
    return validated_family(store, admin, schools)


def test_a_cash_sale_with_change(store, agent, admin, family, garderie):
    ticket, _ = garderie
    open_till(store, agent, 5000)
    # The test family has no QF: the highest bracket, 2,40 € a ticket.
    quote = quote_sale(store, agent, family.id, ((ticket.id, 10),))
    assert quote.total_cents == 2400 and "sans quotient familial valide" in quote.pricing_note
    done = cash_sale(store, agent, family, ticket, 10, 5000)
    assert done.receipt_number == "Q-2026-000001"
    assert done.change_cents == 2600
    assert done.balances_after == (("Garderie", 10),)
    with store.read() as session:
        payment = session.scalar(select(Payment))
        assert (payment.amount_cents, payment.given_cents, payment.change_cents) == (
            2400,
            5000,
            2600,
        )
    till = current_till(store)
    assert till.expected_cash_cents == 5000 + 2400


def test_receipt_numbers_stay_gapless_when_a_sale_fails(
    store, agent, family, garderie, monkeypatch
):
    ticket, _ = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 1, 240)
    with pytest.raises(DomainError, match="Il manque"):
        cash_sale(store, agent, family, ticket, 5, 100)

    def broken_record(*args, **kwargs):
        raise RuntimeError("coupure de courant")

    monkeypatch.setattr(sales_module, "record", broken_record)
    with pytest.raises(RuntimeError):
        cash_sale(store, agent, family, ticket, 3, 1000)
    monkeypatch.undo()
    # Nothing of the failed sales was written: no sale, no payment, no ticket.
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Sale)) == 1
        assert session.scalar(select(func.count()).select_from(Payment)) == 1
        assert session.scalar(select(func.sum(WalletEntry.quantity))) == 1
    assert cash_sale(store, agent, family, ticket, 1, 240).receipt_number == "Q-2026-000002"


def test_no_sale_without_an_open_till(store, agent, family, garderie):
    ticket, _ = garderie
    with pytest.raises(DomainError, match="La caisse n'est pas ouverte"):
        cash_sale(store, agent, family, ticket, 1, 240)


def test_prepaid_bookings_debit_the_wallet_and_timely_cancellations_give_back(
    store, agent, admin, family, garderie
):
    ticket, activity = garderie
    lea = family.children[0]
    with pytest.raises(NoTicketLeft, match="vendez des tickets"):
        book_day(store, agent, lea.id, activity.id, date(2026, 9, 21))
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 2, 480)
    book_day(store, agent, lea.id, activity.id, date(2026, 9, 21))
    book_day(store, agent, lea.id, activity.id, date(2026, 9, 22))
    assert [b.tickets for b in balances(store, agent, family.id)] == [0]
    with pytest.raises(NoTicketLeft):
        book_day(store, agent, lea.id, activity.id, date(2026, 9, 24))
    cancel_booking(store, agent, lea.id, activity.id, date(2026, 9, 22))  # in time
    assert [b.tickets for b in balances(store, agent, family.id)] == [1]
    # Monday 21 is booked; cancelling it after its deadline (a coordinator's override) keeps
    # the ticket spent: unused tickets are not refunded.
    store.clock.advance(days=7)  # Monday 21 Sept 9:30: Friday 18's 10:00 deadline is past
    cancel_booking(store, admin, lea.id, activity.id, date(2026, 9, 21), override_reason="Malade")
    assert [b.tickets for b in balances(store, agent, family.id)] == [1]


def test_corrections_need_the_right_and_a_reason(store, agent, admin, family, garderie):
    ticket, _ = garderie
    with pytest.raises(Exception, match="corriger un porte-monnaie"):
        correct_wallet(store, agent, family.id, ticket.id, 2, "Geste commercial")
    with pytest.raises(InvalidInput, match="motif"):
        correct_wallet(store, admin, family.id, ticket.id, 2, " ")
    assert correct_wallet(store, admin, family.id, ticket.id, 2, "Tickets papier repris") == 2
    with pytest.raises(DomainError, match="négatif"):
        correct_wallet(store, admin, family.id, ticket.id, -3, "Erreur")


def test_closing_the_till_records_the_difference_with_a_reason(store, agent, family, garderie):
    ticket, _ = garderie
    open_till(store, agent, 5000)
    cash_sale(store, agent, family, ticket, 5, 1200)
    with pytest.raises(InvalidInput, match="Écart de -2,00"):
        close_till(store, agent, 6000)
    closed = close_till(store, agent, 6000, "Pièce de 2 € rendue en trop")
    assert closed.closed_at is not None and closed.counted_cash_cents == 6000
    assert current_till(store) is None


def test_cash_above_the_ceiling_raises_an_alert(store, agent, admin, family, garderie):
    from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation

    org = load_organisation(store)
    org.cash_ceiling_cents = 6000
    save_organisation(store, admin, org)
    ticket, _ = garderie
    open_till(store, agent, 5000)
    cash_sale(store, agent, family, ticket, 5, 1200)
    state = current_till(store)
    assert state.over_ceiling and "au-delà du plafond de la régie" in state.alert()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["buy", "book", "cancel"]), st.integers(0, 9)), max_size=12
    )
)
def test_the_balance_is_the_sum_of_the_ledger_and_never_negative(
    store, agent, family, garderie, steps
):
    ticket, activity = garderie
    lea = family.children[0]
    if current_till(store) is None:
        open_till(store, agent, 0)
    days = [date(2026, 9, 21) + date.resolution * i for i in (0, 1, 3, 4, 7, 8, 10, 11, 14, 15)]
    for action, index in steps:
        try:
            if action == "buy":
                cash_sale(store, agent, family, ticket, 1, 240)
            elif action == "book":
                book_day(store, agent, lea.id, activity.id, days[index])
            else:
                cancel_booking(store, agent, lea.id, activity.id, days[index])
        except NoTicketLeft:
            pass
        with store.read() as session:
            total = session.scalar(
                select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
                    WalletEntry.family_id == family.id
                )
            )
        shown = balances(store, agent, family.id)[0].tickets
        assert shown == total >= 0


def test_the_receipt_pdf_says_what_was_sold_and_the_change(
    store, agent, family, garderie, tmp_path
):
    from pypdf import PdfReader

    from eticket_desk.services.counter.receipts import print_receipt

    ticket, _ = garderie
    open_till(store, agent, 0)
    done = cash_sale(store, agent, family, ticket, 10, 5000)
    for layout in ("a4", "ticket"):
        pdf = print_receipt(store, agent, done.sale_id, tmp_path / f"q-{layout}.pdf", layout)
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
        text = text.replace("\u202f", " ").replace("\xa0", " ")
        assert "Q-2026-000001" in text and "F00001" in text
        assert "24,00 €" in text and "rendu 26,00 €" in text


def test_a_paper_form_books_prepaid_days_only_as_far_as_the_tickets_go(
    store, agent, family, garderie
):
    from eticket_desk.rules.templates import WeekTemplate
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 3, 720)
    draft = SubscriptionDraft(
        family.children[0].id,
        activity.id,
        date(2026, 9, 21),
        date(2026, 10, 2),
        WeekTemplate(frozenset({0, 1, 3, 4})),
    )
    preview = apply_subscription(store, agent, draft)
    assert preview.to_book == (date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 24))
    assert len(preview.no_ticket) == 5
    assert "5 sans ticket" in preview.summary()
    assert [b.tickets for b in balances(store, agent, family.id)] == [0]
    with store.read() as session:
        debit = session.scalar(select(WalletEntry).where(WalletEntry.kind == "booking"))
    assert debit.quantity == -3
    assert debit.reason == "3 jour(s) de Garderie soir du 21/09/2026 au 24/09/2026 (inscription)"


def test_a_whole_week_books_prepaid_days_as_far_as_the_tickets_go_and_says_why_not_the_rest(
    store, agent, family, garderie
):
    from eticket_desk.rules.booking import RefusalCode
    from eticket_desk.services.bookings.batches import set_week

    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 2, 480)
    week = set_week(store, agent, family.children[0].id, activity.id, date(2026, 9, 21))
    assert week.changed == 2  # Monday and Tuesday; Wednesday is closed
    assert [(o.day, o.refused) for o in week.refusals] == [
        (date(2026, 9, 24), RefusalCode.NO_TICKET),
        (date(2026, 9, 25), RefusalCode.NO_TICKET),
    ]
    assert week.refusals[0].message == (
        "Plus de ticket « Garderie » dans le porte-monnaie de la famille : vendez des tickets "
        "avant de réserver Garderie soir du 24/09/2026."
    )
    assert [b.tickets for b in balances(store, agent, family.id)] == [0]
