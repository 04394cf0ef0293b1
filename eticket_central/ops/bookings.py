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

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, ActivityDay, Booking, Child, Family
from eticket_central.ops.planning import activity_spec, calendar_set
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES, Action, BookingCase, BookingState, refusal
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.sync.protocol import BookingPayload, OpType, RejectCode

_MARKED = (BookingState.PRESENT, BookingState.ABSENT_JUSTIFIED, BookingState.ABSENT_UNJUSTIFIED)


def booking_data(booking: Booking) -> dict[str, Any]:
    return {
        "activity_id": str(booking.activity_id),
        "day": booking.day.isoformat(),
        "child_id": str(booking.child_id),
        "family_id": str(booking.family_id),
        "state": booking.state,
        "late": booking.late,
        "source": booking.source,
        "updated_at": booking.updated_at.isoformat(),
    }


def booking_key(booking: Booking) -> str:
    return f"{booking.activity_id}/{booking.day.isoformat()}/{booking.child_id}"


def _locked_day(session: Session, tenant_id, activity_id, day: date) -> ActivityDay:
    session.execute(
        pg_insert(ActivityDay)
        .values(activity_id=activity_id, day=day, tenant_id=tenant_id, booked=0, waiting=0)
        .on_conflict_do_nothing()
    )
    return session.execute(
        select(ActivityDay)
        .where(ActivityDay.activity_id == activity_id, ActivityDay.day == day)
        .with_for_update()
    ).scalar_one()


def _school_seats(session: Session, activity_id, day: date, school_id) -> int:
    return session.execute(
        select(func.count()).where(
            Booking.activity_id == activity_id,
            Booking.day == day,
            Booking.school_id == school_id,
            Booking.state.in_([s.value for s in SEAT_STATES]),
        )
    ).scalar_one()


def _case(
    session: Session,
    ctx: OpContext,
    spec: ActivitySpec,
    child: Child,
    family: Family,
    seats: ActivityDay,
    payload: BookingPayload,
    action: Action,
    now: datetime,
) -> BookingCase:
    capacity, taken = spec.capacity, seats.booked
    school_capacity = spec.school_capacity(child.school_id) if child.school_id else None
    if school_capacity is not None:
        mine = _school_seats(session, spec.id, payload.day, child.school_id)
        if capacity is None or school_capacity - mine < capacity - taken:
            capacity, taken = school_capacity, mine
    calendar = calendar_set(session, ctx.tenant_id)
    return BookingCase(
        action=action,
        day=payload.day,
        now=now,
        activity_name=spec.name,
        child_name=child.name,
        dossier_status=FamilyStatus(family.status),
        concerned=spec.concerns(child.school_id, child.level),
        closed_reason=spec.closed_reason(payload.day, calendar),
        deadline=spec.deadline_of(payload.day, calendar),
        capacity=capacity,
        seats_taken=taken,
        override_reason=payload.override_reason,
        # A desk checked its agent's right to override before queueing the op.
        may_override=ctx.device_id is not None,
    )


def change_booking(
    session: Session, ctx: OpContext, payload: BookingPayload, action: Action, now: datetime
) -> dict[str, Any]:
    """Books or cancels one day in the caller's transaction; raises Rejected."""
    child = session.get(Child, payload.child_id)
    activity = session.get(Activity, payload.activity_id)
    if child is None or activity is None:
        raise Rejected(
            RejectCode.NOT_FOUND,
            "L'enfant ou l'activité n'est pas encore connu du serveur : synchronisez "
            "d'abord le dossier et les activités.",
        )
    family = session.get(Family, child.family_id)
    spec = activity_spec(activity.id, activity.data)
    seats = _locked_day(session, ctx.tenant_id, activity.id, payload.day)
    booking = session.get(Booking, (activity.id, payload.day, child.id), with_for_update=True)
    current = BookingState(booking.state) if booking is not None else None
    holds_seat = current in SEAT_STATES
    unchanged = {"state": current.value if current else None, "changed": False}
    if action == Action.BOOK and holds_seat:
        return unchanged
    if action == Action.CANCEL and not (holds_seat or current == BookingState.WAITING):
        return unchanged
    if current in _MARKED:
        raise Rejected(
            RejectCode.BOOKING_LOCKED,
            "La présence de ce jour est déjà pointée : la réservation ne se modifie plus.",
        )
    case = _case(session, ctx, spec, child, family, seats, payload, action, now)
    refused = refusal(case)
    to_waiting = False
    if refused is not None:
        full = refused.code.value == RejectCode.CAPACITY_FULL and action == Action.BOOK
        if full and current == BookingState.WAITING:
            return unchanged  # still no seat: the child stays on the waiting list
        to_waiting = full and payload.waiting_list
        if not to_waiting:
            raise Rejected(RejectCode(refused.code.value), refused.message)
    if booking is None:
        booking = Booking(
            activity_id=activity.id,
            day=payload.day,
            child_id=child.id,
            tenant_id=ctx.tenant_id,
            family_id=child.family_id,
            school_id=child.school_id,
        )
        session.add(booking)
    if action == Action.BOOK:
        new_state = BookingState.WAITING if to_waiting else BookingState.BOOKED
    else:
        new_state = BookingState.CANCELLED
    seats.booked += (new_state in SEAT_STATES) - holds_seat
    seats.waiting += (new_state == BookingState.WAITING) - (current == BookingState.WAITING)
    booking.state = new_state.value
    booking.late = case.deadline is None or now >= case.deadline
    booking.source = "counter" if ctx.device_id else "portal"
    booking.updated_at, booking.device_id = now, ctx.device_id
    session.flush()
    record(session, "booking", booking_key(booking), booking_data(booking))
    return {"state": new_state.value, "changed": True, "late": booking.late}


def _owned(payload: BookingPayload) -> list[tuple[type, uuid.UUID]]:
    return [(Child, payload.child_id), (Activity, payload.activity_id)]


@handler(OpType.BOOKING_BOOK, owned_ids=_owned)
def book(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.BOOK, now)


@handler(OpType.BOOKING_CANCEL, owned_ids=_owned)
def cancel(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.CANCEL, now)
