"""booking.book and booking.cancel, decided by the desk's own `rules.booking_decision` at the
moment the op was made at the desk (corrected by the desk's clock offset when that clock is
trusted, else at the server's time: rules.desk_clock); the activity-day row is locked so two
desks never take the last seat twice.

One debit per booked day: a wallet line is a fact, a booking a request. A day asked again
while the server already holds it for the child (booked at another desk, or online) is
answered applied and unchanged ({"state": …, "changed": false}); the desk that paid a ticket
for it then gives it back with a line of its own (the desk knows whether it paid: post-paid
days and waiting-list bookings take none; services/syncing/booking_tickets.py).

A child on the waiting list gets a freed seat when a desk (or the parent) books it again; the
server does not promote waiting children by itself: the desk that frees a seat (or pulls a
freed one) serves its waiting list with the same rules (`who_gets_seats`) and pushes the
promotion with the ticket it took, so a seat is never given, nor a ticket taken, twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, Booking, Child, Family
from eticket_central.ops.planning import activity_spec, calendar_set
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import (
    SEAT_STATES,
    Action,
    BookingRefused,
    BookingState,
    RefusalCode,
)
from eticket_desk.rules.booking_decision import Ask, DayFacts, Decision, Seats, decide
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.sync.protocol import BookingPayload, OpType, RejectCode


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
# A child's decided days of one activity in one statement each, whatever their number (a
# form's op is a hundred days): the rows' own values come as arrays.
_WRITE = text(
    "INSERT INTO bookings (activity_id, day, child_id, tenant_id, family_id, school_id, "
    "state, late, source, updated_at, device_id) SELECT :activity_id, d.day, :child_id, "
    ":tenant_id, :family_id, CAST(:school_id AS uuid), d.state, d.late, :source, :updated_at, "
    "CAST(:device_id AS uuid) FROM unnest(CAST(:days AS date[]), CAST(:states AS text[]), "
    "CAST(:lates AS boolean[])) AS d(day, state, late) "
    "ON CONFLICT (activity_id, day, child_id) DO UPDATE SET state = EXCLUDED.state, "
    "late = EXCLUDED.late, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at, "
    "device_id = EXCLUDED.device_id"
)
_COUNT = text(
    "UPDATE activity_days AS a SET booked = a.booked + d.booked, waiting = a.waiting + d.waiting "
    "FROM unnest(CAST(:days AS date[]), CAST(:booked AS integer[]), "
    "CAST(:waiting AS integer[])) AS d(day, booked, waiting) "
    "WHERE a.activity_id = :activity_id AND a.day = d.day"
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


def decide_day(
    spec: ActivitySpec,
    child,
    seat: Seat,
    ask: Ask,
    ctx: OpContext,
    calendar,
    now: datetime,
    tickets: int | None = None,
) -> Decision:
    """rules.booking_decision's decision of one day, at the moment the op was asked
    (`ctx.asked_at`: the desk's time when its clock is trusted, else `now`, the server's);
    a deadline refused at the server's time says why the desk's was not used. `tickets` is
    the family's balance for a prepaid day when the caller holds its wallet (the portal),
    None when the desk that pushed the op pays the ticket itself."""
    name, school_id, level, _family_id, family_status, _child_id = child
    school_capacity = spec.school_capacity(school_id) if school_id else None
    if seat.school_taken is None:
        school_capacity = None  # the caller did not count the school: its quota is unknown
    facts = DayFacts(
        day=seat.day,
        now=ctx.asked_at or now,
        activity_name=spec.name,
        child_name=name,
        dossier_status=FamilyStatus(family_status),
        concerned=spec.concerns(school_id, level),
        closed_reason=spec.closed_reason(seat.day, calendar),
        deadline=spec.deadline_of(seat.day, calendar),
        seats=Seats(seat.booked, spec.capacity, seat.school_taken or 0, school_capacity),
        current=seat.current,
        # A desk checked its agent's right to override before queueing the op.
        may_override=ctx.device_id is not None,
        prepaid=spec.billing_mode == BillingMode.PREPAID,
        tickets=tickets,
        ticket_name=spec.ticket_type.lower(),
    )
    decision = decide(facts, ask)
    refused = decision.refused
    if refused is not None and refused.code == RefusalCode.DEADLINE_PASSED and ctx.clock_note:
        why = BookingRefused(refused.code, f"{refused.message} ({ctx.clock_note}.)")
        return replace(decision, refused=why)
    return decision


def rejected(refused: BookingRefused) -> Rejected:
    """The op's rejection for a refusal of the rules (NO_TICKET, which only the portal can
    meet, keeps the rules' code)."""
    try:
        code = RejectCode(refused.code.value)
    except ValueError:
        code = refused.code
    return Rejected(code, refused.message)


