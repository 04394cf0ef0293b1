"""What an import compares rows with: schools and classes, activities, the school year, and
the children already in the base (to find duplicates), read once per dry run or import."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Child, Family, School, SchoolClass
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.text import fold
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import SchoolYearInfo, read_school_years
from eticket_desk.services.importing.guess import words

# Words that say what kind of school it is, not which: "École maternelle et élémentaire Jules
# Ferry" and "Jules Ferry" name the same school.
_GENERIC = {
    "ecole",
    "ecoles",
    "maternelle",
    "elementaire",
    "primaire",
    "groupe",
    "scolaire",
    "publique",
    "privee",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "l",
    "d",
    "et",
}


@dataclass(frozen=True)
class ClassRef:
    id: uuid.UUID
    name: str
    level: str


@dataclass(frozen=True)
class SchoolRef:
    id: uuid.UUID
    name: str
    classes: tuple[ClassRef, ...]

    @property
    def phrase(self) -> str:
        """ "l'école Jules Ferry" for « École Jules Ferry »."""
        if fold(self.name).startswith("ecole"):
            return "l'é" + self.name[1:]
        return f"l'école « {self.name} »"

    def find_class(self, text: str) -> ClassRef | None:
        folded = fold(text).replace(" ", "")
        for c in self.classes:
            if fold(c.name).replace(" ", "") == folded:
                return c
        by_level = [c for c in self.classes if fold(c.level) == folded]
        return by_level[0] if len(by_level) == 1 else None


@dataclass(frozen=True)
class ExistingChild:
    id: uuid.UUID
    name: str
    birth_date: date
    family_id: uuid.UUID
    family_reference: str
    family_name: str
    family_status: str


def child_key(last_name: str, first_name: str, birth: date | None) -> tuple[str, str, date | None]:
    """How two children are the same: names folded (accents, case, spaces) and birth date."""
    return (" ".join(words(last_name)), " ".join(words(first_name)), birth)


@dataclass
class Reference:
    schools: list[SchoolRef]
    activities: dict[str, ActivitySpec]  # code -> activity (active ones)
    year: SchoolYearInfo | None
    children: dict[tuple, ExistingChild] = field(default_factory=dict)
    classes: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # class -> school
    levels: dict[uuid.UUID, str] = field(default_factory=dict)  # class -> level

    def find_school(self, text: str) -> SchoolRef | None:
        folded = fold(" ".join(text.split()))
        for school in self.schools:
            if fold(school.name) == folded:
                return school
        wanted = set(words(text)) - _GENERIC
        if not wanted:
            return None
        same = [s for s in self.schools if set(words(s.name)) - _GENERIC == wanted]
        if len(same) == 1:
            return same[0]
        close = [
            s
            for s in self.schools
            if (mine := set(words(s.name)) - _GENERIC) and (mine <= wanted or wanted <= mine)
        ]
        return close[0] if len(close) == 1 else None

    def school_names(self) -> str:
        return ", ".join(s.name for s in self.schools) or "aucune école enregistrée"


def current_year(years: list[SchoolYearInfo], today: date) -> SchoolYearInfo | None:
    """The school year containing today, or else the next one to come."""
    for year in years:
        if year.start <= today <= year.end:
            return year
    coming = [y for y in years if y.start > today]
    return coming[0] if coming else None


def read_reference(session: Session, today: date, *, with_children: bool = True) -> Reference:
    schools = []
    classes: dict[uuid.UUID, uuid.UUID] = {}
    levels: dict[uuid.UUID, str] = {}
    rows = session.execute(
        select(School.id, School.name, SchoolClass.id, SchoolClass.name, SchoolClass.level)
        .outerjoin(SchoolClass, SchoolClass.school_id == School.id)
        .order_by(School.name, SchoolClass.position)
    )
    by_school: dict[uuid.UUID, tuple[str, list[ClassRef]]] = {}
    for school_id, school_name, class_id, class_name, level in rows:
        entry = by_school.setdefault(school_id, (school_name, []))
        if class_id is not None:
            entry[1].append(ClassRef(class_id, class_name, level))
            classes[class_id] = school_id
            levels[class_id] = level
    for school_id, (name, found) in by_school.items():
        schools.append(SchoolRef(school_id, name, tuple(found)))
    reference = Reference(
        schools=schools,
        activities={a.code: a for a in activities_in(session)},
        year=current_year(read_school_years(session), today),
        classes=classes,
        levels=levels,
    )
    if with_children:
        for child_id, last, first, birth, family_id, ref, name, status in session.execute(
            select(
                Child.id,
                Child.last_name,
                Child.first_name,
                Child.birth_date,
                Family.id,
                Family.reference,
                Family.display_name,
                Family.status,
            )
            .join(Family, Family.id == Child.family_id)
            .where(Child.birth_date.is_not(None))
        ):
            reference.children[child_key(last, first, birth)] = ExistingChild(
                child_id, f"{first} {last.upper()}", birth, family_id, ref, name, status
            )
    return reference
