"""The weekly planning grid of a family: every child × activity × day, as the agent sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date
from sqlalchemy import select

from eticket_desk.models import Booking, Child, Family, Occupancy, School, SchoolClass
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import (
    SEAT_STATES,
    STATE_LABELS,
    BookingState,
    override_may_unlock,
    subscription_only_message,
)
from eticket_desk.rules.booking_decision import seats_left
from eticket_desk.rules.calendar import CalendarSet, monday_of, week_days
from eticket_desk.rules.cells import CellState, cell_state
from eticket_desk.rules.deadlines import format_deadline, is_editable
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.bookings.booking import DayOutcome, book_day, cancel_booking
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class Cell:
    day: date
    state: CellState
    booking: BookingState | None
    tooltip: str
    deadline: datetime | None
    places_left: int | None  # None: unlimited
    waiting: int  # children on the waiting list that day
    late: bool
    closed_label: str = ""  # short text shown in a closed cell (holiday name), "" otherwise
    # Why the day cannot be changed now ("" when it can): the passed deadline, or the
    # subscription (TAP) that alone changes it.
    locked_reason: str = ""
    # An allowed agent may change it with a reason: its deadline has passed (a day that only
    # a subscription changes never is, nor a closed day).
    overridable: bool = False


@dataclass(frozen=True)
class ActivityRow:
    child_id: uuid.UUID
    activity_id: uuid.UUID
    code: str
    name: str
    colour: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class ChildWeek:
    child_id: uuid.UUID
    name: str
    class_name: str
    school_name: str
    rows: tuple[ActivityRow, ...]


@dataclass(frozen=True)
class WeekPlan:
    family_id: uuid.UUID
    reference: str
    family_name: str
    status: FamilyStatus
    monday: date
    days: tuple[date, ...]
    children: tuple[ChildWeek, ...]
    can_edit: bool
    can_override: bool
    notice: str  # a French line above the grid ("" when all is well)


@lru_cache(maxsize=2048)
def _day_text(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def _places(activity: ActivitySpec, counts: dict, day: date, school_id) -> tuple[int | None, int]:
    """(places left for this child that day or None when unlimited, children waiting)."""
    by_school = counts.get((activity.id, day), {})
    total = sum(b for b, _ in by_school.values())
    waiting = sum(w for _, w in by_school.values())
    school_capacity = activity.school_capacity(school_id) if school_id else None
    mine = by_school.get(school_id, (0, 0))[0]
    return seats_left(activity.capacity, total, school_capacity, mine), waiting


def _tooltip(
    activity: ActivitySpec,
    day: date,
    closed: str | None,
    booking: BookingState | None,
    deadline: datetime | None,
    editable: bool,
    validated: bool,
    left: int | None,
    waiting: int,
    now: datetime,
) -> str:
    lines = [f"{activity.name} — {_day_text(day)}"]
    if closed:
        lines.append(f"Fermé : {closed}")
        return "\n".join(lines)
    lines.append(STATE_LABELS[booking] if booking else "Non réservé")
    if not validated:
        lines.append("Dossier non validé : réservation impossible.")
    elif editable:
        verb = "Annulable" if booking in SEAT_STATES else "Réservable"
        lines.append(f"{verb} jusqu'au {format_deadline(deadline)}")
    elif reason := _locked_reason(activity, deadline, now):
        lines.append(reason)
    if left is not None:
        lines.append("Complet" if left <= 0 else f"{left} place(s) restante(s)")
    if waiting:
        lines.append(f"{waiting} enfant(s) en liste d'attente")
    return "\n".join(lines)


def _locked_reason(activity: ActivitySpec, deadline: datetime | None, now: datetime) -> str:
    """Why an open day of a validated dossier cannot be changed now ("" when it can)."""
    if deadline is None:
        return subscription_only_message(activity.name)
    if deadline <= now:
        return f"Délai dépassé depuis le {format_deadline(deadline)}"
    return ""


def load_week(store: Store, actor: Actor, family_id: uuid.UUID, day: date) -> WeekPlan:
    """The week containing `day` for every child of the family, with each cell's state."""
    actor.require(Permission.FAMILY_VIEW)
    monday = monday_of(day)
    now = store.clock.now()
    with store.read() as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe pas (ou plus).")
        children = session.execute(
            select(Child, SchoolClass.name, SchoolClass.level, School.name)
            .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
            .outerjoin(School, School.id == Child.school_id)
            .where(Child.family_id == family_id)
            .order_by(Child.position)
        ).all()
        activities = activities_in(session)
        calendar: CalendarSet = calendar_in(session)
        weekend = any(d >= 5 for a in activities for d in a.weekdays)
        days = tuple(week_days(monday, 7 if weekend else 5))
        child_ids = [c.id for c, *_ in children]
        bookings = {
            (child_id, activity_id, day): (state, late)
            for child_id, activity_id, day, state, late in session.execute(
                select(
                    Booking.child_id, Booking.activity_id, Booking.day, Booking.state, Booking.late
                ).where(Booking.child_id.in_(child_ids), Booking.day.between(days[0], days[-1]))
            )
        }
        counts: dict = {}
        for row in session.execute(
            select(Occupancy).where(
                Occupancy.activity_id.in_([a.id for a in activities]),
                Occupancy.day.between(days[0], days[-1]),
            )
        ).scalars():
            counts.setdefault((row.activity_id, row.day), {})[row.school_id] = (
                row.booked,
                row.waiting,
            )
    status = FamilyStatus(family.status)
    validated = status == FamilyStatus.VALIDATED
    can_edit = validated and actor.can(Permission.BOOKING_EDIT)
    weeks = []
    for child, class_name, level, school_name in children:
        rows = []
        for activity in activities:
            if not activity.concerns(child.school_id, level):
                continue
            cells = []
            for d in days:
                closed = activity.closed_reason(d, calendar)
                state_text, late = bookings.get((child.id, activity.id, d), (None, False))
                state = BookingState(state_text) if state_text is not None else None
                deadline = None if closed else activity.deadline_of(d, calendar)
                editable = can_edit and not closed and is_editable(deadline, now)
                left, waiting = _places(activity, counts, d, child.school_id)
                cells.append(
                    Cell(
                        day=d,
                        state=cell_state(
                            closed is not None,
                            state in SEAT_STATES or state == BookingState.WAITING,
                            editable,
                        ),
                        booking=state,
                        tooltip=_tooltip(
                            activity,
                            d,
                            closed,
                            state,
                            deadline,
                            editable,
                            validated,
                            left,
                            waiting,
                            now,
                        ),
                        deadline=deadline,
                        places_left=left,
                        waiting=waiting,
                        late=bool(late),
                        closed_label=calendar.closed_reason(d, activity.code) or "",
                        locked_reason=""
                        if closed or editable
                        else _locked_reason(activity, deadline, now),
                        overridable=not closed and override_may_unlock(deadline, now),
                    )
                )
            rows.append(
                ActivityRow(
                    child.id,
                    activity.id,
                    activity.code,
                    activity.name,
                    activity.colour,
                    tuple(cells),
                )
            )
        weeks.append(
            ChildWeek(
                child.id,
                f"{child.first_name} {child.last_name}",
                class_name or "sans classe",
                school_name or "sans école",
                tuple(rows),
            )
        )
    return WeekPlan(
        family_id=family.id,
        reference=family.reference,
        family_name=family.display_name,
        status=status,
        monday=monday,
        days=days,
        children=tuple(weeks),
        can_edit=can_edit,
        can_override=actor.can(Permission.DEADLINE_OVERRIDE),
        notice=_notice(status, calendar, days),
    )


