"""Booking and cancelling one day (the whole week and the whole day are in booking_batches).

Every change is one transaction: the booking row, the seat counters, the hooks (wallet) and
the audit entry are written together or not at all. Refusals are `BookingRefused` with a
French reason and a stable code (also the sync protocol's).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import Session

# Prepaid activities debit the family's wallet through its booking hook (registered here so
# that every booking, from any screen or command, goes through it).
import eticket_desk.services.wallet  # noqa: E402, F401, I001
from eticket_desk.models import Booking, Child, Family, Occupancy, SchoolClass
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import (
    SEAT_STATES,
    Action,
    BookingCase,
    BookingRefused,
    BookingState,
    RefusalCode,
    is_late,
    override_may_unlock,
    refusal,
)
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.waiting_list import arrival, in_arrival_order
from eticket_desk.services.activities import activities_in
from eticket_desk.services.audit import record
from eticket_desk.services.booking_hooks import booking_hooks
from eticket_desk.services.calendar import calendar_in
from eticket_desk.services.seat_counters import bump_seats, seats_taken
from eticket_desk.services.store import Actor, Store
from eticket_desk.services.waiting_queue import join_waiting_list, leave_waiting_list


@dataclass(frozen=True)
class DayOutcome:
    """What happened to one child × activity × day."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    state: BookingState | None  # the state now (None: never booked)
    changed: bool
    message: str  # French, for the status line
    refused: RefusalCode | None = None
    promoted: tuple[str, ...] = ()  # children given the freed seat from the waiting list


@dataclass
class _ChildInfo:
    id: uuid.UUID
    name: str
    family_id: uuid.UUID
    family_status: FamilyStatus
    school_id: uuid.UUID | None
    level: str | None


class _Context:
    """What one transaction reads once: the child, the activities, the calendar."""

    def __init__(self, session: Session, actor: Actor, child_id: uuid.UUID) -> None:
        self.session, self.actor = session, actor
        self.now: datetime = session.info["now"]
        row = session.execute(
            select(Child, Family.status, SchoolClass.level)
            .join(Family, Family.id == Child.family_id)
            .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
            .where(Child.id == child_id)
        ).first()
        if row is None:
            raise NotFound("Cet enfant n'existe pas (ou plus).")
        child, status, level = row
        self.child = _ChildInfo(
            child.id,
            f"{child.first_name} {child.last_name}",
            child.family_id,
            FamilyStatus(status),
            child.school_id,
            level,
        )
        self.activities = {a.id: a for a in activities_in(session, include_inactive=True)}
        self.calendar: CalendarSet = calendar_in(session)

    def activity(self, activity_id: uuid.UUID) -> ActivitySpec:
        try:
            return self.activities[activity_id]
        except KeyError:
            raise NotFound("Cette activité n'existe pas (ou plus).") from None


def _case(
    ctx: _Context, activity: ActivitySpec, day: date, action: Action, override_reason: str
) -> BookingCase:
    child = ctx.child
    total, mine = seats_taken(ctx.session, activity, day, child.school_id)
    capacity, taken = activity.capacity, total
    school_capacity = activity.school_capacity(child.school_id) if child.school_id else None
    if school_capacity is not None and (
        capacity is None or school_capacity - mine < capacity - total
    ):
        capacity, taken = school_capacity, mine
    return BookingCase(
        action=action,
        day=day,
        now=ctx.now,
        activity_name=activity.name,
        child_name=child.name,
        dossier_status=child.family_status,
        concerned=activity.concerns(child.school_id, child.level),
        closed_reason=activity.closed_reason(day, ctx.calendar),
        deadline=activity.deadline_of(day, ctx.calendar),
        capacity=capacity,
        seats_taken=taken,
        override_reason=override_reason,
        may_override=ctx.actor.can(Permission.DEADLINE_OVERRIDE),
    )


