"""The outbox guard catches a writer that forgets its op (it can fail), through the ORM and
with raw SQL (a dossier, wallet lines, a message of the mairie), and lets a writer that states it through."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from eticket_desk.models import Family, MairieMessage, OutboxOp, TicketType, WalletEntry
from eticket_desk.sync.outbox import FamilyChanged, MessageWritten, WalletLines, emit
from tests.outbox_guard import UnstatedWrite


def _pending(store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(OutboxOp.type).order_by(OutboxOp.seq)))


def test_a_silent_dossier_change_is_caught_and_written_nowhere(store, agent, family, outbox_guard):
    before = _pending(store)
    with pytest.raises(UnstatedWrite, match="dossier"), store.write(agent) as session:
        session.get(Family, family.id).notes = "Changement sans op"
    outbox_guard.failures.clear()  # caught, as it must be
    assert _pending(store) == before  # and nothing was committed
    with store.write(agent) as session:
        session.get(Family, family.id).notes = "Changement avec son op"
        emit(session, FamilyChanged(family.id))
    assert _pending(store) == [*before, "family.upsert"]


def test_raw_wallet_lines_need_as_many_ops(store, agent, family, garderie, outbox_guard):
    ticket, _ = garderie
    rows = [uuid.uuid4(), uuid.uuid4()]

    def insert(session, ids):
        session.connection().exec_driver_sql(
            "INSERT INTO wallet_entry (id, family_id, ticket_type_id, at, quantity, kind, "
            "reason, \"by\") VALUES (?, ?, ?, '2026-09-14 09:30:00', 5, 'correction', '', 'x')",
            [(i.hex, family.id.hex, ticket.id.hex) for i in ids],
        )

    with pytest.raises(UnstatedWrite, match="wallet_entry"), store.write(agent) as session:
        insert(session, rows)
        emit(session, WalletLines((rows[0],)))  # one op for two lines
    outbox_guard.failures.clear()
    with store.write(agent) as session:
        insert(session, rows)
        emit(session, WalletLines(tuple(rows)))
    with store.read() as session:
        assert session.scalar(select(TicketType.code).where(TicketType.id == ticket.id))
        assert len(session.scalars(select(WalletEntry.id).where(WalletEntry.by == "x")).all()) == 2
    assert _pending(store)[-2:] == ["wallet.entry", "wallet.entry"]


def test_a_message_of_the_mairie_written_without_its_op_is_caught(store, agent, outbox_guard):
    before = _pending(store)
    with pytest.raises(UnstatedWrite, match="message"), store.write(agent) as session:
        session.add(_message())
    outbox_guard.failures.clear()
    assert _pending(store) == before
    with store.write(agent) as session:
        message = _message()
        session.add(message)
        session.flush()
        emit(session, MessageWritten(message.id))
    assert _pending(store) == [*before, "message.upsert"]


def _message() -> MairieMessage:
    return MairieMessage(
        title="Fermeture",
        text="La cantine est fermée.",
        valid_until=date(2026, 10, 2),
        withdrawn=False,
        written_by="Agent",
        updated_at=datetime(2026, 9, 14, 9, 30),
    )
