"""Cancelling a receipt of tickets the day it was made: money and tickets reversed, the
journal shows it « annulée », the cheque leaves the deposit list; refusals in French."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from eticket_desk.models import Sale
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.deposit_slips import make_deposit_slip, undeposited_cheques
from eticket_desk.services.counter.sale_cancellation import cancel_sale
from eticket_desk.services.counter.till import close_till, current_till, open_till
from eticket_desk.services.counter.till_journal import till_journal_data
from eticket_desk.services.counter.wallet import balances
from tests.conftest import cash_sale, cheque_sale, validated_family


@pytest.fixture
def family(store, admin, schools):
    return validated_family(store, admin, schools)


def _sale_id(store, number):
    with store.read() as session:
        return session.scalar(select(Sale.id).where(Sale.receipt_number == number))


def test_a_cancelled_cash_sale_gives_everything_back(store, agent, family, garderie):
    ticket, _ = garderie
    open_till(store, agent, 5000)
    cash_sale(store, agent, family, ticket, 10, 3000)  # 24,00 €, 6,00 € change
    cash_sale(store, agent, family, ticket, 5, 1200)
    with pytest.raises(InvalidInput, match="motif"):
        cancel_sale(store, agent, _sale_id(store, "Q-2026-000001"), "")
    said = cancel_sale(store, agent, _sale_id(store, "Q-2026-000001"), "Erreur de quantité")
    assert said.replace("\xa0", " ") == (
        "Quittance Q-2026-000001 annulée. À rendre : 24,00 € en espèces."
    )
    assert [b.tickets for b in balances(store, agent, family.id)] == [5]
    assert current_till(store).expected_cash_cents == 5000 + 1200
    journal = till_journal_data(store, agent)
    assert [(r.number, r.cancelled) for r in journal.receipts] == [
        ("Q-2026-000001", True),
        ("Q-2026-000002", False),
    ]
    assert journal.receipts[0].cash_cents == 2400  # printed struck out, not counted
    with pytest.raises(DomainError, match="déjà annulée"):
        cancel_sale(store, agent, _sale_id(store, "Q-2026-000001"), "encore")


def test_used_tickets_or_a_closed_till_refuse(store, agent, admin, family, garderie):
    from datetime import date

    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 1, 240)
    book_day(store, admin, family.children[0].id, activity.id, date(2026, 9, 21))  # uses it
    with pytest.raises(DomainError, match="des tickets ont servi"):
        cancel_sale(store, agent, _sale_id(store, "Q-2026-000001"), "Erreur")
    cash_sale(store, agent, family, ticket, 2, 480)
    close_till(store, agent, 720)
    open_till(store, agent, 0)
    with pytest.raises(DomainError, match="caisse déjà clôturée"):
        cancel_sale(store, agent, _sale_id(store, "Q-2026-000002"), "Erreur")


def test_a_cancelled_cheque_leaves_the_deposit_list(store, agent, family, garderie):
    ticket, _ = garderie
    open_till(store, agent, 0)
    cheque_sale(store, agent, family, ticket, 5, "1111111", 1200)
    cheque_sale(store, agent, family, ticket, 5, "2222222", 1200)
    cancel_sale(store, agent, _sale_id(store, "Q-2026-000001"), "Chèque rendu")
    assert [c.number for c in undeposited_cheques(store, agent)] == ["2222222"]
    assert current_till(store).cheques_cents == 1200
    slip = make_deposit_slip(
        store, agent, [c.payment_id for c in undeposited_cheques(store, agent)]
    )
    assert slip.total_cents == 1200
    with pytest.raises(DomainError, match="déjà remis"):
        cancel_sale(store, agent, _sale_id(store, "Q-2026-000002"), "trop tard")
