"""booking.book and booking.cancel, decided by the desk's own `rules.booking` with the
server's clock; the activity-day row is locked so two desks never take the last seat twice.

A child on the waiting list gets a freed seat when a desk (or the parent) books it again; the
server does not promote waiting children by itself (the desk's offer_freed_seat does, with
its wallet hooks).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, Booking, Child, Family
from eticket_central.ops.planning import activity_spec, calendar_set
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import (
    SEAT_STATES,
    Action,
    BookingCase,
    BookingState,
    is_late,
    refusal,
)
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


def spec_of(session: Session, activity_id: uuid.UUID) -> ActivitySpec | None:
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


@dataclass(frozen=True)
class Seat:
    """What the server knows of one child × activity × day before deciding it."""

    day: date
    current: BookingState | None
    booked: int  # seats taken that day (all schools)
    school_taken: int | None  # seats taken by the child's school, when it has its own quota


@dataclass(frozen=True)
class Ask:
    """What is asked of one day."""

    action: Action
    override_reason: str = ""
    waiting_list: bool = False  # when full, the waiting list
    stay_waiting: bool = False  # the desk holds the child on the waiting list: keep it there
    by_form: bool = False  # a paper form: subscription-only days to come are open


def judge(spec: ActivitySpec, child, seat: Seat, ask: Ask, ctx: OpContext, calendar, now):
    """The new state of one day (None: nothing to change) and whether it is late; raises
    Rejected. The desk's own rules decide, with the server's clock."""
    name, school_id, level, _family_id, family_status, _child_id = child
    current = seat.current
    holds_seat = current in SEAT_STATES
    if ask.action == Action.BOOK and (
        holds_seat or (current == BookingState.WAITING and ask.stay_waiting)
    ):
        return None, False
    if ask.action == Action.CANCEL and not (holds_seat or current == BookingState.WAITING):
        return None, False
    if current in _MARKED:
        raise Rejected(
            RejectCode.BOOKING_LOCKED,
            "La présence de ce jour est déjà pointée : la réservation ne se modifie plus.",
        )
    capacity, taken = spec.capacity, seat.booked
    school_capacity = spec.school_capacity(school_id) if school_id else None
    if (
        school_capacity is not None
        and seat.school_taken is not None
        and (capacity is None or school_capacity - seat.school_taken < capacity - taken)
    ):
        capacity, taken = school_capacity, seat.school_taken
    deadline = spec.deadline_of(seat.day, calendar)
    if deadline is None and ask.by_form:
        deadline = datetime.combine(seat.day, time.min)  # by subscription: any day to come
    case = BookingCase(
        action=ask.action,
        day=seat.day,
        now=now,
        activity_name=spec.name,
        child_name=name,
        dossier_status=FamilyStatus(family_status),
        concerned=spec.concerns(school_id, level),
        closed_reason=spec.closed_reason(seat.day, calendar),
        deadline=deadline,
        capacity=capacity,
        seats_taken=taken,
        override_reason=ask.override_reason,
        # A desk checked its agent's right to override before queueing the op.
        may_override=ctx.device_id is not None,
    )
    refused = refusal(case)
    late = is_late(case, current)  # a child taken off the waiting list is never late
    full = refused is not None and refused.code.value == RejectCode.CAPACITY_FULL
    if ask.action == Action.CANCEL:
        if refused is not None:
            raise Rejected(RejectCode(refused.code.value), refused.message)
        return BookingState.CANCELLED, late
    if ask.stay_waiting and (refused is None or full):
        return BookingState.WAITING, late
    if full and current == BookingState.WAITING:
        return None, False  # still no seat: the child stays on the waiting list
    if full and ask.waiting_list:
        return BookingState.WAITING, late
    if refused is not None:
        raise Rejected(RejectCode(refused.code.value), refused.message)
    return BookingState.BOOKED, late


def unknown() -> Rejected:
    return Rejected(
        RejectCode.NOT_FOUND,
        "L'enfant ou l'activité n'est pas encore connu du serveur : synchronisez "
        "d'abord le dossier et les activités.",
    )


def write_days(session, ctx, spec, child, seats: dict[date, Seat], decided, now) -> None:
    """Writes the decided days [(day, new state, late)], their seat counts and changes."""
    child_id, family_id, school_id = child[5], child[3], child[1]
    source = "counter" if ctx.device_id else "portal"
    rows, counts = [], []
    for day, state, late in decided:
        before = seats[day].current
        rows.append(
            {
                "activity_id": spec.id,
                "day": day,
                "child_id": child_id,
                "tenant_id": ctx.tenant_id,
                "family_id": family_id,
                "school_id": school_id,
                "state": state.value,
                "late": late,
                "source": source,
                "updated_at": now,
                "device_id": ctx.device_id,
            }
        )
        counts.append(
            {
                "activity_id": spec.id,
                "day": day,
                "booked": (state in SEAT_STATES) - (before in SEAT_STATES),
                "waiting": (state == BookingState.WAITING) - (before == BookingState.WAITING),
            }
        )
        change = _data(spec.id, day, child_id, family_id, state.value, late, source, now)
        record(session, "booking", _key(spec.id, day, child_id), change)
    if rows:
        session.execute(_WRITE, rows)
        moved = [count for count in counts if count["booked"] or count["waiting"]]
        if moved:
            session.execute(_COUNT, moved)


def child_row(session: Session, child_id: uuid.UUID):
    """(name, school, level, family, family status, child id) or None."""
    row = session.execute(_CHILD, {"child_id": child_id}).first()
    return (*row, child_id) if row is not None else None


def child_and_rules(session: Session, child_id: uuid.UUID, activity_id: uuid.UUID):
    """The child's row and the activity's rules; Rejected NOT_FOUND when one is unknown."""
    child, spec = child_row(session, child_id), spec_of(session, activity_id)
    if child is None or spec is None:
        raise unknown()
    return child, spec


def change_booking(
    session: Session, ctx: OpContext, payload: BookingPayload, action: Action, now: datetime
) -> dict[str, Any]:
    """Books or cancels one day in the caller's transaction; raises Rejected."""
    return change_booking_from(session, ctx, payload, action, now)[0]


