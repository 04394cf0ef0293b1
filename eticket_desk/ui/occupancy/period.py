"""The period the occupancy view shows: a school week (Monday to Friday) or a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from eticket_desk.rules.calendar import monday_of


class PeriodMode(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    mode: PeriodMode
    start: date
    end: date


def _first_of_month(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def period_of(mode: PeriodMode, anchor: date) -> Period:
    """The week (Monday to Friday) or the month holding `anchor`."""
    if mode == PeriodMode.WEEK:
        monday = monday_of(anchor)
        return Period(mode, monday, monday + timedelta(days=4))
    first = _first_of_month(anchor)
    return Period(mode, first, _first_of_month(anchor, 1) - timedelta(days=1))


def shifted(mode: PeriodMode, anchor: date, steps: int) -> date:
    """The anchor moved by `steps` weeks or months (the day of the month kept when it can)."""
    if mode == PeriodMode.WEEK:
        return anchor + timedelta(weeks=steps)
    first = _first_of_month(anchor, steps)
    last = _first_of_month(anchor, steps + 1) - timedelta(days=1)
    return first.replace(day=min(anchor.day, last.day))
