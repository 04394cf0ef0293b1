"""The injectable clock: every 'now' in the program comes from here, tests freeze it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock:
    """Wall-clock time in the mairie's time zone (naive local datetimes are stored)."""

    def now(self) -> datetime:
        return datetime.now(PARIS).replace(tzinfo=None, microsecond=0)

    def today(self) -> date:
        return self.now().date()


@dataclass
class FrozenClock(Clock):
    """A clock that only moves when told to (tests, benchmarks, demo generation)."""

    current: datetime = field(default_factory=lambda: datetime(2026, 9, 1, 9, 0))

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current = self.current + timedelta(**kwargs)
