"""The period choices of a paper form: each period of the current school year, the whole
year, or dates typed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from eticket_desk.services.catalogue.calendar import SchoolYearInfo


@dataclass(frozen=True)
class PeriodChoice:
    text: str  # what the combo shows: "Période 2 (02/11 → 18/12)"
    period_label: str  # what the subscription records: "Période 2", "Année 2026-2027"
    start: date | None = None  # None: "Dates…", typed by the agent
    end: date | None = None

    @property
    def typed(self) -> bool:
        return self.start is None


def _short(day: date) -> str:
    return f"{day:%d/%m}"


def current_year(years: list[SchoolYearInfo], today: date) -> SchoolYearInfo | None:
    """The year running today; between two years the next one; else the last one."""
    for year in years:
        if year.start <= today <= year.end:
            return year
    coming = [y for y in years if y.start > today]
    if coming:
        return min(coming, key=lambda y: y.start)
    return years[-1] if years else None


def period_choices(
    years: list[SchoolYearInfo], today: date, dates_text: str, year_text: str
) -> tuple[list[PeriodChoice], int]:
    """The combo's choices and the one to select first: the period running today (or the
    next one), else the whole year."""
    year = current_year(years, today)
    choices: list[PeriodChoice] = []
    default = 0
    if year is not None:
        periods = sorted(year.periods, key=lambda p: p.start)
        for period in periods:
            choices.append(
                PeriodChoice(
                    f"{period.name} ({_short(period.start)} → {_short(period.end)})",
                    period.name,
                    period.start,
                    period.end,
                )
            )
        running = next((i for i, p in enumerate(periods) if p.end >= today), None)
        choices.append(
            PeriodChoice(
                year_text.replace("%1", year.label),
                f"Année {year.label}",
                year.start,
                year.end,
            )
        )
        default = running if running is not None else len(choices) - 1
    choices.append(PeriodChoice(dates_text, ""))
    return choices, default
