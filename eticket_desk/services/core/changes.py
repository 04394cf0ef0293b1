"""What a write changed, as typed values the open screens subscribe to.

A write announces `Topic` members (one per kind of data) and, for one family's own
data, a `FamilyTopic(family_id)`. The UI's `ChangeBus` refuses anything else, so a
misspelt topic fails at once instead of leaving a screen stale.

Each writing use case declares what it changes, on itself, with `@changes(...)`: fixed
topics, and functions of the `Call` (its arguments by name, its result) for what depends
on the call, such as the family saved. The UI runs a use case through
`AppContext.write(use_case, *args)`, which announces what the use case declares; it refuses
a function that declares nothing, and tests/test_declared_changes.py finds every
function opening `store.write(` without a declaration. A write no screen shows (an audit
line of a read) says so with `unseen="why"`. Qt-free and database-free: services and the
sync may name topics too.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar


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
    DEBITS = "debits"
    SYNC = "sync"
    MAIL = "mail"


@dataclass(frozen=True)
class FamilyTopic:
    """One family's dossier, wallet or plan changed (its editor and counter reload)."""

    family_id: uuid.UUID

    def __post_init__(self) -> None:
        if not isinstance(self.family_id, uuid.UUID):
            raise TypeError(f"FamilyTopic wants a UUID, not {self.family_id!r}")


Change = Topic | FamilyTopic


@dataclass(frozen=True)
class Call:
    """One call of a use case, as its declaration sees it: `call["family_id"]` is an
    argument by name, `call.result` what the use case returned."""

    arguments: Mapping[str, Any]
    result: Any

    def __getitem__(self, name: str) -> Any:
        return self.arguments[name]


# A declared change: a topic, or what a call changed (one change, several, or None).
Declared = Topic | Callable[[Call], Change | Iterable[Change] | None]


@dataclass(frozen=True)
class Declaration:
    declared: tuple[Declared, ...]
    unseen: str  # why no screen shows what the use case writes (an audit line), or ""


F = TypeVar("F", bound=Callable[..., Any])


def changes(*declared: Declared, unseen: str = "") -> Callable[[F], F]:
    """Declares what the decorated use case changes (see the module's docstring)."""
    for item in declared:
        if not isinstance(item, Topic) and not callable(item):
            raise TypeError(f"not a Topic nor a function of the call: {item!r}")
    if not declared and not unseen.strip():
        raise TypeError("declare the topics a use case changes, or why no screen shows it")

    def declare(fn: F) -> F:
        fn.__changes__ = Declaration(declared, unseen)  # type: ignore[attr-defined]
        return fn

    return declare


def declaration(use_case: Callable[..., Any]) -> Declaration:
    """What `use_case` declares; TypeError when it declares nothing."""
    found = getattr(use_case, "__changes__", None)
    if not isinstance(found, Declaration):
        name = getattr(use_case, "__qualname__", repr(use_case))
        raise TypeError(f"{name} declares no changes: add @changes(...) above it")
    return found


def checked(changes: Iterable[Change]) -> frozenset[Change]:
    """The changes as a set; a plain string or anything else raises TypeError."""
    result = frozenset(changes)
    for change in result:
        if not isinstance(change, (Topic, FamilyTopic)):
            raise TypeError(f"not a Topic or FamilyTopic: {change!r}")
    return result


def changed_by(
    use_case: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any], result: Any
) -> frozenset[Change]:
    """What this call of `use_case` changed, from its declaration."""
    found: list[Change] = []
    call: Call | None = None
    for item in declaration(use_case).declared:
        if isinstance(item, Topic):
            found.append(item)
            continue
        if call is None:
            bound = inspect.signature(use_case).bind(*args, **kwargs)
            bound.apply_defaults()
            call = Call(bound.arguments, result)
        value = item(call)
        if value is None:
            continue
        found.extend((value,) if isinstance(value, (str, FamilyTopic)) else value)
    return checked(found)


def run_use_case(
    use_case: Callable[..., Any], *args: Any, **kwargs: Any
) -> tuple[Any, frozenset[Change]]:
    """Calls a declared use case; returns its result and what it changed."""
    declaration(use_case)  # refused before it writes anything
    result = use_case(*args, **kwargs)
    return result, changed_by(use_case, args, kwargs, result)
