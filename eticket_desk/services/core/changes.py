"""What a write changed, as typed values the open screens subscribe to.

A write announces `Topic` members (one per kind of data) and, for one family's own
data, a `FamilyTopic(family_id)`. The UI's `ChangeBus` refuses anything else, so a
misspelt topic fails at once instead of leaving a screen stale. Qt-free and
database-free: services and the sync may name topics too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Topic(StrEnum):
    FAMILIES = "families"
    USERS = "users"
    SETTINGS = "settings"
    ORGANISATION = "organisation"
    SCHOOLS = "schools"
    BOOKINGS = "bookings"
    ACTIVITIES = "activities"
    CALENDAR = "calendar"
    TARIFFS = "tariffs"
    SALES = "sales"
    TILL = "till"
    INVOICES = "invoices"
    SYNC = "sync"


@dataclass(frozen=True)
class FamilyTopic:
    """One family's dossier, wallet or plan changed (its editor and counter reload)."""

    family_id: uuid.UUID

    def __post_init__(self) -> None:
        if not isinstance(self.family_id, uuid.UUID):
            raise TypeError(f"FamilyTopic wants a UUID, not {self.family_id!r}")


Change = Topic | FamilyTopic

# What a write declares: fixed changes, or changes computed from the write's result
# (the saved family's id, say).
Changes = Iterable[Change] | Callable[[Any], Iterable[Change]]


def checked(changes: Iterable[Change]) -> frozenset[Change]:
    """The changes as a set; a plain string or anything else raises TypeError."""
    result = frozenset(changes)
    for change in result:
        if not isinstance(change, (Topic, FamilyTopic)):
            raise TypeError(f"not a Topic or FamilyTopic: {change!r}")
    return result


def resolved(changes: Changes, result: Any) -> frozenset[Change]:
    """The changes a write declared, given what the write returned."""
    return checked(changes(result) if callable(changes) else changes)
