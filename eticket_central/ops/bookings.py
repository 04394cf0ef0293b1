"""booking.book and booking.cancel, decided by the desk's own `rules.booking` with the
server's clock; the activity-day row is locked so two desks never take the last seat twice.

A child on the waiting list gets a freed seat when a desk (or the parent) books it again; the
server does not promote waiting children by itself (the desk's offer_freed_seat does, with
its wallet hooks).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, Booking, Child, Family
from eticket_central.ops.planning import activity_spec, calendar_set
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES, Action, BookingCase, BookingState, refusal
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.sync.protocol import BookingPayload, OpType, RejectCode

_MARKED = (BookingState.PRESENT, BookingState.ABSENT_JUSTIFIED, BookingState.ABSENT_UNJUSTIFIED)


def booking_data(booking: Booking) -> dict[str, Any]:
    return _data(
        booking.activity_id,
        booking.day,
        booking.child_id,
        booking.family_id,
        booking.state,
        booking.late,
        booking.source,
        booking.updated_at,
    )


def _data(activity_id, day, child_id, family_id, state, late, source, updated_at):
    return {
        "activity_id": str(activity_id),
        "day": day.isoformat(),
        "child_id": str(child_id),
        "family_id": str(family_id),
        "state": state,
        "late": late,
        "source": source,
        "updated_at": updated_at.isoformat(),
    }


def booking_key(booking: Booking) -> str:
    return _key(booking.activity_id, booking.day, booking.child_id)


def _key(activity_id, day: date, child_id) -> str:
    return f"{activity_id}/{day.isoformat()}/{child_id}"


# Compiled once (Core select, plain SQL for PostgreSQL's upserts): a booking op runs a
# handful of statements and no unit of work.
_CHILD = (
    select(Child.name, Child.school_id, Child.level, Child.family_id, Family.status)
    .join(Family, Family.id == Child.family_id)
    .where(Child.id == bindparam("child_id"))
)
_ACTIVITY = select(Activity.data).where(Activity.id == bindparam("activity_id"))
# Creates the day's row if need be and locks it until commit: deciding a seat is serial.
_LOCK_DAY = text(
    "INSERT INTO activity_days (activity_id, day, tenant_id, booked, waiting) "
    "VALUES (:activity_id, :day, :tenant_id, 0, 0) ON CONFLICT (activity_id, day) "
    "DO UPDATE SET booked = activity_days.booked RETURNING booked"
)
_CURRENT = text(
    "SELECT state FROM bookings WHERE activity_id = :activity_id AND day = :day "
    "AND child_id = :child_id FOR UPDATE"
)
_SCHOOL_SEATS = text(
    "SELECT count(*) FROM bookings WHERE activity_id = :activity_id AND day = :day "
    "AND school_id = :school_id AND state = ANY(:states)"
)
_WRITE = text(
    "INSERT INTO bookings (activity_id, day, child_id, tenant_id, family_id, school_id, "
    "state, late, source, updated_at, device_id) VALUES (:activity_id, :day, :child_id, "
    ":tenant_id, :family_id, :school_id, :state, :late, :source, :updated_at, :device_id) "
    "ON CONFLICT (activity_id, day, child_id) DO UPDATE SET state = EXCLUDED.state, "
    "late = EXCLUDED.late, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at, "
    "device_id = EXCLUDED.device_id"
)
_COUNT = text(
    "UPDATE activity_days SET booked = booked + :booked, waiting = waiting + :waiting "
    "WHERE activity_id = :activity_id AND day = :day"
)
_SEAT_VALUES = [s.value for s in SEAT_STATES]


def _spec(session: Session, activity_id: uuid.UUID) -> ActivitySpec | None:
    """The activity's rules, read once per push (activity.upsert forgets them)."""
    cache = session.info.setdefault("activities", {})
    if activity_id not in cache:
        data = session.execute(_ACTIVITY, {"activity_id": activity_id}).scalar_one_or_none()
        cache[activity_id] = activity_spec(activity_id, data) if data is not None else None
    return cache[activity_id]


def _calendar(session: Session, tenant_id: uuid.UUID):
    calendar = session.info.get("calendar")
    if calendar is None:  # read once per push (calendar.upsert forgets it)
        calendar = session.info["calendar"] = calendar_set(session, tenant_id)
    return calendar


