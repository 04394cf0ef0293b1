"""Guessing the column mapping from French headers ("Nom responsable", "Tél. portable"…).

Headers are compared accent- and case-insensitively, word by word. A column whose header
names an activity (its code or its name) holds registrations; so does an upper-case code
the base does not know whose cells read as week days, so the dry run can point at it.
"""

from __future__ import annotations

import re

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.text import fold
from eticket_desk.services.importing.cells import read_week_template
from eticket_desk.services.importing.reading import Table
from eticket_desk.services.importing.targets import ImportMapping

_CHILD = {"enfant", "enfants", "eleve", "eleves", "enf"}
_ROLE_WORDS = {"responsable", "resp", "parent", "adulte", "representant", "r", "tuteur"}
_ROLE_GLUED = re.compile(r"^(?:responsable|resp|parent|adulte|representant|r)([12])$")
_SECOND = {"pere", "conjoint", "second", "seconde", "deuxieme"}
_FIRST = {"mere", "premier", "premiere"}
_STOP = {"de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "en", "et"}


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w]


def _role(tokens: list[str]) -> tuple[str | None, int | None]:
    """("child" | "adult1" | "adult2" | None, a bare number that is not a role)."""
    if _CHILD & set(tokens):
        return "child", None
    bare = None
    for i, token in enumerate(tokens):
        if glued := _ROLE_GLUED.match(token):
            return f"adult{glued.group(1)}", None
        if token in ("1", "2"):
            if i and tokens[i - 1] in _ROLE_WORDS:
                return f"adult{token}", None
            bare = int(token)
    if _SECOND & set(tokens):
        return "adult2", bare
    if _FIRST & set(tokens) or _ROLE_WORDS & set(tokens):
        return "adult1", bare
    return None, bare


def _attribute(tokens: list[str], bare: int | None) -> str | None:
    t = set(tokens)
    joined = " ".join(tokens)
    if t & {"reference", "ref", "dossier"} or re.search(r"\b(code|numero|n|no|id) famille", joined):
        return "family.reference"
    if t & {"quotient", "qf"}:
        return "family.qf"
    if t & {"naissance", "ddn"} or "ne le" in joined or "nee le" in joined:
        return "child.birth_date"
    if t & {"ecole", "etablissement"} or "groupe scolaire" in joined:
        return "child.school"
    if t & {"classe", "niveau"}:
        return "child.class"
    if t & {"regime", "alimentation"}:
        return "child.diet"
    if t & {"prenom", "prenoms"}:
        return "first_name"
    if t & {"nom", "patronyme"}:
        return "last_name"
    if t & {"portable", "mobile", "gsm", "port", "cellulaire"}:
        return "phone_mobile"
    if t & {"fixe", "domicile", "maison"}:
        return "phone_home"
    if t & {"tel", "telephone", "tl", "phone"}:
        return "phone"
    if t & {"mail", "email", "courriel", "mel"}:
        return "email"
    if "postal" in t or t & {"cp", "cpostal"} and len(t) <= 2:
        return "postcode"
    if t & {"adresse", "adr", "rue", "voie"}:
        if "complement" in t or "suite" in t or bare == 2:
            return "address2"
        return "address3" if bare == 3 else "address1"
    if "complement" in t:
        return "address2"
    if t & {"ville", "commune", "localite"}:
        return "city"
    if t & {"lien", "relation", "qualite", "parente"}:
        return "relation"
    if t & {"facturation", "payeur", "facture", "factures", "paiement"}:
        return "billing"
    if "urgence" in t:
        return "emergency_contact"
    if t & {"legal", "legale", "autorite"}:
        return "legal_guardian"
    return None


_CHILD_ONLY = ("first_name", "last_name")


def _field_for(header: str, taken: set[str], explicit_child: set[str]) -> str | None:
    tokens = words(header)
    if not tokens:
        return None
    role, bare = _role(tokens)
    attribute = _attribute(tokens, bare)
    if attribute is None:
        return None
    if "." in attribute:
        return attribute if attribute not in taken else None
    if role == "child":
        candidates = ["child"] if attribute in _CHILD_ONLY else []
    elif role is not None:
        # "Nom responsable" twice: the second is the other parent
        candidates = [role, "adult2"] if role == "adult1" else [role]
    elif attribute in _CHILD_ONLY and f"child.{attribute}" not in explicit_child:
        candidates = ["child", "adult1", "adult2"]  # a bare "Nom" first names the child
    else:
        candidates = ["adult1", "adult2"]
    names = ("phone_mobile", "phone_home") if attribute == "phone" else (attribute,)
    for who in candidates:
        for name in names:
            if f"{who}.{name}" not in taken:
                return f"{who}.{name}"
    return None


def activity_for(header: str, activities: list[ActivitySpec]) -> ActivitySpec | None:
    """The activity a header names: its code ("BUS_0830") or its name ("Bus 8h30")."""
    folded = [w for w in words(header) if w not in _STOP]
    while folded and folded[0] in ("inscription", "inscriptions", "inscr", "activite"):
        folded = folded[1:]
    for activity in activities:
        for name in (activity.code.replace("_", " "), activity.name):
            if folded == [w for w in words(name) if w not in _STOP]:
                return activity
    return None


_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,19}$")


def _looks_like_registrations(table: Table, column: int) -> bool:
    samples = [table.cell(i, column) for i in range(min(len(table.rows), 30))]
    samples = [s for s in samples if s]
    if not samples:
        return False
    try:
        return all(read_week_template(s, (0, 1, 2, 3, 4)) is not None for s in samples)
    except InvalidInput:
        return False


def guess_mapping(table: Table, activities: list[ActivitySpec]) -> ImportMapping:
    """The mapping a person would most likely choose; the wizard lets them correct it."""
    mapping = ImportMapping()
    explicit_child = {
        f"child.{_attribute(words(h), None)}"
        for h in table.headers
        if _role(words(h))[0] == "child"
    }
    taken: set[str] = set()
    for column, header in enumerate(table.headers):
        activity = activity_for(header, activities)
        if activity is not None and activity.code not in mapping.activities.values():
            mapping.activities[column] = activity.code
            continue
        key = _field_for(header, taken, explicit_child)
        if key is not None:
            mapping.fields[key] = column
            taken.add(key)
        elif _CODE.match(header.strip()) and _looks_like_registrations(table, column):
            mapping.activities[column] = header.strip()
    return mapping
