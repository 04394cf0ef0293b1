"""The porte-monnaie: an append-only ledger of tickets per family and ticket type.

Booking a prepaid activity debits one ticket (the booking hook below writes the line), a
cancellation before the deadline gives it back, a late one does not; nothing is booked beyond
the balance. Whether a ticket moves and whether an empty wallet refuses the seat is decided by
rules.booking_decision (the booking service passes it `tickets_left`); the hook only writes
what was decided. A correction is a new entry with a reason, by a régisseur. The balance is
the sum of the ledger, always.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from eticket_desk.ids import new_id
from eticket_desk.models import Activity, Booking, Child, Sale, TicketType, WalletEntry
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import BookingRefused, BookingState, RefusalCode, tickets_moved
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.bookings.hooks import register_booking_hook
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import WalletLines, emit, emit_batch


class NoTicketLeft(BookingRefused):
    """A prepaid booking refused: the wallet of that ticket type is empty (NO_TICKET)."""

    def __init__(self, message: str) -> None:
        super().__init__(RefusalCode.NO_TICKET, message)


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
    kind: str  # its French label (KIND_LABELS)
    label: str  # the reason, or the day booked
    by: str  # the login
    ticket_type_id: uuid.UUID | None = None
    kind_code: str = ""  # purchase, booking, cancellation, correction
    balance_after: int = 0  # of that ticket type, once this movement is counted
    detail: str = ""  # receipt number, child — activity — day, or the reason
    by_name: str = ""  # the user's full name (the login when unknown)
    receipt_number: str = ""  # of the sale, for a purchase


@dataclass(frozen=True)
class WalletView:
    """What the dossier's wallet tab shows: the balances, then the ledger newest first."""

    balances: tuple[Balance, ...]  # every active ticket type, and any other with movements
    lines: tuple[LedgerLine, ...]


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


def balances_in(
    session: Session, family_ids: list[uuid.UUID], ticket_type_id: uuid.UUID
) -> dict[uuid.UUID, int]:
    """The balance of one ticket type for many families at once (absent: 0)."""
    found: dict[uuid.UUID, int] = {}
    for start in range(0, len(family_ids), 900):
        found.update(
            session.execute(
                select(WalletEntry.family_id, func.sum(WalletEntry.quantity))
                .where(
                    WalletEntry.family_id.in_(family_ids[start : start + 900]),
                    WalletEntry.ticket_type_id == ticket_type_id,
                )
                .group_by(WalletEntry.family_id)
            ).all()
        )
    return found


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


def ledger(
    store: Store, actor: Actor, family_id: uuid.UUID, ticket_type_id: uuid.UUID | None = None
) -> list[LedgerLine]:
    """The family's movements, newest first (of one ticket type when it is given), each
    with the balance of its ticket type once it is counted."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        return ledger_in(session, family_id, ticket_type_id)


def ledger_in(
    session: Session, family_id: uuid.UUID, ticket_type_id: uuid.UUID | None = None
) -> list[LedgerLine]:
    query = (
        select(
            WalletEntry,
            TicketType.name,
            Sale.receipt_number,
            Child.first_name,
            Child.last_name,
            Activity.name,
        )
        .join(TicketType, TicketType.id == WalletEntry.ticket_type_id)
        .outerjoin(Sale, Sale.id == WalletEntry.sale_id)
        .outerjoin(Child, Child.id == WalletEntry.child_id)
        .outerjoin(Activity, Activity.id == WalletEntry.activity_id)
        .where(WalletEntry.family_id == family_id)
        # oldest first to add up the balances; entries of one transaction share their time,
        # the row order keeps them as they were written
        .order_by(WalletEntry.at, literal_column("wallet_entry.rowid"))
    )
    if ticket_type_id is not None:
        query = query.where(WalletEntry.ticket_type_id == ticket_type_id)
    running: dict[uuid.UUID, int] = {}
    lines = []
    people = People(session)
    for e, ticket_name, receipt, first_name, last_name, activity in session.execute(query):
        running[e.ticket_type_id] = running.get(e.ticket_type_id, 0) + e.quantity
        child = f"{first_name} {last_name}" if first_name else ""
        lines.append(
            LedgerLine(
                e.at,
                ticket_name,
                e.quantity,
                KIND_LABELS.get(e.kind, e.kind),
                e.reason or (f"{e.day:%d/%m/%Y}" if e.day else ""),
                e.by,
                ticket_type_id=e.ticket_type_id,
                kind_code=e.kind,
                balance_after=running[e.ticket_type_id],
                detail=_detail(e, receipt, child, activity),
                by_name=people.label(e.by),
                receipt_number=receipt or "",
            )
        )
    lines.reverse()
    return lines


def _detail(entry: WalletEntry, receipt: str | None, child: str, activity: str | None) -> str:
    """What the movement was for, as the agent reads it in the ledger."""
    if entry.kind == "purchase" and (receipt or entry.reason):
        return f"Quittance {receipt or entry.reason}"
    if entry.kind in ("booking", "cancellation") and child:
        if entry.reason:  # a form's days paid at once: the reason says which
            return f"{child} — {entry.reason}"
        day = format_date(entry.day, "EEE dd/MM/y", locale="fr_FR") if entry.day else ""
        return " — ".join(part for part in (child, activity or "", day) if part)
    return entry.reason or (f"{entry.day:%d/%m/%Y}" if entry.day else "")


def wallet_view(store: Store, actor: Actor, family_id: uuid.UUID) -> WalletView:
    """The balances and the whole ledger of a family, read together."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        lines = ledger_in(session, family_id)
        sums: dict[uuid.UUID, int] = {}
        for line in lines:
            sums.setdefault(line.ticket_type_id, line.balance_after)  # the newest is first
        types = session.scalars(
            select(TicketType)
            .where(TicketType.active.is_(True) | TicketType.id.in_(list(sums)))
            .order_by(TicketType.position, TicketType.name)
        )
        return WalletView(
            tuple(Balance(t.id, t.code, t.name, sums.get(t.id, 0)) for t in types), tuple(lines)
        )


