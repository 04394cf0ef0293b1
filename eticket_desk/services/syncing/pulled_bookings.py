"""Bookings pulled from the server: a day booked or cancelled on the portal or at another
desk, and the paper forms taken at another desk (their terms; the days come as bookings).

A booking or form with an op of this desk not yet answered is left alone (the server will
answer it first). A seat a pulled change frees is noted in `session.info[FREED]`: its waiting
list is served after the pull's transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from eticket_desk.models import Activity, Booking, Child, Subscription
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.services.bookings.seat_counters import bump_seats
from eticket_desk.services.bookings.waiting_queue import join_waiting_list, leave_waiting_list
from eticket_desk.services.syncing.state import SYNC_ACTOR
from eticket_desk.sync.oplog import booking_key, days_key

FREED = "pull_freed_seats"


def apply_booking(session, change, waiting: set[str]) -> bool:
    data = change.data
    activity_id, day = uuid.UUID(data["activity_id"]), date.fromisoformat(data["day"])
    child_id = uuid.UUID(data["child_id"])
    if booking_key(activity_id, day, child_id) in waiting or (
        days_key(activity_id, child_id) in waiting
    ):
        return False  # our own op on it is not answered yet: it decides
    child = session.get(Child, child_id)
    if child is None or child.school_id is None:
        return False
    booking = session.get(Booking, (activity_id, day, child_id))
    before = BookingState(booking.state) if booking is not None else None
    state = BookingState(data["state"])
    if before == state:
        return False
    if booking is None:
        booking = Booking(
            activity_id=activity_id, day=day, child_id=child_id, school_id=child.school_id
        )
        session.add(booking)
    booking.state, booking.late = state.value, bool(data.get("late"))
    booking.source = data.get("source") or "portal"
    booking.updated_at = datetime.fromisoformat(data["updated_at"])
    booking.updated_by = booking.source
    if state == BookingState.WAITING:
        # In line at the moment the server took it, after those already queued here: pulled
        # changes come in the server's order, so the same second keeps its order of arrival.
        join_waiting_list(session, booking, booking.updated_at)
    else:
        leave_waiting_list(booking)
    session.flush()
    seat = (state in SEAT_STATES) - (before in SEAT_STATES)
    queue = (state == BookingState.WAITING) - (before == BookingState.WAITING)
    if seat or queue:
        bump_seats(session, booking, booked=seat, waiting=queue)
    if seat < 0:
        session.info[FREED].append((activity_id, day))
    return True


def apply_subscription(session, change, waiting: set[str]) -> bool:
    """A paper form taken at another desk: its terms (the days come as bookings)."""
    data = change.data
    child_id, activity_id = uuid.UUID(data["child_id"]), uuid.UUID(data["activity_id"])
    if days_key(activity_id, child_id) in waiting:
        return False  # this desk's own form on it goes first
    if session.get(Child, child_id) is None or session.get(Activity, activity_id) is None:
        return False
    values = {
        "start": date.fromisoformat(data["start"]),
        "end": date.fromisoformat(data["end"]),
        "weekdays": data.get("weekdays", ""),
        "parity": data.get("parity", "all"),
        "regular": bool(data.get("regular", True)),
        "fare_option": data.get("fare_option", ""),
        "period_label": data.get("period_label", ""),
    }
    row = session.get(Subscription, uuid.UUID(data["id"]))
    if row is None:
        row = session.scalar(
            select(Subscription).where(
                Subscription.child_id == child_id,
                Subscription.activity_id == activity_id,
                Subscription.start == values["start"],
            )
        )
    now = session.info["now"]
    if row is None:
        row = Subscription(
            id=uuid.UUID(data["id"]),
            child_id=child_id,
            activity_id=activity_id,
            source="sync",
            created_at=now,
            updated_at=now,
            updated_by=SYNC_ACTOR.login,
            **values,
        )
        session.add(row)
        return True
    if all(getattr(row, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = now, SYNC_ACTOR.login
    return True
