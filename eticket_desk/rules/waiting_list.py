"""Who gets a freed seat: the children of a day's waiting list in their order of arrival.

The order is the moment each child joined the list, then, within the same moment (the clock
counts seconds), the rank of arrival: a number that grows by one with each child queued on
that activity and day. A child's id never decides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class Arrival:
    """When a child joined a day's waiting list; sorts first come first."""

    since: datetime
    rank: int


def arrival(since: datetime | None, rank: int | None) -> Arrival:
    """A row's place in line (rows queued before ranks were kept sort by their moment)."""
    return Arrival(since or datetime.min, rank or 0)


def next_rank(highest: int | None) -> int:
    """The rank of the next child to join a day's list, after the highest given so far."""
    return (highest or 0) + 1


def in_arrival_order(queue: Iterable[tuple[Arrival, T]]) -> list[T]:
    """The waiting children, first come first (the one who gets the next freed seat)."""
    return [item for _, item in sorted(queue, key=lambda pair: pair[0])]
