"""Occupancy (« Fréquentation »): seats booked against capacity and the waiting list, per
activity and day, read from the seat counters the booking service keeps."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Occupancy
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking_decision import seats_left
from eticket_desk.rules.calendar import CalendarSet, days_between
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.core.store import Actor, Store

MAX_DAYS = 366


@dataclass(frozen=True)
class DayOccupancy:
    """One activity on one day, for the chosen school (or all of them)."""

    day: date
    closed_reason: str | None  # French ("Vacances de la Toussaint"), None when it runs
    booked: int
    waiting: int
    capacity: int | None  # seats for the scope; None: no limit
    full: bool  # no seat left for a child of the scope
    scheduled: bool = True  # False: the activity never runs on this weekday

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    @property
    def rate(self) -> float | None:
        """Seats taken over capacity (1.0 = full), None without a capacity."""
        if not self.capacity:
            return None
        return self.booked / self.capacity


@dataclass(frozen=True)
class ActivityTotals:
    open_days: int
    booked: int  # seat-days booked over the open days of the period
    waiting: int
    average: float  # seats booked per open day
    max_booked: int
    full_days: int


@dataclass(frozen=True)
class ActivityOccupancy:
    activity_id: uuid.UUID
    code: str
    name: str
    colour: str  # "#rrggbb"
    capacity: int | None  # for the scope (the school's own when one is chosen)
    shared_capacity: bool  # a school is chosen but the seats are shared by every school
    days: tuple[DayOccupancy, ...]
    totals: ActivityTotals

    @property
    def average_rate(self) -> float | None:
        """Average seats booked per open day over the capacity, None without a capacity."""
        if not self.capacity:
            return None
        return self.totals.average / self.capacity

    def on(self, day: date) -> DayOccupancy | None:
        for item in self.days:
            if item.day == day:
                return item
        return None


@dataclass(frozen=True)
class OccupancyReport:
    start: date
    end: date
    school_id: uuid.UUID | None
    days: tuple[date, ...]
    activities: tuple[ActivityOccupancy, ...]

    def activity(self, activity_id: uuid.UUID) -> ActivityOccupancy | None:
        return next((a for a in self.activities if a.activity_id == activity_id), None)


def _scope_capacity(activity: ActivitySpec, school_id: uuid.UUID | None) -> tuple[int | None, bool]:
    """(capacity of the scope, whether it is the activity's capacity shared by every school)."""
    if school_id is not None:
        own = activity.school_capacity(school_id)
        if own is not None:
            return own, False
        return activity.capacity, activity.capacity is not None
    if activity.capacity is not None:
        return activity.capacity, False
    caps = list(activity.school_capacities.values())
    if caps and all(c is not None for c in caps):
        return sum(caps), False  # only per-school limits: the whole is their sum
    return None, False


def _counters(
    session: Session, ids: list[uuid.UUID], start: date, end: date
) -> dict[tuple[uuid.UUID, date], dict[uuid.UUID, tuple[int, int]]]:
    """(activity, day) -> school -> (booked, waiting), from the seat counters."""
    rows = session.execute(
        select(
            Occupancy.activity_id,
            Occupancy.day,
            Occupancy.school_id,
            Occupancy.booked,
            Occupancy.waiting,
        ).where(
            Occupancy.activity_id.in_(ids),
            Occupancy.day >= start,
            Occupancy.day <= end,
        )
    ).all()
    found: dict[tuple[uuid.UUID, date], dict[uuid.UUID, tuple[int, int]]] = defaultdict(dict)
    for activity_id, day, school_id, booked, waiting in rows:
        found[(activity_id, day)][school_id] = (booked, waiting)
    return found


def _day(
    activity: ActivitySpec,
    day: date,
    calendar: CalendarSet,
    per_school: dict[uuid.UUID, tuple[int, int]],
    school_id: uuid.UUID | None,
) -> DayOccupancy:
    capacity, _shared = _scope_capacity(activity, school_id)
    total_booked = sum(b for b, _ in per_school.values())
    if school_id is None:
        booked, waiting = total_booked, sum(w for _, w in per_school.values())
    else:
        booked, waiting = per_school.get(school_id, (0, 0))
    if school_id is None:
        left = seats_left(capacity, total_booked)  # the activity's, or its schools' sum
    else:  # what a child of that school still finds: its quota and the activity's seats
        left = seats_left(
            activity.capacity, total_booked, activity.school_capacity(school_id), booked
        )
    full = left == 0
    return DayOccupancy(
        day=day,
        closed_reason=activity.closed_reason(day, calendar),
        booked=booked,
        waiting=waiting,
        capacity=capacity,
        full=full,
        scheduled=day.weekday() in activity.weekdays,
    )


def _totals(days: tuple[DayOccupancy, ...]) -> ActivityTotals:
    open_days = [d for d in days if d.is_open]
    booked = sum(d.booked for d in open_days)
    return ActivityTotals(
        open_days=len(open_days),
        booked=booked,
        waiting=sum(d.waiting for d in open_days),
        average=booked / len(open_days) if open_days else 0.0,
        max_booked=max((d.booked for d in open_days), default=0),
        full_days=sum(1 for d in open_days if d.full),
    )


def occupancy_report(
    store: Store,
    actor: Actor,
    start: date,
    end: date,
    activity_ids: list[uuid.UUID] | None = None,
    school_id: uuid.UUID | None = None,
) -> OccupancyReport:
    """Seats booked, waiting list and capacity of each activity for every day of the period.

    Every activity when `activity_ids` is None (the active ones), else those asked (even
    inactive); with a school, only the activities that concern it, counted for it alone.
    """
    actor.require(Permission.REPORTS_VIEW)
    if end < start:
        raise InvalidInput("La fin de la période doit venir après son début.")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput("La période affichée ne peut pas dépasser un an.")
    with store.read() as session:
        specs = activities_in(session, include_inactive=activity_ids is not None)
        if activity_ids is not None:
            wanted = set(activity_ids)
            specs = [a for a in specs if a.id in wanted]
        if school_id is not None:
            specs = [
                a for a in specs if not a.school_capacities or school_id in a.school_capacities
            ]
        calendar = calendar_in(session)
        counters = _counters(session, [a.id for a in specs], start, end)
    days = tuple(days_between(start, end))
    activities = []
    for spec in specs:
        per_day = tuple(
            _day(spec, day, calendar, counters.get((spec.id, day), {}), school_id) for day in days
        )
        capacity, shared = _scope_capacity(spec, school_id)
        activities.append(
            ActivityOccupancy(
                activity_id=spec.id,
                code=spec.code,
                name=spec.name,
                colour=spec.colour,
                capacity=capacity,
                shared_capacity=shared,
                days=per_day,
                totals=_totals(per_day),
            )
        )
    return OccupancyReport(start, end, school_id, days, tuple(activities))
