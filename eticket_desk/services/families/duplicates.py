"""Likely duplicate dossiers (rules.duplicates): the warning before a new dossier is saved or
imported (like one of the base, or two new dossiers of one file alike), and the pairs found after a sync (a dossier pulled from another desk that looks like
one made here), raised once as a sync issue until merged or declared « pas des doublons ».

The store holds every desk's dossiers once synced, so a look here covers the whole commune.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, Child, DuplicatePair, Family
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.duplicates import (
    ChildFacts,
    DossierFacts,
    Likeness,
    PersonFacts,
    child_key,
    child_keys,
    likeness,
)
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.numbering import DESK_LABELS, FAMILY_BLOCK
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.numbering import desk_number
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.syncing.state import read_state


@dataclass(frozen=True)
class LikelyDuplicate:
    """Another dossier that looks like the one at hand, and the child and adult they share."""

    family_id: uuid.UUID
    reference: str
    last_name: str  # the shared adult's
    child_first_name: str
    birth_date: date

    @property
    def label(self) -> str:
        """« F00012 Dupont (Léa, né(e) le 03/04/2018) »."""
        born = self.birth_date.strftime("%d/%m/%Y")
        return f"{self.reference} {self.last_name} ({self.child_first_name}, né(e) le {born})"

    @property
    def message(self) -> str:
        return f"Ce dossier ressemble au dossier {self.label}."


def facts_of(adults: Iterable, children: Iterable) -> DossierFacts:
    """The rule's view of a dossier, from its rows or from the editor's data."""
    return DossierFacts(
        adults=tuple(PersonFacts(a.last_name, a.first_name, a.third_party) for a in adults),
        children=tuple(ChildFacts(c.first_name, c.last_name, c.birth_date) for c in children),
    )


def _dossiers(session: Session, family_ids: set[uuid.UUID]) -> dict[uuid.UUID, DossierFacts]:
    """What the rule reads of these dossiers, 500 at a time (a commune pulled at once)."""
    adults: dict[uuid.UUID, list] = defaultdict(list)
    children: dict[uuid.UUID, list] = defaultdict(list)
    ids = list(family_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.execute(
            select(Adult.family_id, Adult.last_name, Adult.first_name, Adult.third_party).where(
                Adult.family_id.in_(chunk)
            )
        ):
            adults[row.family_id].append(row)
        for row in session.execute(
            select(Child.family_id, Child.first_name, Child.last_name, Child.birth_date).where(
                Child.family_id.in_(chunk)
            )
        ):
            children[row.family_id].append(row)
    return {f: facts_of(adults[f], children[f]) for f in family_ids}


def likely_duplicates_in(
    session: Session, dossier: DossierFacts, exclude: Iterable[uuid.UUID] = ()
) -> list[LikelyDuplicate]:
    """The dossiers of the store (archived ones aside) that look like `dossier`, by reference."""
    excluded = set(exclude)
    (found,) = likely_duplicates_of_each(session, [dossier])
    return [alike for alike in found if alike.family_id not in excluded]


def likely_duplicates_of_each(
    session: Session, dossiers: Sequence[DossierFacts]
) -> list[list[LikelyDuplicate]]:
    """For each of these dossiers (an import's thousands, or one), the dossiers of the store
    (archived ones aside) that look like it, by reference. The store's children born on
    those days are read once, 500 days at a time; each dossier is then compared with the
    dossiers sharing one of its children (first name and birth date: the rule needs one)."""
    wanted = [child_keys(dossier) for dossier in dossiers]
    births = sorted({birth for keys in wanted for _, birth in keys})
    sharing: dict[tuple, set[uuid.UUID]] = defaultdict(set)
    for start in range(0, len(births), 500):
        query = (
            select(Child.family_id, Child.first_name, Child.last_name, Child.birth_date)
            .join(Family, Family.id == Child.family_id)
            .where(
                Child.birth_date.in_(births[start : start + 500]),
                Family.status != FamilyStatus.ARCHIVED.value,
            )
        )
        for row in session.execute(query):
            key = child_key(ChildFacts(row.first_name, row.last_name, row.birth_date))
            if key is not None:
                sharing[key].add(row.family_id)
    candidates = [{f for key in keys for f in sharing.get(key, ())} for keys in wanted]
    every = set().union(*candidates) if candidates else set()
    if not every:
        return [[] for _ in dossiers]
    facts = _dossiers(session, every)
    references = {}
    ids = list(every)
    for start in range(0, len(ids), 500):
        references.update(
            session.execute(
                select(Family.id, Family.reference).where(Family.id.in_(ids[start : start + 500]))
            ).all()
        )
    found: list[list[LikelyDuplicate]] = []
    for dossier, family_ids in zip(dossiers, candidates, strict=True):
        alikes = []
        for family_id in family_ids:
            alike = likeness(dossier, facts[family_id])
            if alike is not None:
                alikes.append(
                    LikelyDuplicate(
                        family_id,
                        references[family_id],
                        alike.adult.last_name,
                        alike.child.first_name,
                        alike.child.birth_date,
                    )
                )
        found.append(sorted(alikes, key=lambda d: d.reference))
    return found


def alike_among(dossiers: Sequence[DossierFacts]) -> list[tuple[int, int, Likeness]]:
    """The pairs (i < j) of these dossiers that look alike, and why as the first of the two
    reads (the new dossiers of one import file: the later looks like the earlier); only
    dossiers sharing a child's first name and birth date are compared."""
    by_child: dict[tuple, list[int]] = defaultdict(list)
    for index, dossier in enumerate(dossiers):
        for key in child_keys(dossier):
            by_child[key].append(index)
    pairs = {(i, j) for same in by_child.values() for i in same for j in same if i < j}
    found = []
    for i, j in sorted(pairs):
        alike = likeness(dossiers[j], dossiers[i])
        if alike is not None:
            found.append((i, j, alike))
    return found


def likely_duplicates(
    store: Store, actor: Actor, adults: list, children: list, family_id: uuid.UUID | None = None
) -> list[LikelyDuplicate]:
    """The dossiers that look like the one being typed (the editor asks before saving a new
    one: « ouvrir ce dossier / créer quand même »)."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        exclude = [family_id] if family_id else []
        return likely_duplicates_in(session, facts_of(adults, children), exclude)


def likely_duplicates_of(store: Store, actor: Actor, family_id: uuid.UUID) -> list[LikelyDuplicate]:
    """The dossiers that look like this one (the merge dialog proposes them)."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        facts = _dossiers(session, {family_id})[family_id]
        return likely_duplicates_in(session, facts, [family_id])


def dossier_by_reference(
    store: Store, actor: Actor, reference: str
) -> tuple[uuid.UUID, str] | None:
    """(id, « F00002 MARTIN Marie ») of the active dossier with this reference, or None."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        row = session.execute(
            select(Family.id, Family.reference, Family.display_name).where(
                Family.reference == reference.strip().upper(),
                Family.status != FamilyStatus.ARCHIVED.value,
            )
        ).first()
    return (row.id, f"{row.reference} {row.display_name}") if row else None


# ---------------------------------------------------------------- found after a sync


def desk_of(reference_number: int) -> int:
    """The desk that numbered a dossier (each numbers in its own block)."""
    return reference_number // FAMILY_BLOCK + 1


def desk_name(number: int, labels: dict[str, str] | None) -> str:
    """« poste Annexe école » by the label the server gave at the last sync, else
    « poste n° 2 »."""
    label = (labels or {}).get(str(number), "").strip()
    return f"poste {label}" if label else f"poste n° {number}"


def raise_pulled_duplicates(session: Session, family_ids: Iterable[uuid.UUID]) -> int:
    """Pairs a dossier pulled from another desk with each dossier made here it looks like,
    once per pair (inside the pull's transaction). A whole commune pulled at once is looked at
    in a few statements: the dossiers made here with a child born on one of the pulled
    children's birth dates, then compared in memory. Returns how many pairs were raised."""
    here = desk_number(session)
    pulled = {
        f.id
        for f in session.execute(
            select(Family.id, Family.number, Family.status).where(Family.id.in_(set(family_ids)))
        )
        if desk_of(f.number) != here and f.status != FamilyStatus.ARCHIVED.value
    }
    if not pulled:
        return 0
    facts = _dossiers(session, pulled)
    births = {c.birth_date for f in facts.values() for c in f.children if child_key(c)}
    if not births:
        return 0
    first = (here - 1) * FAMILY_BLOCK  # this desk's block of dossier numbers
    mine = _dossiers(
        session,
        set(
            session.scalars(
                select(Child.family_id)
                .join(Family, Family.id == Child.family_id)
                .where(
                    Child.birth_date.in_(births),
                    Family.status != FamilyStatus.ARCHIVED.value,
                    Family.number >= first,
                    Family.number < first + FAMILY_BLOCK,
                )
            )
        ),
    )
    by_child: dict[tuple, list[uuid.UUID]] = defaultdict(list)
    for family_id, dossier in mine.items():
        for key in child_keys(dossier):
            by_child[key].append(family_id)
    known = set(session.execute(select(DuplicatePair.family_id, DuplicatePair.other_id)).tuples())
    raised = 0
    for other_id in sorted(pulled):
        candidates = {f for key in child_keys(facts[other_id]) for f in by_child.get(key, ())}
        for family_id in sorted(candidates):
            if (family_id, other_id) in known or likeness(facts[other_id], mine[family_id]) is None:
                continue
            session.add(
                DuplicatePair(
                    family_id=family_id,
                    other_id=other_id,
                    raised_at=session.info["now"],
                    state="raised",
                    handled_by="",
                )
            )
            known.add((family_id, other_id))
            raised += 1
    return raised


@dataclass(frozen=True)
class DuplicateIssue:
    """A pair to look at: « Dossier F100001 Martin créé au poste Annexe école ressemble à F00002
    Martin créé ici — fusionnez-les si c'est la même famille »."""

    pair_id: int
    at: datetime
    family_id: uuid.UUID  # made here
    other_id: uuid.UUID  # pulled
    subject: str
    state: str
    handled_at: datetime | None
    handled_by: str


def _short(family: Family) -> str:
    name = family.display_name.split(" ")[0].capitalize() if family.display_name else ""
    return f"{family.reference} {name}".strip()


def duplicate_issues(session: Session, *, include_handled: bool = False) -> list[DuplicateIssue]:
    query = select(DuplicatePair)
    if not include_handled:
        query = query.where(DuplicatePair.state == "raised")
    issues, labels = [], read_state(session, DESK_LABELS, None)
    for pair in session.scalars(query.order_by(DuplicatePair.id.desc())):
        mine, other = session.get(Family, pair.family_id), session.get(Family, pair.other_id)
        desk = desk_name(desk_of(other.number), labels)
        subject = (
            f"Dossier {_short(other)} créé au {desk} ressemble à "
            f"{_short(mine)} créé ici — fusionnez-les si c'est la même famille"
        )
        issues.append(
            DuplicateIssue(
                pair.id,
                pair.raised_at,
                pair.family_id,
                pair.other_id,
                subject,
                pair.state,
                pair.handled_at,
                pair.handled_by,
            )
        )
    return issues


def raised_pairs(session: Session) -> int:
    """How many likely duplicate pairs wait for the agent (the sync status counts them)."""
    return session.scalar(
        select(func.count()).select_from(DuplicatePair).where(DuplicatePair.state == "raised")
    )


def close_pairs_in(session: Session, family_ids: set[uuid.UUID], state: str, by: str) -> None:
    """Closes the raised pairs of these dossiers (merged: one of them is gone)."""
    for pair in session.scalars(select(DuplicatePair).where(DuplicatePair.state == "raised")):
        if {pair.family_id, pair.other_id} & family_ids:
            pair.state, pair.handled_at, pair.handled_by = state, session.info["now"], by


@changes(Topic.SYNC)
def declare_not_duplicates(store: Store, actor: Actor, pair_id: int) -> None:
    """« Pas des doublons »: the pair is never raised again (audited)."""
    actor.require(Permission.FAMILY_EDIT)
    with store.write(actor) as session:
        pair = session.get(DuplicatePair, pair_id)
        if pair is None:
            raise NotFound("Ce doublon possible n'existe pas (ou plus).")
        pair.state, pair.handled_at = "dismissed", session.info["now"]
        pair.handled_by = actor.login
        mine, other = session.get(Family, pair.family_id), session.get(Family, pair.other_id)
        record(
            session,
            "not_duplicates",
            "family",
            pair.family_id,
            f"Dossiers {mine.reference} et {other.reference} déclarés « pas des doublons »",
        )
