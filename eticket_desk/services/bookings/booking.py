"""Booking and cancelling one day (the whole week and the whole day are in booking_batches).

What a day becomes is rules.booking_decision's `decide` (the server's ops and the portal call
the same), fed with what this transaction reads; who gets a freed seat is its
`who_gets_seats`. Every change is one transaction: the booking row, the seat counters, the
hooks (wallet) and the audit entry are written together or not at all. Refusals are
`BookingRefused` with a French reason and a stable code (also the sync protocol's).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Booking, Child, Family, Occupancy, SchoolClass
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import (
    Action,
    BookingState,
    RefusalCode,
    override_may_unlock,
)
from eticket_desk.rules.booking_decision import (
    Ask,
    DayFacts,
    Seats,
    Waiting,
    decide,
    who_gets_seats,
)
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.waiting_list import arrival, in_arrival_order
from eticket_desk.services.bookings.hooks import booking_hooks
from eticket_desk.services.bookings.seat_counters import bump_seats, seats_taken
from eticket_desk.services.bookings.waiting_queue import join_waiting_list, leave_waiting_list
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store

# Prepaid activities debit the family's wallet through its booking hook (registered by this
# import, so that every booking, from any screen or command, goes through it).
from eticket_desk.services.counter.wallet import NoTicketLeft, tickets_left
from eticket_desk.sync.outbox import BookingChanged, emit


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
    promoted_families: tuple[uuid.UUID, ...] = ()  # their families (a ticket may be taken)


class Promotion(NamedTuple):
    """A waiting child given a freed seat: its name and its family."""

    name: str
    family_id: uuid.UUID


def promoted_families(call) -> list[FamilyTopic]:
    """The families of the children a booking change gave a freed seat (their plan and
    their wallet changed): a day's outcome or a batch's."""
    outcomes = getattr(call.result, "outcomes", (call.result,))
    return [FamilyTopic(f) for outcome in outcomes for f in outcome.promoted_families]


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


def _facts(
    ctx: _Context, activity: ActivitySpec, day: date, current: BookingState | None, action: Action
) -> DayFacts:
    """What rules.booking_decision needs of this child's day, read in the transaction."""
    child, session = ctx.child, ctx.session
    total, mine = seats_taken(session, activity, day, child.school_id)
    school_capacity = activity.school_capacity(child.school_id) if child.school_id else None
    wallet = tickets_left(session, activity, [child.family_id]) if action == Action.BOOK else None
    return DayFacts(
        day=day,
        now=ctx.now,
        activity_name=activity.name,
        child_name=child.name,
        dossier_status=child.family_status,
        concerned=activity.concerns(child.school_id, child.level),
        closed_reason=activity.closed_reason(day, ctx.calendar),
        deadline=activity.deadline_of(day, ctx.calendar),
        seats=Seats(total, activity.capacity, mine, school_capacity),
        current=current,
        may_override=ctx.actor.can(Permission.DEADLINE_OVERRIDE),
        prepaid=activity.billing_mode == BillingMode.PREPAID,
        tickets=wallet[1].get(child.family_id, 0) if wallet else None,
        ticket_name=wallet[0] if wallet else "",
    )


