"""School years: created from the offline holiday data of the zone, periods, local closures."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache, partial

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eticket_desk.models import ClosedSpan, Organisation, Period, SchoolYear
from eticket_desk.rules.calendar import (
    CalendarSet,
    Closure,
    ClosureKind,
    HolidaySpan,
    PeriodMode,
    SchoolCalendar,
    build_periods,
)
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import PlanningChanged, emit

ZONES = ("A", "B", "C")
# The five school holidays a year must have; the summer ones bound the year.
EXPECTED_HOLIDAYS = (
    "Vacances de la Toussaint",
    "Vacances de Noël",
    "Vacances d'hiver",
    "Vacances de printemps",
)
SUMMER = "Vacances d'été"


# ---------------------------------------------------------------- offline holiday data


@lru_cache(maxsize=1)
def _school_holiday_data():
    import vacances_scolaires_france as package

    # The package reads its UTF-8 table with open() and no encoding: on Windows (cp1252 by
    # default) « Vacances de Noël » came back garbled and no school year could be created.
    # Its module gets an open() that reads UTF-8 whatever the machine's default.
    package.open = partial(open, encoding="utf-8")
    return package.SchoolHolidayDates()


def holiday_data_years() -> tuple[int, int]:
    """First and last calendar years the offline school-holiday data covers."""
    data = _school_holiday_data()
    return data.min_year, data.max_year


def school_holidays(zone: str, first_year: int) -> list[HolidaySpan]:
    """The zone's holidays from January of `first_year` to December of the next year."""
    data = _school_holiday_data()
    days: dict[date, str] = {}
    for year in (first_year, first_year + 1):
        if data.min_year <= year <= data.max_year:
            for day, info in data.holidays_for_year_and_zone(year, zone).items():
                days[day] = info["nom_vacances"]
    spans: list[HolidaySpan] = []
    for day in sorted(days):
        label = days[day]
        last = spans[-1] if spans else None
        if last and last.label == label and last.end == day - timedelta(days=1):
            spans[-1] = HolidaySpan(label, last.start, day)
        else:
            spans.append(HolidaySpan(label, day, day))
    return spans


def public_holidays(first_year: int) -> dict[date, str]:
    import holidays

    found = holidays.France(years=(first_year, first_year + 1), language="fr")
    return dict(found.items())


@dataclass(frozen=True)
class YearDraft:
    """What the offline data says of a school year, before it is saved."""

    label: str
    start: date | None
    end: date | None
    holidays: tuple[HolidaySpan, ...]
    public_holidays: tuple[tuple[date, str], ...]
    unknown: tuple[str, ...]  # holidays the data does not know (beyond its years)


def draft_school_year(zone: str, first_year: int) -> YearDraft:
    """Rentrée, end of year and holidays of `first_year`-`first_year+1` for the zone."""
    if zone not in ZONES:
        raise InvalidInput("La zone de vacances scolaires doit être A, B ou C.")
    spans = school_holidays(zone, first_year)
    summer_before = next(
        (h for h in spans if h.label == SUMMER and h.start.year == first_year), None
    )
    summer_after = next(
        (h for h in spans if h.label == SUMMER and h.start.year == first_year + 1), None
    )
    start = summer_before.end + timedelta(days=1) if summer_before else None
    end = summer_after.start - timedelta(days=1) if summer_after else None
    window_start = start or date(first_year, 9, 1)
    window_end = end or date(first_year + 1, 7, 4)
    inside = tuple(
        h for h in spans if h.label != SUMMER and h.end >= window_start and h.start <= window_end
    )
    unknown = [name for name in EXPECTED_HOLIDAYS if not any(h.label == name for h in inside)]
    if start is None:
        unknown.insert(0, "Date de la rentrée")
    if end is None:
        unknown.append("Début des vacances d'été")
    publics = tuple(
        (day, name)
        for day, name in sorted(public_holidays(first_year).items())
        if window_start <= day <= window_end
    )
    return YearDraft(f"{first_year}-{first_year + 1}", start, end, inside, publics, tuple(unknown))


# ---------------------------------------------------------------- saving


