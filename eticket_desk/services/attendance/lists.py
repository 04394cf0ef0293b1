"""The day's attendance lists (listes de présence): who is booked on an activity, by school and
class, with what the staff need to know — age on the day, the emergency phone, the persons
allowed to take the child home (evening garderie), health marks for the roles allowed to see
them — read in a few queries for a whole day, rendered by reports.attendance_list.

Printing health data is a view of it: it is written in the audit log.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, Booking, Child, School, SchoolClass
from eticket_desk.paths import safe_file_name
from eticket_desk.reports import attendance_list
from eticket_desk.reports.attendance_list import (
    GLUTEN_FREE,
    NO_PORK,
    PACKED_MEAL,
    PAI,
    VEGETARIAN,
    AttendanceGroup,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
)
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import fold
from eticket_desk.rules.waiting_list import Arrival, arrival, in_arrival_order
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import changes
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store

DIET_MARKS = {"sans_porc": NO_PORK, "vegetarien": VEGETARIAN, "sans_gluten": GLUTEN_FREE}
# Until the dossier has a field of its own, a PAI whose text says « panier repas » is a
# packed meal brought by the family.
PACKED_MEAL_WORDS = "panier repas"
_SEATS = tuple(s.value for s in SEAT_STATES)
_PHONES = ("phone_mobile", "phone_home", "phone_work_mobile", "phone_work")


def child_marks(diet: str, pai: bool, allergies: str = "", treatments: str = "") -> tuple[str, ...]:
    """The diet and care marks of a child (attendance_list.MARKS), as lists and counts use them."""
    marks = [DIET_MARKS[diet]] if diet in DIET_MARKS else []
    if pai:
        marks.append(PAI)
        if PACKED_MEAL_WORDS in fold(f"{allergies} {treatments}"):
            marks.append(PACKED_MEAL)
    return tuple(marks)


def age_on(birth: date | None, day: date) -> int | None:
    """Whole years on `day` (a child born on 29 February grows on 1 March)."""
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


NO_SCHOOL = "Sans école"


def class_order(school: str, position: int | None, class_name: str) -> tuple:
    """Where a class comes on a list, printed or on screen: by school, then the class's place
    in its school (PS first). The children of a class are numbered 1, 2… in name order."""
    return (_fold(school), school, position if position is not None else 99, class_name)


def shows_pickup(activity: ActivitySpec) -> bool:
    """The evening garderie's list says who may take each child home."""
    return "soir" in fold(f"{activity.code} {activity.name}")


def runs_on(activity: ActivitySpec, day: date, calendar: CalendarSet) -> bool:
    return activity.active and activity.runs_on(day, calendar)


def _hex(column):
    """A UUID column read as its stored text: a day's thousands of rows skip the parsing."""
    return type_coerce(column, String)


_fold = lru_cache(maxsize=16384)(fold)  # names repeat: a day folds thousands of them


@dataclass(frozen=True)
class _Booked:
    """One booking of the day with its child and family contacts, ready to print."""

    activity: str  # the activity id's hex
    state: str
    arrival: Arrival  # its place on the waiting list
    school: str
    class_position: int
    sort_name: tuple[str, str]
    family: str  # the family id's hex
    row: AttendanceRow