def _day(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def _set_state(
    ctx: _Context,
    booking: Booking,
    state: BookingState,
    late: bool,
    source: str,
    reason: str = "",
) -> None:
    """The booking's new state, and its op for the server (with the agent's reason when the
    change overrides a passed deadline)."""
    key = (booking.activity_id, booking.day, booking.child_id)
    emit(ctx.session, BookingChanged(*key, booking.state, reason))
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
    """Books or cancels one day inside the caller's transaction, as
    rules.booking_decision decides; raises BookingRefused (NoTicketLeft for NO_TICKET)."""
    session, child = ctx.session, ctx.child
    activity = ctx.activity(activity_id)
    booking = session.get(Booking, (activity.id, day, child.id))
    current = BookingState(booking.state) if booking is not None else None
    facts = _facts(ctx, activity, day, current, action)
    decision = decide(facts, Ask(action, override_reason, waiting_list=waiting_list))
    if decision.refused is not None:
        if decision.refused.code == RefusalCode.NO_TICKET:
            raise NoTicketLeft(decision.refused.message)
        raise decision.refused
    if decision.state is None:
        return DayOutcome(child.id, activity.id, day, current, False, decision.unchanged)
    if booking is None:
        booking = Booking(
            activity_id=activity.id, day=day, child_id=child.id, school_id=child.school_id
        )
        session.add(booking)
    booking.audit_label = f"{child.name} — {activity.name} du {day:%d/%m/%Y}"
    late, was_waiting = decision.late, current == BookingState.WAITING
    overridden = bool(override_reason.strip()) and override_may_unlock(facts.deadline, facts.now)
    reason = override_reason.strip() if overridden else ""
    promoted: tuple[str, ...] = ()
    if decision.state == BookingState.WAITING:
        _set_state(ctx, booking, BookingState.WAITING, late, source, reason)
        join_waiting_list(session, booking, ctx.now)
        session.flush()
        bump_seats(session, booking, waiting=1)
        message = f"Liste d'attente : {child.name}, {activity.name} du {_day(day)}."
    elif decision.state == BookingState.BOOKED:
        _set_state(ctx, booking, BookingState.BOOKED, late, source, reason)
        booking.school_id = child.school_id
        leave_waiting_list(booking)
        session.flush()
        bump_seats(session, booking, booked=1, waiting=-int(was_waiting))
        for hook in booking_hooks():
            hook.seat_taken(session, booking, activity, child.family_id, day)
        message = f"Réservé : {activity.name} du {_day(day)} pour {child.name}."
    else:
        _set_state(ctx, booking, BookingState.CANCELLED, late, source, reason)
        leave_waiting_list(booking)
        session.flush()
        if not was_waiting:
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
            message += f" La place libérée est attribuée à {promoted[0].name} (liste d'attente)."
    if overridden:
        record(
            session,
            "deadline_override",
            "booking",
            booking.audit_key,
            f"Dérogation au délai : {booking.audit_label}",
            change=action.value,
            reason=reason,
        )
    state = BookingState(booking.state)
    return DayOutcome(
        child.id,
        activity.id,
        day,
        state,
        True,
        message,
        promoted=tuple(p.name for p in promoted),
        promoted_families=tuple(p.family_id for p in promoted),
    )


def offer_freed_seat(ctx: _Context, activity: ActivitySpec, day: date) -> tuple[Promotion, ...]:
    """Gives the day's free seats to the waiting children rules.booking_decision chooses
    (order of arrival, school quotas, capacity, tickets of a prepaid day).

    `ctx` is anything with the open `session`, the `actor` and `now` (the subscriptions'
    planner calls it too, after cancelling days of a changed template)."""
    session = ctx.session
    counts = session.execute(
        select(Occupancy.school_id, Occupancy.booked, Occupancy.waiting).where(
            Occupancy.activity_id == activity.id, Occupancy.day == day
        )
    ).all()
    if not sum(waiting for _, _, waiting in counts):
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
    queue = in_arrival_order((arrival(r[0].waiting_since, r[0].waiting_rank), r) for r in rows)
    wallet = tickets_left(session, activity, list({r[3] for r in queue}))
    chosen = who_gets_seats(
        [Waiting(n, row[0].school_id, row[3]) for n, row in enumerate(queue)],
        activity.capacity,
        sum(booked for _, booked, _ in counts),
        activity.school_capacities,
        {school: booked for school, booked, _ in counts},
        wallet[1] if wallet else None,
    )
    promoted = []
    for n in chosen:
        booking, first, last, family_id = queue[n]
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
            continue  # a hook refused it (another hook than the wallet's): the seat stays free
        promoted.append(Promotion(name, family_id))
    return tuple(promoted)


# ---------------------------------------------------------------- public services


def _run(store: Store, actor: Actor, child_id: uuid.UUID, fn):
    actor.require(Permission.BOOKING_EDIT)
    with store.write(actor) as session:
        return fn(_Context(session, actor, child_id))


@changes(Topic.BOOKINGS, promoted_families)
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


@changes(Topic.BOOKINGS, promoted_families)
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