@changes(Topic.CALENDAR)
def create_school_year(
    store: Store,
    actor: Actor,
    first_year: int,
    *,
    period_mode: PeriodMode = PeriodMode.BETWEEN_HOLIDAYS,
    start: date | None = None,
    end: date | None = None,
) -> uuid.UUID:
    """Creates the year with its holidays, public holidays and periods, in one transaction.

    `start` and `end` are needed only when the offline data does not know them; missing
    holidays are then recorded as unknown (the screen says so) and never guessed.
    """
    actor.require(Permission.CALENDAR_EDIT)
    with store.write(actor) as session:
        zone = session.scalar(select(Organisation.school_zone)) or "A"
        return add_school_year(session, zone, first_year, period_mode, start, end).id


def add_school_year(
    session: Session,
    zone: str,
    first_year: int,
    period_mode: PeriodMode = PeriodMode.BETWEEN_HOLIDAYS,
    start: date | None = None,
    end: date | None = None,
    new_id: Callable[[], uuid.UUID] = uuid.uuid4,
) -> SchoolYear:
    """Adds the year inside the caller's transaction (the demo town uses it too, with
    ids drawn from its seed)."""
    draft = draft_school_year(zone, first_year)
    # Dates typed by hand are no longer unknown; the missing holidays still are.
    typed = {"Date de la rentrée": start is not None, "Début des vacances d'été": end is not None}
    unknown = tuple(name for name in draft.unknown if not typed.get(name))
    start, end = start or draft.start, end or draft.end
    if start is None or end is None:
        low, high = holiday_data_years()
        raise DomainError(
            f"Les dates de l'année {draft.label} ne sont pas connues des données de "
            f"vacances scolaires installées (années {low} à {high}) : indiquez la date "
            "de la rentrée et celle de la fin des cours."
        )
    if end <= start:
        raise InvalidInput("La fin de l'année scolaire doit venir après la rentrée.")
    if session.scalar(select(SchoolYear.id).where(SchoolYear.label == draft.label)):
        raise DomainError(f"L'année scolaire {draft.label} existe déjà.")
    overlap = session.scalar(
        select(SchoolYear.label).where(SchoolYear.start <= end, SchoolYear.end >= start)
    )
    if overlap:
        raise DomainError(f"Ces dates chevauchent l'année scolaire {overlap}.")
    year = SchoolYear(
        id=new_id(),
        label=draft.label,
        start=start,
        end=end,
        zone=zone,
        period_mode=period_mode.value,
        unknown_holidays=", ".join(unknown),
    )
    for h in draft.holidays:
        year.closures.append(
            ClosedSpan(
                id=new_id(),
                kind=ClosureKind.SCHOOL_HOLIDAY,
                label=h.label,
                start=h.start,
                end=h.end,
            )
        )
    for day, name in draft.public_holidays:
        if day.weekday() < 5 and not any(h.start <= day <= h.end for h in draft.holidays):
            year.closures.append(
                ClosedSpan(
                    id=new_id(), kind=ClosureKind.PUBLIC_HOLIDAY, label=name, start=day, end=day
                )
            )
    for p in build_periods(period_mode, start, end, list(draft.holidays)):
        year.periods.append(Period(id=new_id(), name=p.name, start=p.start, end=p.end))
    session.add(year)
    session.flush()
    emit(session, PlanningChanged("calendar", year.id))
    return year


@changes(Topic.CALENDAR)
def add_closure(
    store: Store,
    actor: Actor,
    start: date,
    end: date,
    label: str,
    activity_codes: tuple[str, ...] = (),
) -> uuid.UUID:
    """A local closure (a "pont", a strike, works…) for every activity or some of them."""
    actor.require(Permission.CALENDAR_EDIT)
    label = label.strip()
    if not label:
        raise InvalidInput("Indiquez le motif de la fermeture (ex. « Pont de l'Ascension »).")
    if end < start:
        raise InvalidInput("La fin de la fermeture doit venir après son début.")
    with store.write(actor) as session:
        year = session.scalar(
            select(SchoolYear).where(SchoolYear.start <= start, SchoolYear.end >= end)
        )
        if year is None:
            raise DomainError(
                "Ces dates ne sont pas dans une année scolaire enregistrée (une fermeture "
                "ne peut pas couvrir deux années)."
            )
        span = ClosedSpan(
            school_year_id=year.id,
            kind=ClosureKind.LOCAL,
            label=label,
            start=start,
            end=end,
            activity_codes=",".join(sorted(activity_codes)),
        )
        session.add(span)
        session.flush()
        emit(session, PlanningChanged("calendar", year.id))
        return span.id