def unknown() -> Rejected:
    return Rejected(
        RejectCode.NOT_FOUND,
        "L'enfant ou l'activité n'est pas encore connu du serveur : synchronisez "
        "d'abord le dossier et les activités.",
    )


def write_days(
    session, ctx, spec, child, seats: dict[date, Seat], decided, now, *, each: bool = True
) -> None:
    """Writes the decided days [(day, new state, late)], their seat counts and, when `each`,
    a change per day (a form's op records its days as one change: bulk_bookings)."""
    if not decided:
        return
    child_id, family_id, school_id = child[5], child[3], child[1]
    source = "counter" if ctx.device_id else "portal"
    moved: dict[str, list] = {"days": [], "booked": [], "waiting": []}
    for day, state, late in decided:
        before = seats[day].current
        booked = (state in SEAT_STATES) - (before in SEAT_STATES)
        waiting = (state == BookingState.WAITING) - (before == BookingState.WAITING)
        if booked or waiting:
            moved["days"].append(day)
            moved["booked"].append(booked)
            moved["waiting"].append(waiting)
        if each:
            change = _data(spec.id, day, child_id, family_id, state.value, late, source, now)
            record(session, "booking", _key(spec.id, day, child_id), change)
    session.execute(
        _WRITE,
        {
            "activity_id": spec.id,
            "child_id": child_id,
            "tenant_id": ctx.tenant_id,
            "family_id": family_id,
            "school_id": school_id,
            "source": source,
            "updated_at": now,
            "device_id": ctx.device_id,
            "days": [day for day, _, _ in decided],
            "states": [state.value for _, state, _ in decided],
            "lates": [late for _, _, late in decided],
        },
    )
    if moved["days"]:
        session.execute(_COUNT, {"activity_id": spec.id, **moved})


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
    session: Session,
    ctx: OpContext,
    payload: BookingPayload,
    action: Action,
    now: datetime,
    tickets: int | None = None,
) -> tuple[dict[str, Any], Decision]:
    """change_booking's answer and the decision it wrote (the ticket it moves); `tickets` as
    `decide_day` takes it. Raises Rejected."""
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
    ask = Ask(action, payload.override_reason, waiting_list=payload.waiting_list)
    calendar = _calendar(session, ctx.tenant_id)
    decision = decide_day(spec, child, seat, ask, ctx, calendar, now, tickets)
    if decision.refused is not None:
        raise rejected(decision.refused)
    if decision.state is None:
        return {"state": state, "changed": False}, decision
    write_days(
        session,
        ctx,
        spec,
        child,
        {payload.day: seat},
        [(payload.day, decision.state, decision.late)],
        now,
    )
    return {"state": decision.state.value, "changed": True, "late": decision.late}, decision


def _owned(payload: BookingPayload) -> list[tuple[type, uuid.UUID]]:
    return [(Child, payload.child_id), (Activity, payload.activity_id)]


@handler(OpType.BOOKING_BOOK, owned_ids=_owned, unknown=lambda _p: unknown())
def book(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.BOOK, now)


@handler(OpType.BOOKING_CANCEL, owned_ids=_owned, unknown=lambda _p: unknown())
def cancel(session: Session, ctx: OpContext, payload: BookingPayload, now: datetime):
    return change_booking(session, ctx, payload, Action.CANCEL, now)
