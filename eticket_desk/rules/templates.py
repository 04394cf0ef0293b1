"""Week templates of paper forms: weekday boxes, every week / even weeks / odd weeks.

`days_of` lists the days a template asks for in a period; the booking rules then say which
of them are open, locked or full. ISO week numbers decide even and odd weeks, as the
calendars on the forms do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from eticket_desk.rules.calendar import WEEKDAY_SHORT, days_between, iso_week_parity
from eticket_desk.rules.errors import InvalidInput


class Parity(StrEnum):
    ALL = "all"
    EVEN = "even"
    ODD = "odd"


PARITY_LABELS = {
    Parity.ALL: "Toutes les semaines",
    Parity.EVEN: "Semaines paires",
    Parity.ODD: "Semaines impaires",
}


class FareOption(StrEnum):
    """The fare chosen on the form (seed 003): bus round trips a day, TAP sessions a week."""

    NONE = ""
    ONE = "1"
    TWO = "2"


BUS_FARES = {FareOption.ONE: "1 aller-retour par jour", FareOption.TWO: "2 allers-retours par jour"}
SESSION_FARES = {FareOption.ONE: "1 séance par semaine", FareOption.TWO: "2 séances par semaine"}


def fare_labels(activity_code: str) -> dict[FareOption, str]:
    """Bus trips are sold by round trips a day, the other fares by sessions a week."""
    return BUS_FARES if activity_code.startswith("BUS") else SESSION_FARES


@dataclass(frozen=True)
class WeekTemplate:
    weekdays: frozenset[int]  # 0 = Monday
    parity: Parity = Parity.ALL

    def __post_init__(self) -> None:
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise InvalidInput("Jour de la semaine inconnu dans la semaine type.")

    def wants(self, day: date) -> bool:
        if day.weekday() not in self.weekdays:
            return False
        if self.parity == Parity.ALL:
            return True
        return iso_week_parity(day) == (0 if self.parity == Parity.EVEN else 1)

    def days_of(self, start: date, end: date) -> list[date]:
        return [d for d in days_between(start, end) if self.wants(d)]

    def describe(self) -> str:
        """ "lun., mar., jeu., ven. — semaines paires"."""
        days = ", ".join(WEEKDAY_SHORT[d] for d in sorted(self.weekdays)) or "aucun jour"
        if self.parity == Parity.ALL:
            return days
        return f"{days} — {PARITY_LABELS[self.parity].lower()}"

    @property
    def text(self) -> str:
        """Storage form: weekdays as digits ("0134")."""
        return "".join(str(d) for d in sorted(self.weekdays))

    @classmethod
    def parse(cls, weekdays: str, parity: str = Parity.ALL.value) -> WeekTemplate:
        return cls(frozenset(int(c) for c in weekdays if c.isdigit()), Parity(parity))


def template_of_week(booked_days: list[date]) -> WeekTemplate:
    """ "Mettre à jour la semaine type": the weekdays booked in the week shown become the
    template, every week."""
    return WeekTemplate(frozenset(d.weekday() for d in booked_days))
