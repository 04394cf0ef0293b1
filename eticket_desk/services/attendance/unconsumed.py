"""The mairie's checks of seed 003: bookings not consumed (booked, then absent without
justification) per family over a period, and bus riders whose trips in a week go beyond the
fare their family paid (1 or 2 round trips a day). Both are lists to act on, with a CSV."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from babel.dates import format_date
from sqlalchemy import select

from eticket_desk.models import Activity, Booking, Child, Family, School, SchoolClass, Subscription
from eticket_desk.reports.csv_export import write_csv_file
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.calendar import monday_of
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import BUS_FARES, FareOption
from eticket_desk.rules.text import fold
from eticket_desk.services.core.store import Actor, Store

MAX_DAYS = 366
BUS_PREFIX = "BUS"


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("La fin de la période doit venir après son début.")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput("La période ne peut pas dépasser un an.")


def _short(day: date) -> str:
    """« lun. 23/11 »."""
    return f"{format_date(day, 'EEE', locale='fr_FR')} {day:%d/%m}"


# ---------------------------------------------------------------- unconsumed bookings


@dataclass(frozen=True)
class Unconsumed:
    """One child's days of one activity booked and missed without justification."""

    family_id: uuid.UUID
    family_reference: str
    family_name: str
    child_name: str  # « DUPONT Léa »
    activity_name: str
    days: tuple[date, ...]

    @property
    def count(self) -> int:
        return len(self.days)

    def days_text(self) -> str:
        return ", ".join(f"{d:%d/%m}" for d in self.days)


@dataclass(frozen=True)
class UnconsumedReport:
    start: date
    end: date
    lines: tuple[Unconsumed, ...]  # most days missed first, then by family
    unmarked: int  # past days still booked and never marked: the report cannot see them

    @property
    def families(self) -> int:
        return len({line.family_id for line in self.lines})

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)


UNCONSUMED_HEADER = ("Famille", "Référence", "Enfant", "Activité", "Jours non consommés", "Dates")


def unconsumed_bookings(
    store: Store, actor: Actor, start: date, end: date, activity_id: uuid.UUID | None = None
) -> UnconsumedReport:
    """Booked days of [start, end] marked « absent non justifié », per family and child."""
    actor.require(Permission.REPORTS_VIEW)
    _check_period(start, end)
    columns = (
        Booking.day,
        Booking.state,
        Activity.name,
        Child.first_name,
        Child.last_name,
        Family.id,
        Family.reference,
        Family.display_name,
    )
    query = (
        select(*columns)
        .join(Activity, Activity.id == Booking.activity_id)
        .join(Child, Child.id == Booking.child_id)
        .join(Family, Family.id == Child.family_id)
        .where(
            Booking.day >= start,
            Booking.day <= end,
            Booking.state.in_([BookingState.ABSENT_UNJUSTIFIED.value, BookingState.BOOKED.value]),
        )
    )
    if activity_id is not None:
        query = query.where(Booking.activity_id == activity_id)
    today = store.clock.today()
    missed: dict[tuple, list[date]] = defaultdict(list)
    unmarked = 0
    with store.read() as session:
        for day, state, activity, first, last, fid, reference, family_name in session.execute(
            query
        ):
            if state == BookingState.BOOKED.value:
                unmarked += day < today
                continue
            key = (fid, reference, family_name, f"{last.upper()} {first}", activity)
            missed[key].append(day)
    lines = [Unconsumed(*key, tuple(sorted(days))) for key, days in missed.items()]
    lines.sort(key=lambda u: (-u.count, fold(u.family_name), fold(u.child_name), u.activity_name))
    return UnconsumedReport(start, end, tuple(lines), unmarked)


def export_unconsumed(report: UnconsumedReport, out: Path) -> Path:
    rows = [
        [u.family_name, u.family_reference, u.child_name, u.activity_name, u.count, u.days_text()]
        for u in report.lines
    ]
    return write_csv_file(out, UNCONSUMED_HEADER, rows)


# ---------------------------------------------------------------- bus fares


@dataclass(frozen=True)
class FareExcess:
    """A child's week of bus trips beyond the fare paid (a round trip is two trips)."""

    child_id: uuid.UUID
    child_name: str  # « DUPONT Léa »
    family_id: uuid.UUID
    family_reference: str
    family_name: str
    school: str  # « École du Lac — CE2 »
    week: date  # its Monday
    fare: FareOption  # NONE: no bus fare paid at all
    trips: int  # trips booked in the week
    allowed: int  # trips the fare covers on the days ridden
    days: tuple[tuple[date, int], ...]  # the days beyond the fare, with their trips

    @property
    def excess(self) -> int:
        return self.trips - self.allowed

    @property
    def fare_label(self) -> str:
        return BUS_FARES.get(self.fare, "aucun forfait bus")

    def days_text(self) -> str:
        return ", ".join(
            f"{_short(day)} : {trips} trajet{'s' if trips > 1 else ''}" for day, trips in self.days
        )