@changes(lambda call: FamilyTopic(call["family_id"]))
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
        entry = WalletEntry(
            id=new_id(),
            family_id=family_id,
            ticket_type_id=ticket_type_id,
            at=session.info["now"],
            quantity=quantity,
            kind="correction",
            reason=reason.strip(),
            by=actor.login,
        )
        session.add(entry)
        emit(session, WalletLines((entry.id,)))
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


def tickets_left(
    session: Session, activity: ActivitySpec, family_ids: list[uuid.UUID]
) -> tuple[str, dict[uuid.UUID, int]] | None:
    """(ticket name, balance by family) of a prepaid activity's ticket; None when the
    activity takes no ticket. What rules.booking_decision weighs a seat against."""
    ticket = _ticket_type(session, activity)
    if ticket is None:
        return None
    return ticket.name, balances_in(session, family_ids, ticket.id)


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
    """Writes the ticket lines of prepaid seats taken and given back: the quantities are
    rules.booking.tickets_moved's, and the booking service has already refused a seat the
    wallet cannot pay (rules.booking_decision, NO_TICKET)."""

    @staticmethod
    def concerns(activity: ActivitySpec) -> bool:
        return activity.billing_mode == BillingMode.PREPAID

    def seat_taken(
        self, session: Session, booking: Booking, activity: ActivitySpec, family_id, day: date
    ) -> None:
        ticket = _ticket_type(session, activity)
        if ticket is None:
            return
        moved = tickets_moved(None, BookingState.BOOKED, late=False)
        self._entry(session, booking, ticket, family_id, moved, "booking")

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
        moved = tickets_moved(BookingState.BOOKED, BookingState.CANCELLED, late=not timely)
        if ticket is None or not moved:
            return  # a late cancellation keeps its ticket spent (not refunded)
        self._entry(session, booking, ticket, family_id, moved, "cancellation")

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
        by_ticket: dict[uuid.UUID, list[uuid.UUID]] = {}
        for family_id, ticket_id in needed:
            by_ticket.setdefault(ticket_id, []).append(family_id)
        for ticket_id, families in by_ticket.items():
            held = balances_in(session, families, ticket_id)
            if any(held.get(f, 0) < needed[(f, ticket_id)] for f in families):
                raise NoTicketLeft("Plus assez de tickets dans le porte-monnaie de la famille.")
        now, login = session.info["now"], session.info["actor"].login
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        ids = [uuid.uuid4() for _ in per_form]
        session.connection().exec_driver_sql(
            "INSERT INTO wallet_entry (id, family_id, ticket_type_id, at, quantity, kind, "
            'child_id, activity_id, day, reason, "by") '
            "VALUES (?, ?, ?, ?, ?, 'booking', ?, ?, ?, ?, ?)",
            [
                (
                    entry_id.hex,
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
                for entry_id, ((family_id, ticket_id, child_id, activity_id), days) in zip(
                    ids, per_form.items(), strict=True
                )
            ],
        )
        emit_batch(session, WalletLines(tuple(ids)))  # before the forms' days (the planner)

    @staticmethod
    def _entry(session, booking, ticket, family_id, quantity: int, kind: str) -> None:
        actor = session.info["actor"]
        entry = WalletEntry(
            id=new_id(),
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
        session.add(entry)
        session.flush()
        emit(session, WalletLines((entry.id,)))


WALLET_HOOK = WalletHook()
register_booking_hook(WALLET_HOOK)
