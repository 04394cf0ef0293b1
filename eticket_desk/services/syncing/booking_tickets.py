"""What the server's answers to this desk's bookings do to its wallets: one debit per booked
day, and facts over requests.

The wallet lines are facts (never refused, never undone: a line is answered by another
line); a booking is a request the server decides. So:
- A day this desk booked (and paid a ticket for) that the server already held for the child
  (booked at another desk, or by the parent online) is answered applied, unchanged: this desk
  gives its ticket back with a line of its own « déjà réservé sur un autre poste », pushed
  in the same sync; every desk then counts one debit for the day. A paper form's op names
  such days (`held`): the tickets the form paid for them go back in one line.
- A cancellation the server refused because the day's presence was marked elsewhere (the
  mark, a fact, wins): this desk takes back the ticket its cancellation gave (a line of its
  own) and puts the day back as booked until the pull brings the mark.
- A mark of this desk that reinstated a day cancelled elsewhere: the server took that
  cancellation's ticket back with a line of its own, given in the answer; this desk records
  it as the other desks will pull it (no op: the server has it).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from eticket_desk.ids import new_id
from eticket_desk.models import Booking, Child, Family, TicketType, WalletEntry
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.services.bookings.seat_counters import bump_seats
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.syncing.state import SYNC_ACTOR
from eticket_desk.sync.outbox import WalletLines, emit

HELD_ELSEWHERE = "Déjà réservé sur un autre poste : ticket rendu"
HELD_ELSEWHERE_DAYS = "jour(s) de l'inscription déjà réservé(s) sur un autre poste : tickets rendus"
MARKED_ELSEWHERE = "Annulation refusée, présence pointée sur un autre poste : ticket repris"


def _activity(session, activity_id: uuid.UUID):
    return next(
        (a for a in activities_in(session, include_inactive=True) if a.id == activity_id), None
    )


def paid_by_ticket(session, activity_id) -> bool:
    """Whether a seat of the activity costs a ticket (prepaid)."""
    activity = _activity(session, uuid.UUID(str(activity_id)))
    return activity is not None and activity.billing_mode == BillingMode.PREPAID


def _day_lines(session, child_id, activity_id, day) -> int:
    """The tickets this desk's own lines moved for the day (its debit −1, a refund +1…)."""
    return session.scalar(
        select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.child_id == child_id,
            WalletEntry.activity_id == activity_id,
            WalletEntry.day == day,
        )
    )


def _line(session, child_id, activity_id, day, quantity: int, reason: str) -> bool:
    activity = _activity(session, activity_id)
    if activity is None or activity.billing_mode != BillingMode.PREPAID:
        return False
    ticket = session.scalar(select(TicketType).where(TicketType.code == activity.ticket_type))
    family_id = session.scalar(select(Child.family_id).where(Child.id == child_id))
    if ticket is None or family_id is None:
        return False
    entry = WalletEntry(
        id=new_id(),
        family_id=family_id,
        ticket_type_id=ticket.id,
        at=session.info["now"],
        quantity=quantity,
        kind="correction",
        child_id=child_id,
        activity_id=activity_id,
        day=day,
        reason=f"{reason} ({activity.name} du {day:%d/%m/%Y})",
        by=SYNC_ACTOR.login,
    )
    session.add(entry)
    session.flush()
    emit(session, WalletLines((entry.id,)))
    return True


def _key(payload: dict[str, Any]) -> tuple[uuid.UUID, uuid.UUID, date]:
    return (
        uuid.UUID(payload["child_id"]),
        uuid.UUID(payload["activity_id"]),
        date.fromisoformat(payload["day"]),
    )


def ticket_back_if_held_elsewhere(
    session, payload: dict[str, Any], result: dict
) -> uuid.UUID | None:
    """A booking answered unchanged on a day the server already held: this desk's ticket for
    the day goes back. Returns the family whose wallet changed, or None."""
    if result.get("changed") is not False:
        return None
    try:
        held = BookingState(result.get("state")) in SEAT_STATES
    except ValueError:
        return None
    child_id, activity_id, day = _key(payload)
    if not held or _day_lines(session, child_id, activity_id, day) >= 0:
        return None  # nothing paid here for the day (post-paid, or already given back)
    if not _line(session, child_id, activity_id, day, 1, HELD_ELSEWHERE):
        return None
    return session.scalar(select(Child.family_id).where(Child.id == child_id))


def form_tickets_back(session, payload: dict[str, Any], result: dict) -> uuid.UUID | None:
    """A paper form's days the server already held for the child at another desk (its
    answer's `held`): the tickets the form paid for them go back, in one line."""
    held = sorted(date.fromisoformat(day) for day in result.get("held", []))
    if not held:
        return None
    child_id, activity_id = uuid.UUID(payload["child_id"]), uuid.UUID(payload["activity_id"])
    reason = f"{len(held)} {HELD_ELSEWHERE_DAYS}"
    if not _line(session, child_id, activity_id, held[0], len(held), reason):
        return None
    return session.scalar(select(Child.family_id).where(Child.id == child_id))


def refund_back_if_marked_elsewhere(session, payload: dict[str, Any]) -> uuid.UUID | None:
    """A cancellation refused because the day is marked elsewhere: the ticket it gave back
    here is taken back, and the day held again (the pull brings the mark)."""
    child_id, activity_id, day = _key(payload)
    family_id = session.scalar(select(Child.family_id).where(Child.id == child_id))
    booking = session.get(Booking, (activity_id, day, child_id))
    if booking is not None and booking.state == BookingState.CANCELLED:
        booking.state, booking.updated_by = BookingState.BOOKED.value, SYNC_ACTOR.login
        booking.updated_at, booking.source = session.info["now"], "sync"
        session.flush()
        bump_seats(session, booking, booked=1)
    # What its cancellations of the day gave back, less what was already taken back.
    refunded = session.scalar(
        select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.child_id == child_id,
            WalletEntry.activity_id == activity_id,
            WalletEntry.day == day,
            (WalletEntry.kind == "cancellation") | WalletEntry.reason.startswith(MARKED_ELSEWHERE),
        )
    )
    if refunded > 0:
        _line(session, child_id, activity_id, day, -refunded, MARKED_ELSEWHERE)
    return family_id


def record_server_line(session, line: dict[str, Any]) -> uuid.UUID | None:
    """A wallet line the server wrote while answering this desk's op (see the docstring)."""
    entry_id = uuid.UUID(line["id"])
    if session.get(WalletEntry, entry_id) is not None:
        return None
    family_id = uuid.UUID(line["family_id"])
    ticket = session.scalar(select(TicketType).where(TicketType.code == line["ticket_type"]))
    if ticket is None or session.get(Family, family_id) is None:
        return None
    session.add(
        WalletEntry(
            id=entry_id,
            family_id=family_id,
            ticket_type_id=ticket.id,
            at=datetime.fromisoformat(line["occurred_at"]),
            quantity=line["quantity"],
            kind=line["kind"],
            reason=line.get("reason", ""),
            by="serveur",
        )
    )
    return family_id