@changes(Topic.CALENDAR)
def remove_closure(store: Store, actor: Actor, closure_id: uuid.UUID) -> None:
    actor.require(Permission.CALENDAR_EDIT)
    with store.write(actor) as session:
        span = session.get(ClosedSpan, closure_id)
        if span is None:
            raise NotFound("Cette fermeture n'existe plus.")
        if span.kind != ClosureKind.LOCAL:
            raise DomainError(
                "Les vacances scolaires et les jours fériés viennent du calendrier officiel : "
                "seules les fermetures locales peuvent être supprimées."
            )
        session.delete(span)
        emit(session, PlanningChanged("calendar", span.school_year_id))


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class ClosureInfo:
    id: uuid.UUID
    kind: ClosureKind
    label: str
    start: date
    end: date
    activity_codes: tuple[str, ...]


@dataclass(frozen=True)
class PeriodInfo:
    id: uuid.UUID
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class SchoolYearInfo:
    id: uuid.UUID
    label: str
    start: date
    end: date
    zone: str
    period_mode: PeriodMode
    periods: tuple[PeriodInfo, ...]
    closures: tuple[ClosureInfo, ...]
    unknown_holidays: tuple[str, ...]

    def calendar(self) -> SchoolCalendar:
        return SchoolCalendar(
            self.label,
            self.start,
            self.end,
            tuple(
                Closure(c.start, c.end, c.kind, c.label, frozenset(c.activity_codes))
                for c in self.closures
            ),
            self.unknown_holidays,
        )


def list_school_years(store: Store) -> list[SchoolYearInfo]:
    with store.read() as session:
        return read_school_years(session)


def read_school_years(session: Session) -> list[SchoolYearInfo]:
    """The school years as seen inside an open session (a booking reads them with its write)."""
    years = session.scalars(
        select(SchoolYear)
        .order_by(SchoolYear.start)
        .options(selectinload(SchoolYear.periods), selectinload(SchoolYear.closures))
    ).all()
    return [
        SchoolYearInfo(
            id=y.id,
            label=y.label,
            start=y.start,
            end=y.end,
            zone=y.zone,
            period_mode=PeriodMode(y.period_mode),
            periods=tuple(PeriodInfo(p.id, p.name, p.start, p.end) for p in y.periods),
            closures=tuple(
                ClosureInfo(
                    c.id,
                    ClosureKind(c.kind),
                    c.label,
                    c.start,
                    c.end,
                    tuple(code for code in c.activity_codes.split(",") if code),
                )
                for c in y.closures
            ),
            unknown_holidays=tuple(u for u in y.unknown_holidays.split(", ") if u),
        )
        for y in years
    ]


def load_calendar(store: Store) -> CalendarSet:
    """Every school year with its closed days, as the rules read them."""
    with store.read() as session:
        return calendar_in(session)


def calendar_in(session: Session) -> CalendarSet:
    """The calendar as the rules read it, in two plain queries (every booking reads it)."""
    closures: dict[uuid.UUID, list[Closure]] = {}
    for year_id, kind, label, start, end, codes in session.execute(
        select(
            ClosedSpan.school_year_id,
            ClosedSpan.kind,
            ClosedSpan.label,
            ClosedSpan.start,
            ClosedSpan.end,
            ClosedSpan.activity_codes,
        ).order_by(ClosedSpan.start)
    ):
        closures.setdefault(year_id, []).append(
            Closure(
                start,
                end,
                ClosureKind(kind),
                label,
                frozenset(code for code in codes.split(",") if code),
            )
        )
    years = session.execute(
        select(
            SchoolYear.id,
            SchoolYear.label,
            SchoolYear.start,
            SchoolYear.end,
            SchoolYear.unknown_holidays,
        ).order_by(SchoolYear.start)
    )
    return CalendarSet(
        tuple(
            SchoolCalendar(
                label,
                start,
                end,
                tuple(closures.get(year_id, ())),
                tuple(u for u in unknown.split(", ") if u),
            )
            for year_id, label, start, end, unknown in years
        )
    )
