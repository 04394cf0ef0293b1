"""The school calendar as pure data: weeks, closed days and their reasons, periods of a year."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAY_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


class ClosureKind(StrEnum):
    SCHOOL_HOLIDAY = "school_holiday"
    PUBLIC_HOLIDAY = "public_holiday"
    LOCAL = "local"


CLOSURE_KIND_LABELS = {
    ClosureKind.SCHOOL_HOLIDAY: "Vacances scolaires",
    ClosureKind.PUBLIC_HOLIDAY: "Jour férié",
    ClosureKind.LOCAL: "Fermeture locale",
}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_days(monday: date, count: int = 5) -> list[date]:
    return [monday + timedelta(days=i) for i in range(count)]


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end, both included."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def iso_week_parity(day: date) -> int:
    """0 for even ISO weeks, 1 for odd ones (the paper forms' "semaines paires / impaires")."""
    return day.isocalendar().week % 2


@dataclass(frozen=True)
class Closure:
    """A closed span: holidays of the zone, a public holiday, or a local closure (a "pont")."""

    start: date
    end: date
    kind: ClosureKind
    label: str
    activity_codes: frozenset[str] = frozenset()  # empty: every activity

    def covers(self, day: date, activity_code: str | None = None) -> bool:
        if not (self.start <= day <= self.end):
            return False
        return (
            not self.activity_codes or activity_code is None or activity_code in self.activity_codes
        )


@dataclass(frozen=True)
class SchoolCalendar:
    """One school year: the days between `start` and `end`, less the closures."""

    label: str
    start: date
    end: date
    closures: tuple[Closure, ...] = ()
    # Days of this year the holiday data did not know (beyond the data's years): never guessed.
    unknown_holidays: tuple[str, ...] = ()
    _by_day: dict[date, list[Closure]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[date, list[Closure]] = {}
        for closure in self.closures:
            for day in days_between(max(closure.start, self.start), min(closure.end, self.end)):
                index.setdefault(day, []).append(closure)
        object.__setattr__(self, "_by_day", index)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def closure_on(self, day: date, activity_code: str | None = None) -> Closure | None:
        """The closure that shuts `day` for this activity, school holidays first."""
        for closure in self._by_day.get(day, ()):
            if closure.covers(day, activity_code):
                return closure
        return None


@dataclass(frozen=True)
class CalendarSet:
    """Every school year the store knows; a day outside all of them is closed."""

    years: tuple[SchoolCalendar, ...] = ()

    def year_of(self, day: date) -> SchoolCalendar | None:
        for year in self.years:
            if year.contains(day):
                return year
        return None

    def closed_reason(self, day: date, activity_code: str | None = None) -> str | None:
        """Why the calendar shuts `day` (French: holidays, closures, outside the school
        year), or None; whether an activity runs on that weekday is the activity's."""
        year = self.year_of(day)
        if year is None:
            return "Hors année scolaire"
        closure = year.closure_on(day, activity_code)
        if closure is not None:
            return closure.label
        return None  # weekdays are each activity's own (a Saturday morning activity runs)


@dataclass(frozen=True)
class HolidaySpan:
    label: str
    start: date
    end: date


class PeriodMode(StrEnum):
    TERMS = "terms"  # trimestres: Sept–Dec, Jan–Mar, Apr–end
    BETWEEN_HOLIDAYS = "between_holidays"  # périodes between two school holidays


PERIOD_MODE_LABELS = {
    PeriodMode.TERMS: "Trimestres",
    PeriodMode.BETWEEN_HOLIDAYS: "Périodes entre les vacances",
}


@dataclass(frozen=True)
class PeriodSpan:
    name: str
    start: date
    end: date


def build_periods(
    mode: PeriodMode, start: date, end: date, holidays: list[HolidaySpan]
) -> list[PeriodSpan]:
    """Cuts a school year into periods; `holidays` are the year's school holidays."""
    if mode == PeriodMode.TERMS:
        first_jan = date(start.year + 1, 1, 1)
        first_apr = date(start.year + 1, 4, 1)
        return [
            PeriodSpan("1er trimestre", start, first_jan - timedelta(days=1)),
            PeriodSpan("2e trimestre", first_jan, first_apr - timedelta(days=1)),
            PeriodSpan("3e trimestre", first_apr, end),
        ]
    breaks = sorted(
        (h for h in holidays if h.start > start and h.end < end and (h.end - h.start).days >= 6),
        key=lambda h: h.start,
    )
    periods: list[PeriodSpan] = []
    cursor = start
    for holiday in breaks:
        if holiday.start > cursor:
            periods.append(
                PeriodSpan(f"Période {len(periods) + 1}", cursor, holiday.start - timedelta(days=1))
            )
        cursor = holiday.end + timedelta(days=1)
    if cursor <= end:
        periods.append(PeriodSpan(f"Période {len(periods) + 1}", cursor, end))
    return periods