def _day_bookings(
    session: Session, day: date, specs: list[ActivitySpec], health: bool, contacts: dict
) -> list[_Booked]:
    """The day's bookings that hold a seat or wait for one; the rows of the lists that show
    who may take the child home carry those persons."""
    with_pickup = {a.id.hex for a in specs if shows_pickup(a)}
    states = (*_SEATS, BookingState.WAITING.value)
    query = (
        select(
            _hex(Booking.activity_id),
            Booking.state,
            Booking.late,
            Booking.waiting_since,
            Booking.waiting_rank,
            _hex(Child.family_id),
            Child.last_name,
            Child.first_name,
            Child.birth_date,
            Child.diet,
            Child.pai,
            Child.allergies,
            Child.treatments,
            School.name,
            SchoolClass.name,
            SchoolClass.position,
        )
        .join(Child, Child.id == Booking.child_id)
        .outerjoin(School, School.id == Booking.school_id)
        .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
        .where(
            Booking.activity_id.in_([a.id for a in specs]),
            Booking.day == day,
            Booking.state.in_(states),
        )
    )
    nobody = ((), "", "")
    found = []
    for (
        activity,
        state,
        late,
        since,
        rank,
        family,
        last,
        first,
        birth,
        diet,
        pai,
        allergies,
        treatments,
        school,
        class_name,
        position,
    ) in session.connection().execute(query):
        people, emergency_name, emergency_phone = contacts.get(family, nobody)
        row = AttendanceRow(
            last_name=last,
            first_name=first,
            class_name=class_name or "",
            age=age_on(birth, day),
            marks=child_marks(diet, pai, allergies, treatments) if health else (),
            allergies=allergies if health else "",
            pickup=people if activity in with_pickup else (),
            emergency_name=emergency_name,
            emergency_phone=emergency_phone,
            booked_late=bool(late),
        )
        found.append(
            _Booked(
                activity,
                state,
                arrival(since, rank),
                school or NO_SCHOOL,
                position if position is not None else 99,
                (_fold(last), _fold(first)),
                family,
                row,
            )
        )
    return found


def _contacts(
    session: Session, day: date, activity_ids: list[uuid.UUID]
) -> dict[str, tuple[tuple[PickupPerson, ...], str, str]]:
    """Family (id hex) -> (persons allowed to pick up, emergency name, emergency phone), for
    the families with a child booked that day."""
    families = (
        select(Child.family_id)
        .join(Booking, Booking.child_id == Child.id)
        .where(Booking.activity_id.in_(activity_ids), Booking.day == day)
    )
    adults = session.connection().execute(
        select(
            _hex(Adult.family_id),
            Adult.last_name,
            Adult.first_name,
            Adult.relation,
            Adult.may_pick_up,
            Adult.emergency_contact,
            *(getattr(Adult, f) for f in _PHONES),
        )
        .where(Adult.family_id.in_(families))
        .where((Adult.may_pick_up.is_(True)) | (Adult.emergency_contact.is_(True)))
        .order_by(Adult.family_id, Adult.third_party, Adult.position)
    )
    pickup: dict[str, list[PickupPerson]] = defaultdict(list)
    emergency: dict[str, tuple[str, str]] = {}
    for family, last, first, relation, may_pick_up, urgent, *phones in adults:
        name = f"{last.upper()} {first}".strip()
        phone = next((p for p in phones if p), "")
        urgent = urgent and family not in emergency  # the family's one emergency contact
        if urgent:
            emergency[family] = (f"{name} ({relation.lower()})" if relation else name, phone)
        if may_pick_up:
            pickup[family].append(PickupPerson(name, relation, phone, urgent))
    return {
        family: (tuple(pickup.get(family, ())), *emergency.get(family, ("", "")))
        for family in set(pickup) | set(emergency)
    }


def _list_of(activity: ActivitySpec, booked: list[_Booked], common: dict) -> AttendanceListData:
    seated = sorted((b for b in booked if b.state in _SEATS), key=lambda b: b.sort_name)
    by_class: dict[tuple, list[AttendanceRow]] = defaultdict(list)
    for b in seated:
        by_class[class_order(b.school, b.class_position, b.row.class_name)].append(b.row)
    groups = tuple(
        AttendanceGroup(school, class_name, tuple(rows))
        for (_, school, _, class_name), rows in sorted(by_class.items())
    )
    waiting = in_arrival_order(
        (b.arrival, b) for b in booked if b.state == BookingState.WAITING.value
    )
    return AttendanceListData(
        activity_name=activity.name,
        show_pickup=shows_pickup(activity),
        groups=groups,
        waiting=tuple(b.row for b in waiting),
        **common,
    )


