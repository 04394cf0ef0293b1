"""Three-way merge of a family dossier: the edits a desk made since the state it last knew
(its baseline), applied to the server's current dossier field by field.

A dossier here is its JSON form: the top-level fields (reference, status, notes, quotient)
and the lists `adults` (the tiers are adults with `third_party`) and `children`, each item a
dict with its `id`. An edit names what changed by path — `notes`, `adults/<id>/phone_mobile`,
`children/<id>` for an item added (old value None) or removed (old value the whole item) — and
carries the value it had in the baseline (`old`); the new value is the desk's dossier's.

Merging an edit into the server's dossier: a field whose server value is still the old one
takes the desk's; the same new value on both sides is no conflict; otherwise it is a conflict
and the server's value stays (first to sync). An item added on the desk is appended; an item
removed on the desk goes when the server's copy is untouched, else it is a conflict. A field
the desk did not touch keeps the server's value. Pure: no I/O, the server and the desk alike.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

LISTS = ("adults", "children")
TOP_FIELDS = ("reference", "status", "notes", "quotient")
# Flags exactly one adult of a dossier holds: merged as one field of the dossier (the path
# `billing` is the id of the adult who holds it), so two desks never leave two payers.
EXCLUSIVE = ("billing", "emergency_contact")

# French labels of the fields an agent sees (the family editor's words).
FIELD_LABELS = {
    "reference": "numéro de dossier",
    "status": "statut",
    "notes": "notes",
    "quotient": "quotient familial",
    "last_name": "nom",
    "first_name": "prénom",
    "relation": "lien avec l'enfant",
    "third_party": "tiers",
    "phone_home": "téléphone domicile",
    "phone_mobile": "portable",
    "phone_work": "téléphone travail",
    "phone_work_mobile": "portable travail",
    "email": "e-mail",
    "address1": "adresse ligne 1",
    "address2": "adresse ligne 2",
    "address3": "adresse ligne 3",
    "postcode": "code postal",
    "city": "ville",
    "legal_guardian": "responsable légal",
    "billing": "payeur (adresse de facturation)",
    "emergency_contact": "contact d'urgence",
    "may_pick_up": "autorisé à venir chercher",
    "mail_consent": "documents par e-mail",
    "birth_date": "date de naissance",
    "school_id": "école",
    "level": "niveau",
    "diet": "régime",
    "allergies": "allergies",
    "pai": "PAI",
    "treatments": "traitements",
    "image_authorised": "droit à l'image",
    "outing_authorised": "autorisation de sortie",
}


@dataclass(frozen=True)
class Edit:
    """One change the desk made: the path and the value it had in the baseline."""

    path: str
    old: Any = None


@dataclass(frozen=True)
class Conflict:
    """The same field changed on both sides: the server's value kept, the desk's refused."""

    path: str
    server: Any
    desk: Any


@dataclass(frozen=True)
class Merged:
    dossier: dict[str, Any]
    applied: tuple[str, ...]  # the paths that took the desk's value
    conflicts: tuple[Conflict, ...]


def _items(dossier: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in dossier.get(kind) or []}


def edits_between(baseline: dict[str, Any], current: dict[str, Any]) -> list[Edit]:
    """What changed from `baseline` to `current`, path by path (items by identity)."""
    edits = [
        Edit(name, baseline.get(name))
        for name in TOP_FIELDS
        if name in current and baseline.get(name) != current.get(name)
    ]
    edits += [
        Edit(flag, value_at(baseline, flag))
        for flag in EXCLUSIVE
        if value_at(baseline, flag) != value_at(current, flag)
    ]
    for kind in LISTS:
        before, after = _items(baseline, kind), _items(current, kind)
        for item_id, item in after.items():
            old = before.get(item_id)
            if old is None:
                edits.append(Edit(f"{kind}/{item_id}"))
                continue
            for name, value in item.items():
                if name != "id" and name not in EXCLUSIVE and old.get(name) != value:
                    edits.append(Edit(f"{kind}/{item_id}/{name}", old.get(name)))
        edits += [Edit(f"{kind}/{i}", old) for i, old in before.items() if i not in after]
    return edits


def value_at(dossier: dict[str, Any], path: str) -> Any:
    """The value at `path` (None when the field or its item is not there)."""
    parts = path.split("/")
    if path in EXCLUSIVE:  # the id of the adult who holds the flag
        return next((str(a["id"]) for a in dossier.get("adults") or [] if a.get(path)), None)
    if len(parts) == 1:
        return dossier.get(path)
    item = _items(dossier, parts[0]).get(parts[1])
    if item is None or len(parts) == 2:
        return item
    return item.get(parts[2])


def merge(server: dict[str, Any], desk: dict[str, Any], edits: list[Edit]) -> Merged:
    """The desk's `edits` (its dossier now: `desk`) merged into the server's dossier."""
    merged = copy.deepcopy(server)
    applied: list[str] = []
    conflicts: list[Conflict] = []
    for edit in edits:
        ours, theirs = value_at(server, edit.path), value_at(desk, edit.path)
        if ours == theirs:
            continue  # the same on both sides: nothing to do
        if ours != edit.old:
            conflicts.append(Conflict(edit.path, ours, theirs))
            continue
        _put(merged, edit.path, theirs)
        applied.append(edit.path)
    for flag in EXCLUSIVE:  # one holder at most, whoever was added or removed meanwhile
        if any(edit.path == flag for edit in edits):
            holder = flag if flag in applied else None
            _hold(merged, flag, value_at(desk if holder else server, flag))
    return Merged(merged, tuple(applied), tuple(conflicts))


def _hold(dossier: dict[str, Any], flag: str, adult_id: str | None) -> None:
    """`adult_id` (None: nobody) holds `flag`, and no other adult of the dossier."""
    for adult in dossier.get("adults") or []:
        adult[flag] = str(adult["id"]) == adult_id


def _put(dossier: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split("/")
    if path in EXCLUSIVE:
        _hold(dossier, path, value)
        return
    if len(parts) == 1:
        dossier[path] = value
        return
    items = dossier.setdefault(parts[0], [])
    index = next((i for i, item in enumerate(items) if str(item["id"]) == parts[1]), None)
    if len(parts) == 2:
        if value is None and index is not None:
            del items[index]
        elif value is not None and index is None:
            items.append(copy.deepcopy(value))
        elif value is not None:
            items[index] = copy.deepcopy(value)
        return
    if index is not None:
        items[index][parts[2]] = value


def person_label(item: dict[str, Any] | None, kind: str) -> str:
    """« Mère (Claire Dupont) », « Enfant (Léa Dupont) »."""
    if item is None:
        return "Personne retirée du dossier"
    name = f"{item.get('first_name', '')} {item.get('last_name', '')}".strip()
    if kind == "children":
        role = "Enfant"
    else:
        role = item.get("relation") or ("Tiers" if item.get("third_party") else "Responsable")
    return f"{role} ({name})" if name else role


def field_label(path: str, *dossiers: dict[str, Any]) -> str:
    """The French label of a path, naming the person from the first dossier that has them:
    « Mère (Claire Dupont) — portable », « Notes », « Enfant (Hugo Martin) »."""
    parts = path.split("/")
    if len(parts) == 1:
        label = FIELD_LABELS.get(path, path)
        return label[:1].upper() + label[1:]
    found = (value_at(d, "/".join(parts[:2])) for d in dossiers)
    item = next((item for item in found if item is not None), None)
    person = person_label(item, parts[0])
    if len(parts) == 2:
        return person
    return f"{person} — {FIELD_LABELS.get(parts[2], parts[2])}"


# A child's health data: never written in a conflict or a message (shown only in the child's
# form, to the roles that may see it, and audited there).
HEALTH_FIELDS = frozenset({"allergies", "pai", "treatments"})


def shown(value: Any, path: str = "") -> str:
    """A value as the agent reads it in a conflict (« (vide) », « oui », a person's name,
    « (retiré du dossier) » for a person at `path` that is not there, a child's health data
    masked)."""
    parts = path.split("/")
    if parts[0] == "children" and len(parts) == 3 and parts[2] in HEALTH_FIELDS:
        return "(donnée de santé, masquée : voir la fiche de l'enfant)"
    if value is None and len(parts) == 2:
        return "(retiré du dossier)"
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dict):
        return f"{value.get('first_name', '')} {value.get('last_name', '')}".strip() or "(fiche)"
    return str(value)


def shown_in(value: Any, path: str, *dossiers: dict[str, Any]) -> str:
    """`shown`, with the holder of a flag (`billing`…) named from the first dossier that has
    them."""
    if path not in EXCLUSIVE:
        return shown(value, path)
    if value is None:
        return "(personne)"
    found = (value_at(d, f"adults/{value}") for d in dossiers)
    adult = next((item for item in found if item is not None), None)
    return shown(adult) if adult is not None else "(personne retirée du dossier)"
