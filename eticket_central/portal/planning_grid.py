"""A child's week on the portal, computed from the server's tables with the desk's rules: the
same five cell states (rules.cells, seed 002), deadlines (rules.deadlines), seats left
(rules.booking_decision.seats_left) and closures (the commune's calendar) as the desk's week
grid, so a parent and the agent see one truth.

The activities shown are the child's own (seed 003: « les activités auxquelles vos enfants
sont inscrits »): those of the child's subscriptions, those the child has a day of in the
school period of the week, and every prepaid activity open to the child's school and class
(seed 001: tickets bought in advance book any open day, no registration needed) (bookings are found by activity and day, the key's prefix: there is
no index by child, migration 0004).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eticket_central.models import Activity, ActivityDay, Child, Family, SchoolYear, Subscription
from eticket_central.ops.planning import activity_spec, calendar_set
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import SEAT_STATES, BookingState, subscription_only_message
from eticket_desk.rules.booking_decision import MARKED_STATES, seats_left
from eticket_desk.rules.calendar import CalendarSet, PeriodSpan, days_between, week_days
from eticket_desk.rules.cells import CellState, cell_state
from eticket_desk.rules.deadlines import is_editable
from eticket_desk.rules.dossier import FamilyStatus

NOT_VALIDATED = (
    "Votre dossier n'est pas encore validé par la mairie : les réservations seront possibles "
    "après sa validation."
)
# The portal's words for the five states (and the waiting list): text and icon, never colour
# alone (RGAA).
LOOKS = {
    "booked": ("Réservé", "✔"),
    "free": ("Non réservé", "○"),
    "waiting": ("Liste d'attente", "◷"),
    "locked_booked": ("Réservé, non modifiable", "⊘"),
    "locked_free": ("Non réservé, non modifiable", "⊘"),
    "locked_waiting": ("Liste d'attente, non modifiable", "⊘"),
    "closed": ("Pas d'activité", "—"),
}
# A child's rows are found by the whole key, one probe per activity and day: there is no
# index by child, and a range of days would read every child's rows of those days.
_BOOKINGS = text(
    "SELECT activity_id, day, state FROM bookings WHERE activity_id = ANY(:ids) "
    "AND day = ANY(CAST(:days AS date[])) AND child_id = :child_id"
)
_REGISTERED = text(
    "SELECT DISTINCT activity_id FROM bookings WHERE activity_id = ANY(:ids) "
    "AND day = ANY(CAST(:days AS date[])) AND child_id = :child_id"
)
_SCHOOL_SEATS = text(
    "SELECT activity_id, day, count(*) FROM bookings WHERE activity_id = ANY(:ids) "
    "AND day BETWEEN :first AND :last AND school_id = :school_id AND state = ANY(:states) "
    "GROUP BY activity_id, day"
)
_SEAT_VALUES = [s.value for s in SEAT_STATES]


@dataclass(frozen=True)
class GridCell:
    day: date
    key: str  # "activity id/YYYY-MM-DD": the checkbox's value
    state: CellState
    look: str  # a key of LOOKS
    editable: bool
    held: bool  # booked or on the waiting list: the checkbox is checked
    deadline_text: str  # « modifiable jusqu'au … », « délai passé depuis le … », ""
    places_text: str  # « 3 places », « complet », "" when unlimited or closed
    closed_text: str  # why there is no activity that day

    @property
    def label(self) -> str:
        return LOOKS[self.look][0]

    @property
    def icon(self) -> str:
        return LOOKS[self.look][1]


@dataclass(frozen=True)
class GridRow:
    activity_id: uuid.UUID
    name: str
    read_only_text: str  # why the whole row is read-only (TAP), "" otherwise
    cells: tuple[GridCell, ...]

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


@dataclass(frozen=True)
class ChildGrid:
    child_id: uuid.UUID
    name: str
    monday: date
    days: tuple[date, ...]
    rows: tuple[GridRow, ...]
    period: PeriodSpan | None
    notice: str  # a French line above the grid ("" when all is well)

    @property
    def editable(self) -> bool:
        return any(r.editable for r in self.rows)

    @property
    def editable_days(self) -> set[date]:
        """The days « toutes les activités » may check: one cell of them is editable."""
        return {c.day for r in self.rows for c in r.cells if c.editable}


def family_child(session: Session, tenant_id, family_id, child_id) -> Child | None:
    """The child when it is one of the parent's family, else None (the page answers 404)."""
    child = session.get(Child, child_id) if isinstance(child_id, uuid.UUID) else None
    if child is None or (child.tenant_id, child.family_id) != (tenant_id, family_id):
        return None
    return child


def family_children(session: Session, tenant_id, family_id) -> list[Child]:
    return list(
        session.scalars(
            select(Child)
            .where(Child.tenant_id == tenant_id, Child.family_id == family_id)
            .order_by(Child.name, Child.id)
        )
    )


def tenant_activities(session: Session, tenant_id) -> dict[uuid.UUID, ActivitySpec]:
    """The commune's active activities in the desk's order (position, then name)."""
    rows = session.execute(
        select(Activity.id, Activity.data).where(Activity.tenant_id == tenant_id)
    ).all()
    rows.sort(key=lambda r: (r.data.get("position", 0), r.data["name"]))
    specs = {row.id: activity_spec(row.id, row.data) for row in rows}
    return {k: s for k, s in specs.items() if s.active}