def _chosen(
    session: Session, day: date, activity_id: uuid.UUID | None
) -> tuple[list[ActivitySpec], CalendarSet]:
    calendar = calendar_in(session)
    specs = activities_in(session, include_inactive=activity_id is not None)
    if activity_id is not None:
        spec = next((a for a in specs if a.id == activity_id), None)
        if spec is None:
            raise NotFound("Cette activité n'existe pas (ou plus).")
        reason = spec.closed_reason(day, calendar)
        if reason is not None:
            raise DomainError(f"{spec.name} n'a pas lieu le {day:%d/%m/%Y} : {reason}.")
        return [spec], calendar
    running = [a for a in specs if runs_on(a, day, calendar)]
    if not running:
        raise DomainError(f"Aucune activité n'a lieu le {day:%d/%m/%Y}.")
    return running, calendar


def activities_of_day(store: Store, day: date) -> list[ActivitySpec]:
    """The active activities that run on `day`, in the screens' order."""
    with store.read() as session:
        calendar = calendar_in(session)
        return [a for a in activities_in(session) if runs_on(a, day, calendar)]


def activity_by_code(store: Store, code: str) -> ActivitySpec:
    """The activity of a code (« CANTINE »), for the command line."""
    with store.read() as session:
        for spec in activities_in(session, include_inactive=True):
            if spec.code == code.strip().upper():
                return spec
    raise NotFound(f"Aucune activité n'a le code « {code} ».")


def attendance_lists(
    store: Store,
    actor: Actor,
    day: date,
    activity_id: uuid.UUID | None = None,
    *,
    with_health: bool = True,
) -> tuple[AttendanceListData, ...]:
    """The list of one activity on `day`, or of every activity running that day.

    Health marks (diet, allergies, PAI) are read only for a role allowed to see them, and only
    when `with_health` (a list to pin on a wall goes without them).
    """
    actor.require(Permission.REPORTS_VIEW)
    health = with_health and actor.can(Permission.HEALTH_VIEW)
    organisation = load_organisation(store)
    with store.read() as session:
        specs, _calendar = _chosen(session, day, activity_id)
        ids = [a.id for a in specs]
        contacts = _contacts(session, day, ids)
        booked = _day_bookings(session, day, specs, health, contacts)
    by_activity: dict[str, list[_Booked]] = defaultdict(list)
    for b in booked:
        by_activity[b.activity].append(b)
    common = {
        "organisation": organisation,
        "day": day,
        "printed_at": store.clock.now(),
        "printed_by": actor.full_name,
        "show_health": health,
    }
    return tuple(_list_of(a, by_activity.get(a.id.hex, []), common) for a in specs)


def list_file_name(day: date, lists: tuple[AttendanceListData, ...]) -> str:
    """« Listes 2026-11-26.pdf », « Liste Cantine 2026-11-26.pdf »."""
    if len(lists) == 1:
        return safe_file_name(f"Liste {lists[0].activity_name} {day.isoformat()}.pdf")
    return f"Listes {day.isoformat()}.pdf"


def _health_rows(lists: tuple[AttendanceListData, ...]) -> int:
    return sum(
        1
        for data in lists
        if data.show_health
        for row in (*(r for g in data.groups for r in g.rows), *data.waiting)
        if row.marks or row.allergies
    )


@changes(unseen="the audit line of a print showing health data")
def print_attendance(
    store: Store,
    actor: Actor,
    day: date,
    out: Path | None = None,
    activity_id: uuid.UUID | None = None,
    *,
    with_health: bool = True,
) -> Path:
    """Renders the day's lists (one activity or all) to `out`, by default in the documents
    folder (Listes/<year>/); a print showing health data is written in the audit log."""

    lists = attendance_lists(store, actor, day, activity_id, with_health=with_health)
    path = out or document_path(store, "list", day.year, list_file_name(day, lists))
    attendance_list.render_lists(lists, path)
    shown = _health_rows(lists)
    if shown:
        names = ", ".join(data.activity_name for data in lists)
        with store.write(actor) as session:
            record(
                session,
                "health_view",
                "attendance_list",
                day.isoformat(),
                f"Impression des données de santé : listes de présence du {day:%d/%m/%Y} ({names})",
                children=shown,
                file=str(path),
            )
    return path
