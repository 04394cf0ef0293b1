"""The till's documents on a real SQLite file: the day's journal from the sales, the cheque
deposit slip that takes each cheque exactly once, with gapless slip numbers."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from eticket_desk.models import DepositSlip, NumberSeries, Payment
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.services.counter import deposit_slips
from eticket_desk.services.counter.deposit_slips import (
    list_deposit_slips,
    make_deposit_slip,
    print_deposit_slip,
    undeposited_cheques,
)
from eticket_desk.services.counter.till import close_till, open_till
from eticket_desk.services.counter.till_journal import (
    list_till_sessions,
    print_till_journal,
    till_journal_data,
)
from tests.conftest import cash_sale, cheque_sale, validated_family


@pytest.fixture
def family(store, admin, schools):
    return validated_family(store, admin, schools)


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_journal_lists_the_sessions_receipts_by_method(
    store, agent, family, garderie, clock, tmp_path
):
    ticket, _ = garderie
    open_till(store, agent, 5000)
    cash_sale(store, agent, family, ticket, 10, 3000)  # 24,00 €
    clock.advance(minutes=7)
    cheque_sale(store, agent, family, ticket, 5, "1234567", 1200)
    data = till_journal_data(store, agent)
    assert [r.number for r in data.receipts] == ["Q-2026-000001", "Q-2026-000002"]
    assert [(r.cash_cents, r.cheque_cents, r.card_cents) for r in data.receipts] == [
        (2400, 0, 0),
        (0, 1200, 0),
    ]
    assert data.closed_at is None and data.expected_cash_cents == 7400
    assert data.title == "Journal de caisse du lundi 14 septembre 2026"
    text = _text(print_till_journal(store, agent, None, tmp_path / "journal.pdf"))
    assert "journal provisoire" in text
    assert "Q-2026-000002" in text and "74,00" in text  # float + cash expected

    clock.advance(hours=8)
    close_till(store, agent, 7300, "Un euro rendu en trop.")
    closed = list_till_sessions(store, agent)[0]
    assert (closed.receipts, closed.total_cents) == (2, 3600)
    data = till_journal_data(store, agent, closed.id)
    assert (data.counted_cash_cents, data.difference_cents) == (7300, -100)
    text = _text(print_till_journal(store, agent, closed.id, tmp_path / "closed.pdf"))
    assert "provisoire" not in text
    assert "Un euro rendu en trop." in text and "−1,00" in text


def test_a_slip_takes_every_cheque_once_with_gapless_numbers(
    store, agent, family, garderie, tmp_path
):
    ticket, _ = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 1, 240)
    for number in ("1000001", "1000002", "1000003"):
        cheque_sale(store, agent, family, ticket, 5, number, 1200)
    cheques = undeposited_cheques(store, agent)
    assert [c.number for c in cheques] == ["1000001", "1000002", "1000003"]
    assert cheques[0].receipt_number == "Q-2026-000002"

    first = make_deposit_slip(store, agent, [c.payment_id for c in cheques[:2]])
    assert (first.number, first.cheques, first.total_cents) == ("B-2026-0001", 2, 2400)
    assert [c.number for c in undeposited_cheques(store, agent)] == ["1000003"]
    with pytest.raises(DomainError, match="déjà sur un autre bordereau"):
        make_deposit_slip(store, agent, [cheques[1].payment_id, cheques[2].payment_id])
    second = make_deposit_slip(store, agent, [cheques[2].payment_id])
    assert second.number == "B-2026-0002"  # the refused slip did not take a number
    assert undeposited_cheques(store, agent) == []
    assert [s.number for s in list_deposit_slips(store, agent)] == ["B-2026-0002", "B-2026-0001"]

    text = _text(print_deposit_slip(store, agent, first.id, tmp_path / "slip.pdf"))
    assert "B-2026-0001" in text and "1000001" in text and "1000002" in text
    assert "1000003" not in text and "24,00" in text
    assert "vingt-quatre euros" in text


def test_a_slip_failing_half_way_leaves_nothing(store, agent, family, garderie, monkeypatch):
    ticket, _ = garderie
    open_till(store, agent, 0)
    cheque_sale(store, agent, family, ticket, 5, "2000001", 1200)
    ids = [c.payment_id for c in undeposited_cheques(store, agent)]

    def broken(*args, **kwargs):
        raise RuntimeError("disque plein")

    monkeypatch.setattr(deposit_slips, "record", broken)
    with pytest.raises(RuntimeError):
        make_deposit_slip(store, agent, ids)
    with store.read() as session:
        assert session.scalar(select(DepositSlip)) is None
        assert session.scalar(select(Payment.deposit_slip_id)) is None
        assert session.get(NumberSeries, "deposit-slip-2026") is None
    monkeypatch.undo()
    assert make_deposit_slip(store, agent, ids).number == "B-2026-0001"


def test_a_slip_needs_a_cheque_and_the_right(store, agent, admin, family, garderie):
    with pytest.raises(InvalidInput, match="au moins un chèque"):
        make_deposit_slip(store, agent, [])
    ticket, _ = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 1, 240)
    with store.read() as session:
        cash_id = session.scalar(select(Payment.id))
    with pytest.raises(NotFound, match="n'existe plus"):
        make_deposit_slip(store, agent, [cash_id])  # cash is not a cheque