FARE_HEADER = (
    "Semaine du",
    "Enfant",
    "École",
    "Famille",
    "Référence",
    "Forfait payé",
    "Trajets réservés",
    "Trajets couverts",
    "Trajets en trop",
    "Jours au-delà du forfait",
)


def _fares(session, children: set[uuid.UUID], bus: list[uuid.UUID], start: date, end: date):
    """Child -> [(start, end, option)] of its bus subscriptions over the period."""
    found: dict[uuid.UUID, list[tuple[date, date, str]]] = defaultdict(list)
    for child, first, last, option in session.execute(
        select(
            Subscription.child_id, Subscription.start, Subscription.end, Subscription.fare_option
        ).where(
            Subscription.activity_id.in_(bus),
            Subscription.start <= end,
            Subscription.end >= start,
        )
    ):
        if child in children:
            found[child].append((first, last, option))
    return found


def _fare_on(spans: list[tuple[date, date, str]], day: date) -> FareOption:
    options = [o for first, last, o in spans if first <= day <= last and o]
    return FareOption(max(options)) if options else FareOption.NONE


def bus_fare_excesses(store: Store, actor: Actor, start: date, end: date) -> list[FareExcess]:
    """Every child and week of [start, end] (whole weeks) with a day of more bus trips than its
    fare covers: two trips a day for « 1 aller-retour », four for « 2 allers-retours », none
    without a bus fare. Bus trips are the activities whose code starts with BUS."""
    actor.require(Permission.REPORTS_VIEW)
    _check_period(start, end)
    start, end = monday_of(start), monday_of(end) + timedelta(days=6)
    with store.read() as session:
        bus = list(session.scalars(select(Activity.id).where(Activity.code.like(f"{BUS_PREFIX}%"))))
        if not bus:
            return []
        trips: dict[uuid.UUID, dict[date, int]] = defaultdict(lambda: defaultdict(int))
        for child, day in session.execute(
            select(Booking.child_id, Booking.day).where(
                Booking.activity_id.in_(bus),
                Booking.day >= start,
                Booking.day <= end,
                Booking.state.in_([s.value for s in SEAT_STATES]),
            )
        ):
            trips[child][day] += 1
        fares = _fares(session, set(trips), bus, start, end)
        weeks: dict[tuple[uuid.UUID, date], list[tuple[date, int, FareOption]]] = defaultdict(list)
        for child, days in trips.items():
            for day, count in days.items():
                weeks[(child, monday_of(day))].append((day, count, _fare_on(fares[child], day)))
        flagged = {
            key: rows for key, rows in weeks.items() if any(n > 2 * int(o or 0) for _, n, o in rows)
        }
        names = {
            row[0]: row[1:]
            for row in session.execute(
                select(
                    Child.id,
                    Child.first_name,
                    Child.last_name,
                    Family.id,
                    Family.reference,
                    Family.display_name,
                    School.name,
                    SchoolClass.name,
                )
                .join(Family, Family.id == Child.family_id)
                .outerjoin(School, School.id == Child.school_id)
                .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
                .where(Child.id.in_(list({child for child, _ in flagged})))
            )
        }
    found = []
    for (child, week), rows in flagged.items():
        first, last, family_id, reference, family, school, klass = names[child]
        fare = max((o for _, _, o in rows), key=lambda o: int(o or 0))
        rows.sort()
        found.append(
            FareExcess(
                child_id=child,
                child_name=f"{last.upper()} {first}",
                family_id=family_id,
                family_reference=reference,
                family_name=family,
                school=" — ".join(part for part in (school, klass) if part),
                week=week,
                fare=fare,
                trips=sum(n for _, n, _ in rows),
                allowed=sum(min(n, 2 * int(o or 0)) for _, n, o in rows),
                days=tuple((d, n) for d, n, o in rows if n > 2 * int(o or 0)),
            )
        )
    found.sort(key=lambda e: (e.week, -e.excess, fold(e.child_name)))
    return found


def export_fare_excesses(excesses: list[FareExcess], out: Path) -> Path:
    rows = [
        [
            f"{e.week:%d/%m/%Y}",
            e.child_name,
            e.school,
            e.family_name,
            e.family_reference,
            e.fare_label,
            e.trips,
            e.allowed,
            e.excess,
            e.days_text(),
        ]
        for e in excesses
    ]
    return write_csv_file(out, FARE_HEADER, rows)
