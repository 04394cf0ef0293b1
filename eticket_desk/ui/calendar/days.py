"""What each day of a school year is (school day, holiday, closure…) and its French reason.

Qt-free, so the year view, the tables and the tests read the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from eticket_desk.rules.calendar import (
    CLOSURE_KIND_LABELS,
    WEEKDAY_NAMES,
    WEEKDAY_SHORT,
    ClosureKind,
)
from eticket_desk.services.catalogue.calendar import ClosureInfo, SchoolYearInfo

MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


class DayKind(StrEnum):
    OPEN = "open"
    WEEKEND = "weekend"
    SCHOOL_HOLIDAY = "school_holiday"
    PUBLIC_HOLIDAY = "public_holiday"
    LOCAL_CLOSURE = "local_closure"
    OUTSIDE = "outside"


DAY_KIND_LABELS = {
    DayKind.OPEN: "Jour d'école",
    DayKind.WEEKEND: "Week-end",
    DayKind.SCHOOL_HOLIDAY: "Vacances scolaires",
    DayKind.PUBLIC_HOLIDAY: "Jour férié",
    DayKind.LOCAL_CLOSURE: "Fermeture locale",
    DayKind.OUTSIDE: "Hors année scolaire",
}
# Background and text colours of a day, as "#rrggbb" (the legend uses the same).
DAY_COLOURS = {
    DayKind.OPEN: ("#ffffff", "#1f2937"),
    DayKind.WEEKEND: ("#e5e7eb", "#6b7280"),
    DayKind.SCHOOL_HOLIDAY: ("#bfdbfe", "#1e3a8a"),
    DayKind.PUBLIC_HOLIDAY: ("#fca5a5", "#7f1d1d"),
    DayKind.LOCAL_CLOSURE: ("#fcd34d", "#78350f"),
    DayKind.OUTSIDE: ("#ffffff", "#a8adb5"),
}
PARTIAL_COLOUR = "#d97706"  # the corner mark of a closure for some activities only
PARTIAL_LABEL = "Fermeture de certaines activités"
_KIND_OF_CLOSURE = {
    ClosureKind.SCHOOL_HOLIDAY: DayKind.SCHOOL_HOLIDAY,
    ClosureKind.PUBLIC_HOLIDAY: DayKind.PUBLIC_HOLIDAY,
    ClosureKind.LOCAL: DayKind.LOCAL_CLOSURE,
}
_PRECEDENCE = (ClosureKind.SCHOOL_HOLIDAY, ClosureKind.PUBLIC_HOLIDAY, ClosureKind.LOCAL)


def long_date(day: date) -> str:
    """date(2026, 10, 20) -> 'mardi 20 octobre 2026'."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """date(2026, 11, 11) -> 'mer. 11/11/2026'."""
    return f"{WEEKDAY_SHORT[day.weekday()]} {day:%d/%m/%Y}"


def span_text(start: date, end: date) -> str:
    """One day: 'mer. 11/11/2026'; several: 'du 17/10/2026 au 01/11/2026'."""
    if start == end:
        return short_date(start)
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


def activities_text(codes: tuple[str, ...], names: dict[str, str]) -> str:
    """The activities a closure concerns, by name; « Toutes » when it concerns every one."""
    if not codes:
        return "Toutes"
    return ", ".join(names.get(code, code) for code in codes)


@dataclass(frozen=True)
class DayStatus:
    day: date
    kind: DayKind
    reason: str  # French: the closure's label, « Week-end », « Jour d'école »…
    closure: ClosureInfo | None = None  # the closure that shuts the day for every activity
    partial: tuple[ClosureInfo, ...] = ()  # closures of some activities only

    @property
    def is_school_day(self) -> bool:
        """Monday to Friday inside the year and not closed for every activity."""
        return self.kind == DayKind.OPEN


class YearDays:
    """The status of every day of one school year, computed once."""

    def __init__(self, year: SchoolYearInfo) -> None:
        self.year = year
        whole: dict[date, list[ClosureInfo]] = {}
        some: dict[date, list[ClosureInfo]] = {}
        for closure in year.closures:
            day = max(closure.start, year.start)
            while day <= min(closure.end, year.end):
                (some if closure.activity_codes else whole).setdefault(day, []).append(closure)
                day += timedelta(days=1)
        self._whole, self._some = whole, some

    def status(self, day: date) -> DayStatus:
        year = self.year
        if not (year.start <= day <= year.end):
            return DayStatus(day, DayKind.OUTSIDE, DAY_KIND_LABELS[DayKind.OUTSIDE])
        closures = self._whole.get(day)
        if closures:
            closure = min(closures, key=lambda c: _PRECEDENCE.index(c.kind))
            return DayStatus(day, _KIND_OF_CLOSURE[closure.kind], closure.label, closure)
        partial = tuple(self._some.get(day, ()))
        if day.weekday() >= 5:
            return DayStatus(day, DayKind.WEEKEND, DAY_KIND_LABELS[DayKind.WEEKEND])
        return DayStatus(day, DayKind.OPEN, DAY_KIND_LABELS[DayKind.OPEN], partial=partial)

    def open_days(self, start: date | None = None, end: date | None = None) -> int:
        """School days (Monday to Friday, not closed for every activity) from start to end."""
        day = max(start or self.year.start, self.year.start)
        last = min(end or self.year.end, self.year.end)
        count = 0
        while day <= last:
            count += self.status(day).is_school_day
            day += timedelta(days=1)
        return count

    def describe(self, day: date, activity_names: dict[str, str]) -> str:
        """The tooltip of a day: its date, then why it is closed or that school runs."""
        status = self.status(day)
        lines = [long_date(day)]
        if status.closure is not None:
            kind = CLOSURE_KIND_LABELS[status.closure.kind]
            if status.closure.label == kind:
                lines.append(kind)
            else:
                lines.append(f"{status.closure.label} ({kind.lower()})")
        else:
            lines.append(status.reason)
        for closure in status.partial:
            names = activities_text(closure.activity_codes, activity_names)
            lines.append(f"Fermé pour {names} : {closure.label}")
        return "\n".join(lines)


def school_year_months(year: SchoolYearInfo) -> list[tuple[int, int]]:
    """(year, month) from September of the rentrée to August: the twelve months shown."""
    first = year.start.year if year.start.month >= 8 else year.start.year - 1
    return [(first + (m - 1) // 12, (m - 1) % 12 + 1) for m in range(9, 21)]
