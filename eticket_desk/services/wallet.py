"""The porte-monnaie: an append-only ledger of tickets per family and ticket type.

Booking a prepaid activity debits one ticket (the booking hook below), a cancellation before
the deadline gives it back, a late one does not; nothing is booked beyond the balance; a
correction is a new entry with a reason, by a régisseur. The balance is the sum of the
ledger, always.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import Booking, TicketType, WalletEntry
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.audit import record
from eticket_desk.services.booking_hooks import register_booking_hook
from eticket_desk.services.store import Actor, Store


class NoTicketLeft(DomainError):
    """A prepaid booking refused: the wallet of that ticket type is empty."""


@dataclass(frozen=True)
class Balance:
    ticket_type_id: uuid.UUID
    code: str
    name: str
    tickets: int


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    ticket_name: str
    quantity: int
    kind: str
    label: str
    by: str


KIND_LABELS = {
    "purchase": "Achat",
    "booking": "Réservation",
    "cancellation": "Annulation dans les délais",
    "correction": "Correction",
}


def balance_in(session: Session, family_id: uuid.UUID, ticket_type_id: uuid.UUID) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.family_id == family_id, WalletEntry.ticket_type_id == ticket_type_id
        )
    )


def balances(store: Store, actor: Actor, family_id: uuid.UUID) -> list[Balance]:
    """Every active ticket type with the family's balance (0 when never bought)."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        sums = dict(
            session.execute(
                select(WalletEntry.ticket_type_id, func.sum(WalletEntry.quantity))
                .where(WalletEntry.family_id == family_id)
                .group_by(WalletEntry.ticket_type_id)
            ).all()
        )
        return [
            Balance(t.id, t.code, t.name, sums.get(t.id, 0))
            for t in session.scalars(
                select(TicketType).where(TicketType.active.is_(True)).order_by(TicketType.position)
            )
        ]


def ledger(store: Store, actor: Actor, family_id: uuid.UUID) -> list[LedgerLine]:
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        rows = session.execute(
            select(WalletEntry, TicketType.name)
            .join(TicketType, TicketType.id == WalletEntry.ticket_type_id)
            .where(WalletEntry.family_id == family_id)
            .order_by(WalletEntry.at.desc())
        ).all()
        return [
            LedgerLine(
                e.at,
                name,
                e.quantity,
                KIND_LABELS.get(e.kind, e.kind),
                e.reason or (f"{e.day:%d/%m/%Y}" if e.day else ""),
                e.by,
            )
            for e, name in rows
        ]


def correct_wallet(
    store: Store,
    actor: Actor,
    family_id: uuid.UUID,
    ticket_type_id: uuid.UUID,
    quantity: int,
    reason: str,
) -> int:
    """A régisseur's correction (a reversing entry with its reason); returns the balance."""
    actor.require(Permission.WALLET_CORRECT)
    if quantity == 0:
        raise InvalidInput("La correction doit ajouter ou retirer au moins un ticket.")
    if not reason.strip():
        raise InvalidInput("Le motif de la correction est obligatoire.")
    with store.write(actor) as session:
        if session.get(TicketType, ticket_type_id) is None:
            raise NotFound("Ce type de ticket n'existe plus.")
        before = balance_in(session, family_id, ticket_type_id)
        if before + quantity < 0:
            raise DomainError(
                f"Le porte-monnaie n'a que {before} ticket(s) : il ne peut pas devenir négatif."
            )
        session.add(
            WalletEntry(
                family_id=family_id,
                ticket_type_id=ticket_type_id,
                at=session.info["now"],
                quantity=quantity,
                kind="correction",
                reason=reason.strip(),
                by=actor.login,
            )
        )
        record(
            session,
            "wallet_correction",
            "wallet_entry",
            family_id,
            f"Correction du porte-monnaie : {quantity:+d} ticket(s) — {reason.strip()}",
            quantity=quantity,
            reason=reason.strip(),
        )
        return before + quantity


def ticket_type_of(session: Session, activity: ActivitySpec) -> TicketType | None:
    """The ticket type a prepaid activity debits (None for other billing modes)."""
    return _ticket_type(session, activity)


