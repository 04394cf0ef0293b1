"""The CAF / MSA hours of a period as the PDF, the CSV and the screen show them: plain data
the service fills (services.attendance.caf_hours), minutes as integers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from eticket_desk.rules.caf_hours import AgeBand, Hours, Regime, format_hours

COLUMNS = tuple((band, regime) for band in AgeBand for regime in Regime)
FORECAST, ACTUAL = "prévues", "réalisées"


@dataclass(frozen=True)
class ChildHours:
    """One child's minutes in one activity, month, age band and regime."""

    activity_id: uuid.UUID
    month: str  # "2026-11"
    last_name: str
    first_name: str
    birth_date: date | None
    regime: Regime
    funder_number: str
    band: AgeBand
    forecast: int  # minutes
    actual: int

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True)
class ActivityHours:
    activity_id: uuid.UUID
    name: str
    slot_label: str  # « 7 h 30 – 8 h 30 (mercredi : 4 h 00 au plus) »
    months: tuple[str, ...]
    # (month, band, regime) → minutes; the month "" holds the period's total
    table: dict[tuple[str, AgeBand, Regime], Hours] = field(default_factory=dict)

    def cell(self, month: str, band: AgeBand, regime: Regime) -> Hours:
        return self.table.get((month, band, regime), Hours())

    def total(self, month: str = "") -> Hours:
        out = Hours()
        for (m, _band, _regime), hours in self.table.items():
            if m == month:
                out.add(hours)
        return out


@dataclass(frozen=True)
class CafReport:
    commune: str
    first: date
    last: date
    activities: tuple[ActivityHours, ...]
    children: tuple[ChildHours, ...]  # by activity, month, name
    uncounted: tuple[str, ...] = ()  # counted activities without a slot (names)
    printed_at: datetime | None = None
    printed_by: str = ""


def month_label(month: str) -> str:
    """« 2026-11 » → « novembre 2026 » (babel's French month name)."""
    from babel.dates import format_date

    year, number = month.split("-")
    return format_date(date(int(year), int(number), 1), "LLLL y", locale="fr_FR")


def hour_rows(activity: ActivityHours) -> tuple[list[list[str]], list[int]]:
    """Two rows per month (forecast, actual) and two for the period, as the PDF and the
    screen show them: month, kind, the six age band × regime cells, the total; and the index
    of the first row of each pair."""
    rows: list[list[str]] = []
    starts: list[int] = []
    for month in (*activity.months, ""):
        starts.append(len(rows))
        label = month_label(month) if month else "Total de la période"
        for actual in (False, True):
            cells = [activity.cell(month, band, regime) for band, regime in COLUMNS]
            cells.append(activity.total(month))
            rows.append(
                [
                    "" if actual else label,
                    ACTUAL if actual else FORECAST,
                    *(format_hours(c.actual if actual else c.forecast) for c in cells),
                ]
            )
    return rows, starts
