"""Likely duplicate dossiers, and how two dossiers' rows become one when they are merged.

Two dossiers are *likely the same family* when they share an adult and a child:
- an adult (not a third party) whose last and first names match, folded: case, accents,
  hyphens, apostrophes and spaces ignored (« Le Goff-Müller » = « LEGOFF MULLER »);
- a child whose first name matches, folded the same way, and whose birth date is the same.

Both are required, to keep false alarms rare: twins are one dossier anyway; a grandparent's
or a childminder's dossier shares the child but not the adult (and third parties, a
childminder in many dossiers, are never compared); two mothers named « Marie Martin » share
no child born the same day. Remarried parents with the child in the father's and in the
mother's dossier do match on purpose: the agent looks once, and a pair declared « pas des
doublons » is not raised again. A child without a birth date never matches.

Merging: the kept dossier takes the other's rows; a child of both (same folded first name and
birth date) becomes one, an adult of both (same folded names) becomes one. A day booked for
that child in both dossiers keeps one booking (`kept_booking`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.text import fold

_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


def name_key(*parts: str) -> str:
    """« Le Goff-Müller », « LEGOFF MULLER » -> 'legoffmuller': the same key."""
    return "".join(_NOT_LETTERS.sub("", fold(part or "")) for part in parts)


@dataclass(frozen=True)
class PersonFacts:
    last_name: str
    first_name: str
    third_party: bool = False


@dataclass(frozen=True)
class ChildFacts:
    first_name: str
    last_name: str
    birth_date: date | None


@dataclass(frozen=True)
class DossierFacts:
    """What the rule reads of a dossier."""

    adults: tuple[PersonFacts, ...]
    children: tuple[ChildFacts, ...]


@dataclass(frozen=True)
class Likeness:
    """Why two dossiers look alike: the child and the adult they share (as in the other)."""

    child: ChildFacts
    adult: PersonFacts


def adult_key(adult: PersonFacts) -> str:
    return name_key(adult.last_name) + "|" + name_key(adult.first_name)


def child_key(child: ChildFacts) -> tuple[str, date] | None:
    """The key a child is recognised by (None without a birth date or a first name)."""
    first = name_key(child.first_name)
    if child.birth_date is None or not first:
        return None
    return first, child.birth_date


def adult_keys(dossier: DossierFacts) -> set[str]:
    return {adult_key(a) for a in dossier.adults if not a.third_party and name_key(a.last_name)}


def child_keys(dossier: DossierFacts) -> set[tuple[str, date]]:
    return {key for key in map(child_key, dossier.children) if key is not None}


def likeness(new: DossierFacts, other: DossierFacts) -> Likeness | None:
    """How `other` looks like `new` (its shared child and adult), or None when it does not."""
    adults = adult_keys(new)
    children = child_keys(new)
    adult = next((a for a in other.adults if not a.third_party and adult_key(a) in adults), None)
    child = next((c for c in other.children if child_key(c) in children), None)
    if adult is None or child is None:
        return None
    return Likeness(child=child, adult=adult)


def pairs_by_key(
    kept: Iterable[tuple[object, tuple[str, date] | str | None]],
    absorbed: Iterable[tuple[object, tuple[str, date] | str | None]],
) -> dict[object, object]:
    """absorbed id -> kept id for the rows of both dossiers with the same key (a child's or an
    adult's); each kept row takes at most one."""
    by_key: dict[object, object] = {}
    for row_id, key in kept:
        if key is not None:
            by_key.setdefault(key, row_id)
    pairs: dict[object, object] = {}
    for row_id, key in absorbed:
        if key is not None and key in by_key:
            pairs[row_id] = by_key.pop(key)
    return pairs


def _rank(state: str) -> int:
    if state in SEAT_STATES:
        return 2
    return 1 if state == BookingState.WAITING else 0


def kept_booking(kept_state: str, absorbed_state: str) -> str:
    """The same child's day in both dossiers: which booking stays, "kept" or "absorbed". A
    seat beats the waiting list, which beats a cancelled day; the kept dossier's on a tie."""
    return "absorbed" if _rank(absorbed_state) > _rank(kept_state) else "kept"
