"""A form's days as they travel and are recorded: the form's terms plus exceptions.

A paper form books every day of its week template (weekdays, every / even / odd ISO weeks)
from its first to its last day, except the days closed, full, locked or refused, and a desk
may book a few days more by hand. Listing each day costs millions of dates for a town; the
same days are the terms' days (`WeekTemplate.days_of(start, end)`) plus `added` minus
`removed`, a few dozen exceptions per form (the holidays, mostly). The desk writes them so,
the server expands them to decide and count the seats, and records the form's days as one
change that the other desks expand with this same code.

Expanding needs nothing but the terms (no calendar, no activity): a desk and the server
always get the same days from the same terms, whatever each one knows of the closures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.templates import Parity, WeekTemplate

MAX_SPAN_DAYS = 800  # two school years: the longest period a form's terms may cover


@lru_cache(maxsize=1024)
def _terms_days(template: WeekTemplate, start: date, end: date) -> tuple[date, ...]:
    """The days the terms ask for (a town's forms share a few templates and periods)."""
    return tuple(template.days_of(start, end))


@dataclass(frozen=True)
class DaySet:
    """Days as a form states them: the terms' days from `start` to `end`, plus `added`, minus
    `removed`; without terms (`template` None), the days are `added` alone."""

    template: WeekTemplate | None = None
    start: date | None = None
    end: date | None = None
    added: tuple[date, ...] = ()
    removed: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        if self.template is None:
            return
        if self.start is None or self.end is None or self.end < self.start:
            raise InvalidInput("Les jours d'une inscription vont de son début à sa fin.")
        if (self.end - self.start).days > MAX_SPAN_DAYS:
            raise InvalidInput("Une inscription couvre au plus deux années scolaires.")

    @property
    def has_terms(self) -> bool:
        return self.template is not None

    def days(self) -> list[date]:
        """Every day, in order."""
        if self.template is None:
            return sorted(set(self.added))
        removed = set(self.removed)
        kept = [d for d in _terms_days(self.template, self.start, self.end) if d not in removed]
        if not self.added:
            return kept
        return sorted(set(kept).union(self.added))

    @classmethod
    def listed(cls, days: Iterable[date]) -> DaySet:
        return cls(added=tuple(sorted(set(days))))

    @classmethod
    def of(
        cls, days: Iterable[date], template: WeekTemplate | None, start: date, end: date
    ) -> DaySet:
        """`days` as the terms (`template` from `start` to `end`) plus their exceptions, or
        listed when that is not shorter (no terms, or days that hardly follow them). The
        terms' own period is cut to the days' first and last within `start` … `end`."""
        wanted = sorted(set(days))
        if template is None or not template.weekdays or end < start or not wanted:
            return cls.listed(wanted)
        # From the first day to the last within the period: the days before and after it
        # would only be exceptions.
        start, end = max(start, wanted[0]), min(end, wanted[-1])
        if end < start or (end - start).days > MAX_SPAN_DAYS:
            return cls.listed(wanted)
        terms = _terms_days(template, start, end)
        chosen = set(wanted)
        removed = tuple(d for d in terms if d not in chosen)
        added = tuple(sorted(chosen.difference(terms)))
        if len(added) + len(removed) >= len(wanted):
            return cls.listed(wanted)
        return cls(template, start, end, added, removed)

    def to_json(self) -> dict:
        """The change log's form: ISO dates, weekdays as digits."""
        data: dict = {"added": [d.isoformat() for d in self.added]}
        if self.template is not None:
            data |= {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "weekdays": self.template.text,
                "parity": self.template.parity.value,
                "removed": [d.isoformat() for d in self.removed],
            }
        return data

    @classmethod
    def from_json(cls, data: dict) -> DaySet:
        added = tuple(date.fromisoformat(d) for d in data.get("added", ()))
        if "start" not in data:
            return cls(added=added)
        return cls(
            WeekTemplate.parse(data["weekdays"], data.get("parity", Parity.ALL.value)),
            date.fromisoformat(data["start"]),
            date.fromisoformat(data["end"]),
            added,
            tuple(date.fromisoformat(d) for d in data.get("removed", ())),
        )


def window(start: date, end: date, first: date) -> tuple[date, date] | None:
    """The part of a form's period from `first` on (a first upload sends today and later);
    None when the period is over."""
    begin = max(start, first)
    return (begin, end) if begin <= end else None