def _day(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def _set_state(
    ctx: _Context, booking: Booking, state: BookingState, late: bool, source: str
) -> None:
    booking.state = state.value
    booking.late = late
    booking.source = source
    booking.updated_at = ctx.now
    booking.updated_by = ctx.actor.login


def _change(
    ctx: _Context,
    activity_id: uuid.UUID,
    day: date,
    action: Action,
    *,
    override_reason: str = "",
    waiting_list: bool = False,
    source: str = "counter",
) -> DayOutcome:
    """Books or cancels one day inside the caller's transaction; raises BookingRefused."""
    session, child = ctx.session, ctx.child
    activity = ctx.activity(activity_id)
    booking = session.get(Booking, (activity.id, day, child.id))
    current = BookingState(booking.state) if booking is not None else None
    holds_seat = current in SEAT_STATES
    if action == Action.BOOK and (
        holds_seat or (current == BookingState.WAITING and not waiting_list)
    ):
        return DayOutcome(child.id, activity.id, day, current, False, "Déjà réservé.")
    if action == Action.CANCEL and not (holds_seat or current == BookingState.WAITING):
        return DayOutcome(child.id, activity.id, day, current, False, "Rien à annuler.")
    if current in (
        BookingState.PRESENT,
        BookingState.ABSENT_JUSTIFIED,
        BookingState.ABSENT_UNJUSTIFIED,
    ):
        raise BookingRefused(
            RefusalCode.DEADLINE_PASSED,
            "La présence de ce jour est déjà pointée : la réservation ne se modifie plus.",
        )
    case = _case(ctx, activity, day, action, override_reason)
    refused = refusal(case)
    to_waiting = False
    if refused is not None:
        if refused.code == RefusalCode.CAPACITY_FULL and waiting_list:
            to_waiting = True
        else:
            raise refused
    late = is_late(case, current)  # a child taken off the waiting list is never late
    if booking is None:
        booking = Booking(
            activity_id=activity.id, day=day, child_id=child.id, school_id=child.school_id
        )
        session.add(booking)
    booking.audit_label = f"{child.name} — {activity.name} du {day:%d/%m/%Y}"
    promoted: tuple[str, ...] = ()
    if action == Action.BOOK and to_waiting:
        if current == BookingState.WAITING:
            return DayOutcome(
                child.id, activity.id, day, current, False, "Déjà sur la liste d'attente."
            )
        _set_state(ctx, booking, BookingState.WAITING, late, source)
        join_waiting_list(session, booking, ctx.now)
        session.flush()
        bump_seats(session, booking, waiting=1)
        message = f"Liste d'attente : {child.name}, {activity.name} du {_day(day)}."
    elif action == Action.BOOK:
        _set_state(ctx, booking, BookingState.BOOKED, late, source)
        booking.school_id = child.school_id
        leave_waiting_list(booking)
        session.flush()
        bump_seats(session, booking, booked=1, waiting=-1 if current == BookingState.WAITING else 0)
        for hook in booking_hooks():
            hook.seat_taken(session, booking, activity, child.family_id, day)
        message = f"Réservé : {activity.name} du {_day(day)} pour {child.name}."
    else:
        _set_state(ctx, booking, BookingState.CANCELLED, late, source)
        leave_waiting_list(booking)
        session.flush()
        if holds_seat:
            bump_seats(session, booking, booked=-1)
            for hook in booking_hooks():
                hook.seat_released(
                    session, booking, activity, child.family_id, day, timely=not late
                )
            promoted = offer_freed_seat(ctx, activity, day)
            message = f"Réservation annulée : {activity.name} du {_day(day)} pour {child.name}."
        else:
            bump_seats(session, booking, waiting=-1)
            message = (
                f"Retiré(e) de la liste d'attente : {child.name}, {activity.name} du {_day(day)}."
            )
        if promoted:
            message += f" La place libérée est attribuée à {promoted[0]} (liste d'attente)."
    if override_reason.strip() and override_may_unlock(case.deadline, case.now):
        record(
            session,
            "deadline_override",
            "booking",
            booking.audit_key,
            f"Dérogation au délai : {booking.audit_label}",
            change=action.value,
            reason=override_reason.strip(),
        )
    state = BookingState(booking.state)
    return DayOutcome(child.id, activity.id, day, state, True, message, promoted=promoted)


def offer_freed_seat(ctx: _Context, activity: ActivitySpec, day: date) -> tuple[str, ...]:
    """Gives a freed seat to the first waiting child who fits (capacity, hooks).

    `ctx` is anything with the open `session`, the `actor` and `now` (the subscriptions'
    planner calls it too, after cancelling days of a changed template)."""
    session = ctx.session
    queued = session.scalar(
        select(func.sum(Occupancy.waiting)).where(
            Occupancy.activity_id == activity.id, Occupancy.day == day
        )
    )
    if not queued:
        return ()  # nobody waits: no need to look through the day's bookings
    rows = session.execute(
        select(Booking, Child.first_name, Child.last_name, Child.family_id)
        .join(Child, Child.id == Booking.child_id)
        .where(
            Booking.activity_id == activity.id,
            Booking.day == day,
            Booking.state == BookingState.WAITING.value,
        )
    ).all()
    waiting = in_arrival_order((arrival(r[0].waiting_since, r[0].waiting_rank), r) for r in rows)
    for booking, first, last, family_id in waiting:
        total, mine = seats_taken(session, activity, day, booking.school_id)
        if activity.capacity is not None and total >= activity.capacity:
            return ()
        school_capacity = activity.school_capacity(booking.school_id)
        if school_capacity is not None and mine >= school_capacity:
            continue
        name = f"{first} {last}"
        try:
            with session.begin_nested():
                booking.audit_label = f"{name} — {activity.name} du {day:%d/%m/%Y}"
                _set_state(ctx, booking, BookingState.BOOKED, booking.late, booking.source)
                leave_waiting_list(booking)
                session.flush()
                bump_seats(session, booking, booked=1, waiting=-1)
                for hook in booking_hooks():
                    hook.seat_taken(session, booking, activity, family_id, day)
                record(
                    session,
                    "waiting_promoted",
                    "booking",
                    booking.audit_key,
                    f"Place attribuée depuis la liste d'attente : {booking.audit_label}",
                )
        except DomainError:
            continue  # e.g. no ticket left: the next waiting child gets the seat
        return (name,)
    return ()


# ---------------------------------------------------------------- public services


def _run(store: Store, actor: Actor, child_id: uuid.UUID, fn):
    actor.require(Permission.BOOKING_EDIT)
    with store.write(actor) as session:
        return fn(_Context(session, actor, child_id))


def book_day(
    store: Store,
    actor: Actor,
    child_id: uuid.UUID,
    activity_id: uuid.UUID,
    day: date,
    *,
    override_reason: str = "",
    waiting_list: bool = False,
    source: str = "counter",
) -> DayOutcome:
    """Books one day; a full activity raises CAPACITY_FULL unless `waiting_list` is asked."""
    return _run(
        store,
        actor,
        child_id,
        lambda ctx: _change(
            ctx,
            activity_id,
            day,
            Action.BOOK,
            override_reason=override_reason,
            waiting_list=waiting_list,
            source=source,
        ),
    )


def cancel_booking(
    store: Store,
    actor: Actor,
    child_id: uuid.UUID,
    activity_id: uuid.UUID,
    day: date,
    *,
    override_reason: str = "",
    source: str = "counter",
) -> DayOutcome:
    """Cancels one day (or takes the child off the waiting list); a freed seat goes to the
    first waiting child."""
    return _run(
        store,
        actor,
        child_id,
        lambda ctx: _change(
            ctx, activity_id, day, Action.CANCEL, override_reason=override_reason, source=source
        ),
    )