def _notice(status: FamilyStatus, calendar: CalendarSet, days: tuple[date, ...]) -> str:
    if status != FamilyStatus.VALIDATED:
        return (
            "Le dossier n'est pas validé : les réservations sont impossibles tant qu'il "
            "n'est pas complet et validé."
        )
    years = {calendar.year_of(d) for d in days} - {None}
    if not years:
        return (
            "Aucune année scolaire n'est enregistrée pour cette semaine : créez-la dans Calendrier."
        )
    unknown = [u for y in years for u in y.unknown_holidays]
    if unknown:
        return "Calendrier incomplet (données de vacances inconnues) : " + ", ".join(unknown)
    return ""


@changes(Topic.BOOKINGS)
def toggle_cell(
    store: Store,
    actor: Actor,
    child_id: uuid.UUID,
    activity_id: uuid.UUID,
    day: date,
    *,
    booked: bool,
    override_reason: str = "",
    waiting_list: bool = False,
) -> DayOutcome:
    """A click on a cell: cancels what is booked (or waiting), books what is not."""
    if booked:
        return cancel_booking(
            store, actor, child_id, activity_id, day, override_reason=override_reason
        )
    return book_day(
        store,
        actor,
        child_id,
        activity_id,
        day,
        override_reason=override_reason,
        waiting_list=waiting_list,
    )