def change_booking(
    session: Session, ctx: OpContext, payload: BookingPayload, action: Action, now: datetime
) -> dict[str, Any]:
    """Books or cancels one day in the caller's transaction; raises Rejected."""
    child = session.execute(_CHILD, {"child_id": payload.child_id}).first()
    spec = _spec(session, payload.activity_id)
    if child is None or spec is None:
        raise Rejected(
            RejectCode.NOT_FOUND,
            "L'enfant ou l'activité n'est pas encore connu du serveur : synchronisez "
            "d'abord le dossier et les activités.",
        )
    name, school_id, level, family_id, family_status = child
    key = {"activity_id": spec.id, "day": payload.day, "child_id": payload.child_id}
    booked = session.execute(_LOCK_DAY, {**key, "tenant_id": ctx.tenant_id}).scalar_one()
    state = session.execute(_CURRENT, key).scalar_one_or_none()
    current = BookingState(state) if state is not None else None
    holds_seat = current in SEAT_STATES
    unchanged = {"state": state, "changed": False}
    if action == Action.BOOK and holds_seat:
        return unchanged
    if action == Action.CANCEL and not (holds_seat or current == BookingState.WAITING):
        return unchanged
    if current in _MARKED:
        raise Rejected(
            RejectCode.BOOKING_LOCKED,
            "La présence de ce jour est déjà pointée : la réservation ne se modifie plus.",
        )
    capacity, taken = spec.capacity, booked
    school_capacity = spec.school_capacity(school_id) if school_id else None
    if school_capacity is not None:
        mine = session.execute(
            _SCHOOL_SEATS, {**key, "school_id": school_id, "states": _SEAT_VALUES}
        ).scalar_one()
        if capacity is None or school_capacity - mine < capacity - taken:
            capacity, taken = school_capacity, mine
    calendar = _calendar(session, ctx.tenant_id)
    case = BookingCase(
        action=action,
        day=payload.day,
        now=now,
        activity_name=spec.name,
        child_name=name,
        dossier_status=FamilyStatus(family_status),
        concerned=spec.concerns(school_id, level),
        closed_reason=spec.closed_reason(payload.day, calendar),
        deadline=spec.deadline_of(payload.day, calendar),
        capacity=capacity,
        seats_taken=taken,
        override_reason=payload.override_reason,
        # A desk checked its agent's right to override before queueing the op.
        may_override=ctx.device_id is not None,
    )
    refused = refusal(case)
    to_waiting = False
    if refused is not None:
        full = refused.code.value == RejectCode.CAPACITY_FULL and action == Action.BOOK
        if full and current == BookingState.WAITING:
            return unchanged  # still no seat: the child stays on the waiting list
        to_waiting = full and payload.waiting_list
        if not to_waiting:
            raise Rejected(RejectCode(refused.code.value), refused.message)
    if action == Action.BOOK:
        new_state = BookingState.WAITING if to_waiting else BookingState.BOOKED
    else:
        new_state = BookingState.CANCELLED
    late = case.deadline is None or now >= case.deadline
    source = "counter" if ctx.device_id else "portal"
    written = {
        **key,
        "tenant_id": ctx.tenant_id,
        "family_id": family_id,
        "school_id": school_id,
        "state": new_state.value,
        "late": late,
        "source": source,
        "updated_at": now,
        "device_id": ctx.device_id,
    }
    session.execute(_WRITE, written)
    session.execute(
        _COUNT,
        {
            **key,
            "booked": (new_state in SEAT_STATES) - holds_seat,
            "waiting": (new_state == BookingState.WAITING) - (current == BookingState.WAITING),
        },
    )
    change = _data(
        spec.id, payload.day, payload.child_id, family_id, new_state.value, late, source, now
    )
    record(session, "booking", _key(spec.id, payload.day, payload.child_id), change)
    return {"state": new_state.value, "changed": True, "late": late}


def _owned(payload: BookingPayload) -> list[tuple[type, uuid.UUID]]:
    return [(Child, payload.child_id), (Activity, payload.activity_id)]


@handler(OpType.BOOKING_BOOK, owned_ids=_owned)
def book(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.BOOK, now)


@handler(OpType.BOOKING_CANCEL, owned_ids=_owned)
def cancel(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.CANCEL, now)