def period_of(session: Session, tenant_id, day: date) -> PeriodSpan | None:
    """The school period holding `day` (the desk's periods, kept with the year); a year
    pushed without periods is one period."""
    year = session.scalars(
        select(SchoolYear).where(
            SchoolYear.tenant_id == tenant_id, SchoolYear.start <= day, SchoolYear.end >= day
        )
    ).first()
    if year is None:
        return None
    for p in year.closures.get("periods", []):
        start, end = date.fromisoformat(str(p["start"])), date.fromisoformat(str(p["end"]))
        if start <= day <= end:
            return PeriodSpan(p["name"], start, end)
    if year.closures.get("periods"):
        return None  # between two periods (holidays)
    return PeriodSpan(f"année scolaire {year.label}", year.start, year.end)


def child_activities(
    session: Session, child: Child, specs: dict[uuid.UUID, ActivitySpec], span: tuple[date, date]
) -> list[ActivitySpec]:
    """The activities the child is registered to: subscribed, or a day of it within `span`,
    and the prepaid ones (a ticket is the registration)."""
    mine = set(
        session.scalars(select(Subscription.activity_id).where(Subscription.child_id == child.id))
    )
    mine |= {a for a, s in specs.items() if s.billing_mode == BillingMode.PREPAID}
    others = [
        a for a, s in specs.items() if a not in mine and s.concerns(child.school_id, child.level)
    ]
    if others:
        days = days_between(*span)
        found = session.scalars(_REGISTERED, {"ids": others, "days": days, "child_id": child.id})
        mine |= set(found)
    return [s for a, s in specs.items() if a in mine and s.concerns(child.school_id, child.level)]


def _deadline_text(spec: ActivitySpec, deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return "sur inscription seulement"
    if is_editable(deadline, now):
        return f"modifiable jusqu'au {_short(deadline)}"
    return f"non modifiable : délai passé depuis le {_short(deadline)}"


def _short(moment: datetime) -> str:
    """ "vendredi 11/09 à 10:00" (the day's week is the grid's or the one before)."""
    return format_datetime(moment, "EEEE dd/MM 'à' HH:mm", locale="fr_FR")


def _places(left: int | None, waiting: int) -> str:
    """ "3 places", "1 place", "complet", "complet, 2 en liste d'attente"."""
    if left is None:
        return ""
    if left > 0:
        return f"{left} place" + ("s" if left > 1 else "")
    return f"complet, {waiting} en liste d'attente" if waiting else "complet"


def load_grid(session: Session, tenant_id, child: Child, monday: date, now: datetime) -> ChildGrid:
    """The child's week starting `monday` (Monday to Friday), each cell decided as the desk's."""
    days = tuple(week_days(monday))
    status = session.execute(select(Family.status).where(Family.id == child.family_id)).scalar()
    validated = status == FamilyStatus.VALIDATED.value
    period = period_of(session, tenant_id, monday) or period_of(session, tenant_id, days[-1])
    span = (period.start, period.end) if period else (days[0], days[-1])
    specs = child_activities(session, child, tenant_activities(session, tenant_id), span)
    calendar: CalendarSet = calendar_set(session, tenant_id)
    ids = [s.id for s in specs]
    week = {"ids": ids, "first": days[0], "last": days[-1]}
    states = {
        (a, d): BookingState(s)
        for a, d, s in session.execute(
            _BOOKINGS, {"ids": ids, "days": list(days), "child_id": child.id}
        )
    }
    counts = {
        (r.activity_id, r.day): (r.booked, r.waiting)
        for r in session.scalars(
            select(ActivityDay).where(
                ActivityDay.activity_id.in_(ids), ActivityDay.day.between(days[0], days[-1])
            )
        )
    }
    school = {}
    if child.school_id and any(s.school_capacity(child.school_id) is not None for s in specs):
        school = {
            (a, d): n
            for a, d, n in session.execute(
                _SCHOOL_SEATS, {**week, "school_id": child.school_id, "states": _SEAT_VALUES}
            )
        }
    rows = []
    for spec in specs:
        cells = []
        for day in days:
            current = states.get((spec.id, day))
            closed = spec.closed_reason(day, calendar)
            held = current in SEAT_STATES or current == BookingState.WAITING
            deadline = None if closed else spec.deadline_of(day, calendar)
            editable = (
                validated
                and not closed
                and current not in MARKED_STATES
                and is_editable(deadline, now)
            )
            state = cell_state(closed is not None, held, editable)
            own = spec.school_capacity(child.school_id) if child.school_id else None
            taken, waiting = counts.get((spec.id, day), (0, 0))
            left = seats_left(spec.capacity, taken, own, school.get((spec.id, day), 0))
            cells.append(
                GridCell(
                    day=day,
                    key=f"{spec.id}/{day.isoformat()}",
                    state=state,
                    look=_look(state, current),
                    editable=editable,
                    held=held,
                    deadline_text="" if closed else _deadline_text(spec, deadline, now),
                    places_text="" if closed else _places(left, waiting),
                    closed_text=closed or "",
                )
            )
        read_only = subscription_only_message(spec.name) if spec.subscription_only else ""
        rows.append(GridRow(spec.id, spec.name, read_only, tuple(cells)))
    return ChildGrid(
        child.id, child.name, monday, days, tuple(rows), period, "" if validated else NOT_VALIDATED
    )


def _look(state: CellState, current: BookingState | None) -> str:
    waiting = current == BookingState.WAITING
    if state == CellState.CLOSED:
        return "closed"
    if state == CellState.OPEN_BOOKED:
        return "waiting" if waiting else "booked"
    if state == CellState.OPEN_FREE:
        return "free"
    if state == CellState.LOCKED_BOOKED:
        return "locked_waiting" if waiting else "locked_booked"
    return "locked_free"


def day_label(day: date) -> str:
    """ "lun. 14/09": a column of the grid."""
    return format_date(day, "EEE dd/MM", locale="fr_FR")
