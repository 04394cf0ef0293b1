"""Booking deadlines: the last moment a day of an activity can be booked or cancelled.

Three rules come from the municipal guides:
- previous open day at HH:MM (seed 000: Monday until the previous Friday 10:00, Thursday
  until Tuesday 10:00 because the canteen is closed on Wednesday);
- a weekday of the previous week at HH:MM (seed 003: the whole week until Tuesday 12:00 of
  the week before);
- subscription only: never changed day by day (TAP, seed 003).
A day is editable while `now` is strictly before its deadline ("avant 10h").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

from babel.dates import format_datetime

from eticket_desk.rules.calendar import WEEKDAY_NAMES, monday_of
from eticket_desk.rules.errors import InvalidInput

# How far back "the previous open day" is looked for before falling back to the activity's
# previous weekday (the first day after the summer has no open day within reach).
_LOOKBACK_DAYS = 31


class DeadlineKind(StrEnum):
    PREVIOUS_OPEN_DAY = "previous_open_day"
    WEEKDAY_OF_PREVIOUS_WEEK = "weekday_of_previous_week"
    SUBSCRIPTION_ONLY = "subscription_only"


DEADLINE_KIND_LABELS = {
    DeadlineKind.PREVIOUS_OPEN_DAY: "Jour d'ouverture précédent, avant l'heure",
    DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK: "Un jour de la semaine précédente, avant l'heure",
    DeadlineKind.SUBSCRIPTION_ONLY: "Sur abonnement seulement (jamais au jour le jour)",
}


@dataclass(frozen=True)
class DeadlineRule:
    kind: DeadlineKind
    at: time = time(10, 0)
    weekday: int = 1  # 0 = Monday; used by WEEKDAY_OF_PREVIOUS_WEEK

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise InvalidInput(
                "Le jour de la semaine du délai doit être compris entre lundi et dimanche."
            )

    def describe(self) -> str:
        """French sentence for screens: "la veille d'ouverture avant 10:00"."""
        hour = f"{self.at.hour}h{self.at.minute:02d}"
        if self.kind == DeadlineKind.PREVIOUS_OPEN_DAY:
            return f"jusqu'au jour d'ouverture précédent, avant {hour}"
        if self.kind == DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK:
            return f"jusqu'au {WEEKDAY_NAMES[self.weekday]} de la semaine précédente, avant {hour}"
        return "sur abonnement seulement : jamais modifiable au jour le jour"


def deadline_for(
    day: date,
    rule: DeadlineRule,
    is_open: Callable[[date], bool],
    weekdays: Iterable[int] = range(5),
) -> datetime | None:
    """The deadline of `day`, or None when the rule never lets a family change it.

    `is_open(d)` says whether the activity runs on d (its weekdays, holidays, closures);
    `weekdays` are its weekdays (0 = Monday), used when no open day is within reach.
    """
    if rule.kind == DeadlineKind.SUBSCRIPTION_ONLY:
        return None
    if rule.kind == DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK:
        target = monday_of(day) - timedelta(days=7) + timedelta(days=rule.weekday)
        return datetime.combine(target, rule.at)
    for back in range(1, _LOOKBACK_DAYS + 1):
        candidate = day - timedelta(days=back)
        if is_open(candidate):
            return datetime.combine(candidate, rule.at)
    runs_on = set(weekdays) or set(range(5))
    candidate = day - timedelta(days=1)
    while candidate.weekday() not in runs_on:
        candidate -= timedelta(days=1)
    return datetime.combine(candidate, rule.at)


def is_editable(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and now < deadline


@lru_cache(maxsize=4096)
def format_deadline(deadline: datetime) -> str:
    """ "vendredi 11 septembre 2026 à 10:00"."""
    return format_datetime(deadline, "EEEE d MMMM y 'à' HH:mm", locale="fr_FR")
