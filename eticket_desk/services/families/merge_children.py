"""The same child in both dossiers of a merge (services/families/merge.py): the absorbed
child's bookings, subscriptions, wallet and invoice lines become the kept child's. A day booked
for both keeps one booking (rules.duplicates.kept_booking): the other's seat is freed and, at
the desk that merges, the tickets it took are given back by a wallet line of the kept dossier.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    Booking,
    InvoiceLine,
    Occupancy,
    Subscription,
    TicketType,
    WalletEntry,
)
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.duplicates import kept_booking

RETURN_REASON = "Fusion de dossiers : jour réservé deux fois, ticket rendu"
_CHILD_FILLED = ("school_id", "class_id", "diet", "allergies", "treatments")


def _free_seat(session: Session, booking: Booking) -> None:
    """The seat (or the waiting place) of a booking removed."""
    row = session.get(Occupancy, (booking.activity_id, booking.day, booking.school_id))
    if row is None:
        return
    if booking.state in SEAT_STATES:
        row.booked = max(row.booked - 1, 0)
    elif booking.state == BookingState.WAITING:
        row.waiting = max(row.waiting - 1, 0)


def _returned_ticket(session: Session, booking: Booking) -> uuid.UUID | None:
    """The ticket type a removed booking's day took one of (a prepaid day holding a seat: it
    cost one ticket, whichever desk sold it), or None."""
    if booking.state not in SEAT_STATES:
        return None
    activity = session.get(Activity, booking.activity_id)
    if activity is None or activity.billing_mode != BillingMode.PREPAID:
        return None
    return session.scalar(select(TicketType.id).where(TicketType.code == activity.ticket_type))


def join_child(session, counts, kept, absorbed_child, kept_child, by, returned) -> None:
    """The absorbed child's rows become the kept child's (the same child)."""
    now = session.info["now"]
    moving = session.scalars(select(Booking).where(Booking.child_id == absorbed_child.id)).all()
    for booking in moving:
        twin = session.get(Booking, (booking.activity_id, booking.day, kept_child.id))
        if twin is not None:
            counts.days_twice += 1
            loser = booking if kept_booking(twin.state, booking.state) == "kept" else twin
            ticket_type = _returned_ticket(session, loser) if returned is not None else None
            _free_seat(session, loser)
            session.delete(loser)
            session.flush()
            if ticket_type is not None:
                line = WalletEntry(
                    family_id=kept.id,
                    ticket_type_id=ticket_type,
                    at=now,
                    quantity=1,
                    kind="correction",
                    child_id=kept_child.id,
                    activity_id=loser.activity_id,
                    day=loser.day,
                    reason=RETURN_REASON,
                    by=by,
                )
                session.add(line)
                returned.append(line)
                counts.tickets_returned += 1
            if loser is twin:
                booking.child_id = kept_child.id
                counts.bookings += 1
        else:
            booking.child_id = kept_child.id
            counts.bookings += 1
    session.flush()
    for name in _CHILD_FILLED:
        if not getattr(kept_child, name) and getattr(absorbed_child, name):
            setattr(kept_child, name, getattr(absorbed_child, name))
    kept_child.pai = kept_child.pai or absorbed_child.pai
    taken = set(
        session.execute(
            select(Subscription.activity_id, Subscription.start).where(
                Subscription.child_id == kept_child.id
            )
        ).tuples()
    )
    for form in session.scalars(
        select(Subscription).where(Subscription.child_id == absorbed_child.id)
    ):
        if (form.activity_id, form.start) in taken:
            session.delete(form)  # the same form twice: its days are the kept one's
        else:
            form.child_id = kept_child.id
            counts.subscriptions += 1
    for model in (WalletEntry, InvoiceLine):
        session.execute(
            update(model)
            .where(model.child_id == absorbed_child.id)
            .values(child_id=kept_child.id)
            .execution_options(synchronize_session=False)
        )
    session.flush()