def _ticket_type(session: Session, activity: ActivitySpec) -> TicketType | None:
    if activity.billing_mode != BillingMode.PREPAID:
        return None
    ticket = session.scalar(select(TicketType).where(TicketType.code == activity.ticket_type))
    if ticket is None:
        raise DomainError(
            f"L'activité {activity.name} est prépayée mais le type de ticket "
            f"« {activity.ticket_type} » n'existe pas : créez-le dans les tarifs."
        )
    return ticket


class WalletHook:
    """Debits and credits tickets as prepaid seats are taken and given back."""

    @staticmethod
    def concerns(activity: ActivitySpec) -> bool:
        return activity.billing_mode == BillingMode.PREPAID

    def seat_taken(
        self, session: Session, booking: Booking, activity: ActivitySpec, family_id, day: date
    ) -> None:
        ticket = _ticket_type(session, activity)
        if ticket is None:
            return
        if balance_in(session, family_id, ticket.id) < 1:
            raise NoTicketLeft(
                f"Plus de ticket « {ticket.name} » dans le porte-monnaie de la famille : "
                f"vendez des tickets avant de réserver {activity.name} du {day:%d/%m/%Y}."
            )
        self._entry(session, booking, ticket, family_id, -1, "booking")

    def seat_released(
        self,
        session: Session,
        booking: Booking,
        activity: ActivitySpec,
        family_id,
        day: date,
        *,
        timely: bool,
    ) -> None:
        ticket = _ticket_type(session, activity)
        if ticket is None or not timely:
            return  # a late cancellation keeps its ticket spent (not refunded)
        self._entry(session, booking, ticket, family_id, 1, "cancellation")

    def seats_taken_many(self, session: Session, items: list[tuple]) -> None:
        """The bulk form (a year of paper forms): the days a form books for one child and
        activity are paid by one entry of −N tickets (the bookings say which days); every
        family must have the tickets (the planner books only as far as they go)."""
        tickets: dict[uuid.UUID, TicketType] = {}
        names: dict[uuid.UUID, str] = {}
        per_form: dict[tuple, list[date]] = {}
        needed: dict[tuple, int] = {}
        for activity, child_id, family_id, days in items:  # the days a form books
            if activity.id not in tickets:
                tickets[activity.id] = _ticket_type(session, activity)
                names[activity.id] = activity.name
            ticket = tickets[activity.id]
            per_form.setdefault((family_id, ticket.id, child_id, activity.id), []).extend(days)
            needed[(family_id, ticket.id)] = needed.get((family_id, ticket.id), 0) + len(days)
        for (family_id, ticket_id), count in needed.items():
            if balance_in(session, family_id, ticket_id) < count:
                raise NoTicketLeft("Plus assez de tickets dans le porte-monnaie de la famille.")
        now, login = session.info["now"], session.info["actor"].login
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        session.connection().exec_driver_sql(
            "INSERT INTO wallet_entry (id, family_id, ticket_type_id, at, quantity, kind, "
            'child_id, activity_id, day, reason, "by") '
            "VALUES (?, ?, ?, ?, ?, 'booking', ?, ?, ?, ?, ?)",
            [
                (
                    uuid.uuid4().hex,
                    family_id.hex,
                    ticket_id.hex,
                    stamp,
                    -len(days),
                    child_id.hex,
                    activity_id.hex,
                    min(days).isoformat(),
                    f"{len(days)} jour(s) de {names[activity_id]} du {min(days):%d/%m/%Y} au "
                    f"{max(days):%d/%m/%Y} (inscription)",
                    login,
                )
                for (family_id, ticket_id, child_id, activity_id), days in per_form.items()
            ],
        )

    @staticmethod
    def _entry(session, booking, ticket, family_id, quantity: int, kind: str) -> None:
        actor = session.info["actor"]
        session.add(
            WalletEntry(
                family_id=family_id,
                ticket_type_id=ticket.id,
                at=session.info["now"],
                quantity=quantity,
                kind=kind,
                child_id=booking.child_id,
                activity_id=booking.activity_id,
                day=booking.day,
                by=actor.login,
            )
        )
        session.flush()


WALLET_HOOK = WalletHook()
register_booking_hook(WALLET_HOOK)