def change_booking_from(
    session: Session, ctx: OpContext, payload: BookingPayload, action: Action, now: datetime
) -> tuple[dict[str, Any], BookingState | None]:
    """change_booking's answer and the day's state before it (whether it held a seat)."""
    child, spec = child_and_rules(session, payload.child_id, payload.activity_id)
    key = {"activity_id": spec.id, "day": payload.day, "child_id": payload.child_id}
    booked = session.execute(_LOCK_DAY, {**key, "tenant_id": ctx.tenant_id}).scalar_one()
    state = session.execute(_CURRENT, key).scalar_one_or_none()
    school_id = child[1]
    school_taken = None
    if school_id and spec.school_capacity(school_id) is not None:
        school_taken = session.execute(
            _SCHOOL_SEATS, {**key, "school_id": school_id, "states": _SEAT_VALUES}
        ).scalar_one()
    seat = Seat(payload.day, BookingState(state) if state else None, booked, school_taken)
    ask = Ask(action, payload.override_reason, payload.waiting_list)
    new_state, late = judge(spec, child, seat, ask, ctx, _calendar(session, ctx.tenant_id), now)
    if new_state is None:
        return {"state": state, "changed": False}, seat.current
    write_days(
        session, ctx, spec, child, {payload.day: seat}, [(payload.day, new_state, late)], now
    )
    return {"state": new_state.value, "changed": True, "late": late}, seat.current


def _owned(payload: BookingPayload) -> list[tuple[type, uuid.UUID]]:
    return [(Child, payload.child_id), (Activity, payload.activity_id)]


@handler(OpType.BOOKING_BOOK, owned_ids=_owned)
def book(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.BOOK, now)


@handler(OpType.BOOKING_CANCEL, owned_ids=_owned)
def cancel(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.CANCEL, now)
