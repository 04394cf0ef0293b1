"""The régie's till: open with a float, cash on hand and its ceiling, close by counting. A till
belongs to the agent holding it (who opened it, or took it over explicitly): only they take
money into it; anyone else is told whose till it is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import Organisation, Payment, TillHandover, TillSession
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store


class TillHeldByOther(DomainError):
    """Someone else holds the open till; `state` says who and since when."""

    def __init__(self, message: str, state: TillState) -> None:
        super().__init__(message)
        self.state = state


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
    held_by: str = ""  # the login of the agent whose till it is
    held_since: datetime | None = None  # opened, or taken over, at
    holder: str = ""  # « Marie Durand (agente d'accueil) »
    opened_by_name: str = ""  # « Marie Durand »
    holder_name: str = ""  # « Marie Durand »

    def held_by_other(self, actor: Actor) -> bool:
        return bool(self.held_by) and self.held_by != actor.login

    def holder_text(self, today: date | None = None) -> str:
        """« La caisse est ouverte par Marie Durand (agente d'accueil) depuis 8 h 05 »."""
        return f"La caisse est ouverte par {self.holder} depuis {_since(self.held_since, today)}"

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


def clock_time(moment: datetime) -> str:
    """8:05 -> « 8 h 05 », with non-breaking spaces (never cut at the end of a line)."""
    return f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"


def _since(moment: datetime | None, today: date | None = None) -> str:
    """« 8 h 05 » today, « le 12/11/2026 à 8 h 05 » another day."""
    if moment is None:
        return ""
    if today is not None and moment.date() != today:
        return f"le {moment:%d/%m/%Y} à {clock_time(moment)}"
    return clock_time(moment)


def open_till_in(session: Session) -> TillSession:
    till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
    if till is None:
        raise DomainError("La caisse n'est pas ouverte : ouvrez-la avec son fonds de caisse.")
    return till


def till_of(session: Session, actor: Actor) -> TillSession:
    """The open till, when it is the actor's: money is taken only into one's own till."""
    till = open_till_in(session)
    if (till.held_by or till.opened_by) != actor.login:
        state = state_of(session, till)
        raise TillHeldByOther(
            f"{state.holder_text(session.info['now'].date())} : on n'encaisse que dans sa "
            "propre caisse. Reprenez-la (« Caisse… » puis « Reprendre la caisse ») ou "
            "demandez-lui de la clôturer.",
            state,
        )
    return till


def _held_since(session: Session, till: TillSession) -> datetime:
    last = session.scalar(select(func.max(TillHandover.at)).where(TillHandover.till_id == till.id))
    return last or till.opened_at


def state_of(session: Session, till: TillSession) -> TillState:
    totals = dict(
        session.execute(
            select(Payment.method, func.sum(Payment.amount_cents))
            .where(Payment.till_id == till.id)
            .group_by(Payment.method)
        ).all()
    )
    ceiling = session.scalar(select(Organisation.cash_ceiling_cents)) or 0
    people = People(session)
    holder = till.held_by or till.opened_by
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
        holder,
        _held_since(session, till),
        people.label(holder, with_role=True),
        people.label(till.opened_by),
        people.label(holder),
    )


def current_till(store: Store) -> TillState | None:
    with store.read() as session:
        till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
        return None if till is None else state_of(session, till)


@changes(Topic.TILL)
def open_till(store: Store, actor: Actor, float_cents: int) -> TillState:
    actor.require(Permission.TILL_CLOSE)
    if not isinstance(float_cents, int) or float_cents < 0:
        raise InvalidInput("Le fonds de caisse ne peut pas être négatif.")
    with store.write(actor) as session:
        already = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
        if already is not None:
            state = state_of(session, already)
            if not state.held_by_other(actor):
                raise DomainError("Votre caisse est déjà ouverte.")
            raise DomainError(
                f"{state.holder_text(session.info['now'].date())} : une seule caisse est "
                "ouverte à la fois. Reprenez-la, ou demandez-lui de la clôturer."
            )
        till = TillSession(
            opened_at=session.info["now"],
            opened_by=actor.login,
            held_by=actor.login,
            float_cents=float_cents,
            expected_cash_cents=None,
            counted_cash_cents=None,
            closed_at=None,
        )
        session.add(till)
        session.flush()
        return state_of(session, till)


def _hand_over(session: Session, actor: Actor, till: TillSession, reason: str) -> None:
    """The till passes to the actor, written in its journal and in the audit log."""
    now = session.info["now"]
    people = People(session)
    given_by = till.held_by or till.opened_by
    since = _since(_held_since(session, till), now.date())
    session.add(
        TillHandover(
            till_id=till.id, at=now, given_by=given_by, taken_by=actor.login, reason=reason
        )
    )
    till.held_by = actor.login
    why = "pour la clôturer" if reason == "close" else "pour encaisser"
    record(
        session,
        "till_handover",
        "till_session",
        till.id,
        f"Caisse reprise par {people.label(actor.login, with_role=True)} {why} (tenue par "
        f"{people.label(given_by, with_role=True)} depuis {since})",
        given_by=given_by,
        taken_by=actor.login,
    )


@changes(Topic.TILL)
def hand_over_till(store: Store, actor: Actor, held_by: str) -> TillState:
    """The actor takes over the open till that `held_by` holds (the colleague gone without
    closing it): from now on the actor's sales go into it, and its journal says so. `held_by`
    is the holder the agent was shown: if it changed meanwhile, nothing is done."""
    actor.require(Permission.SALE)
    actor.require(Permission.TILL_CLOSE)
    with store.write(actor) as session:
        till = open_till_in(session)
        state = state_of(session, till)
        if not state.held_by_other(actor):
            raise DomainError("Cette caisse est déjà la vôtre.")
        if state.held_by != held_by:
            raise DomainError(
                f"{state.holder_text(session.info['now'].date())} : elle a changé de mains "
                "entre-temps, vérifiez avant de la reprendre."
            )
        _hand_over(session, actor, till, "take_over")
        session.flush()
        return state_of(session, till)


@changes(Topic.TILL)
def close_till(
    store: Store,
    actor: Actor,
    counted_cents: int,
    note: str = "",
    *,
    in_place_of: str = "",
) -> TillState:
    """Counts the cash: the difference with what is expected is recorded with the agent's
    explanation (required when there is one). Closing someone else's till is said explicitly
    with `in_place_of`, their login (the journal then shows who closed it for whom)."""
    actor.require(Permission.TILL_CLOSE)
    if not isinstance(counted_cents, int) or counted_cents < 0:
        raise InvalidInput("Le montant compté ne peut pas être négatif.")
    with store.write(actor) as session:
        till = open_till_in(session)
        state = state_of(session, till)
        if state.held_by_other(actor):
            if in_place_of != state.held_by:
                raise TillHeldByOther(
                    f"{state.holder_text(session.info['now'].date())} : confirmez que vous "
                    "la clôturez à sa place.",
                    state,
                )
            _hand_over(session, actor, till, "close")
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
