"""The régie's till: open with a float, cash on hand and its ceiling, close by counting."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import Organisation, Payment, TillSession
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.audit import record
from eticket_desk.services.store import Actor, Store


@dataclass(frozen=True)
class TillState:
    id: uuid.UUID
    opened_at: datetime
    opened_by: str
    float_cents: int
    cash_in_cents: int  # cash received (net of the change given back)
    cheques_cents: int
    cards_cents: int
    ceiling_cents: int  # 0: no ceiling set
    closed_at: datetime | None = None
    counted_cash_cents: int | None = None

    @property
    def expected_cash_cents(self) -> int:
        return self.float_cents + self.cash_in_cents

    @property
    def over_ceiling(self) -> bool:
        return bool(self.ceiling_cents) and self.expected_cash_cents > self.ceiling_cents

    def alert(self) -> str:
        if not self.over_ceiling:
            return ""
        return (
            f"Encaisse de {format_cents(self.expected_cash_cents)} au-delà du plafond de la "
            f"régie ({format_cents(self.ceiling_cents)}) : faites un versement au Trésor Public."
        )


def open_till_in(session: Session) -> TillSession:
    till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
    if till is None:
        raise DomainError("La caisse n'est pas ouverte : ouvrez-la avec son fonds de caisse.")
    return till


def state_of(session: Session, till: TillSession) -> TillState:
    totals = dict(
        session.execute(
            select(Payment.method, func.sum(Payment.amount_cents))
            .where(Payment.till_id == till.id)
            .group_by(Payment.method)
        ).all()
    )
    ceiling = session.scalar(select(Organisation.cash_ceiling_cents)) or 0
    return TillState(
        till.id,
        till.opened_at,
        till.opened_by,
        till.float_cents,
        totals.get("cash", 0),
        totals.get("cheque", 0),
        totals.get("card", 0),
        ceiling,
        till.closed_at,
        till.counted_cash_cents,
    )


def current_till(store: Store) -> TillState | None:
    with store.read() as session:
        till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
        return None if till is None else state_of(session, till)


def open_till(store: Store, actor: Actor, float_cents: int) -> TillState:
    actor.require(Permission.TILL_CLOSE)
    if not isinstance(float_cents, int) or float_cents < 0:
        raise InvalidInput("Le fonds de caisse ne peut pas être négatif.")
    with store.write(actor) as session:
        if session.scalar(select(TillSession.id).where(TillSession.closed_at.is_(None))):
            raise DomainError("La caisse est déjà ouverte.")
        till = TillSession(
            opened_at=session.info["now"],
            opened_by=actor.login,
            float_cents=float_cents,
            expected_cash_cents=None,
            counted_cash_cents=None,
            closed_at=None,
        )
        session.add(till)
        session.flush()
        return state_of(session, till)


def close_till(store: Store, actor: Actor, counted_cents: int, note: str = "") -> TillState:
    """Counts the cash: the difference with what is expected is recorded with the agent's
    explanation (required when there is one)."""
    actor.require(Permission.TILL_CLOSE)
    if not isinstance(counted_cents, int) or counted_cents < 0:
        raise InvalidInput("Le montant compté ne peut pas être négatif.")
    with store.write(actor) as session:
        till = open_till_in(session)
        state = state_of(session, till)
        difference = counted_cents - state.expected_cash_cents
        if difference and not note.strip():
            raise InvalidInput(
                f"Écart de {format_cents(difference)} entre les espèces comptées et attendues : "
                "expliquez-le avant de clôturer."
            )
        till.closed_at = session.info["now"]
        till.closed_by = actor.login
        till.expected_cash_cents = state.expected_cash_cents
        till.counted_cash_cents = counted_cents
        till.difference_note = note.strip()
        record(
            session,
            "till_close",
            "till_session",
            till.id,
            f"Clôture de caisse : attendu {format_cents(state.expected_cash_cents)}, compté "
            f"{format_cents(counted_cents)}, écart {format_cents(difference)}",
            note=note.strip(),
        )
        session.flush()
        return state_of(session, till)
