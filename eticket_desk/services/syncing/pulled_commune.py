"""A school (and its classes) or the organisation changed at another desk, brought here: a new
class at the rentrée, the régie's new trésorerie address on the invoices.

Classes are added and updated by id; a class the server no longer has is removed here only
when no child is in it. A new school whose name is another one's here is skipped. The logo
stays each desk's own.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Child, Organisation, School, SchoolClass
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.syncing.pulled_planning import set_values


def apply_school(session: Session, change, waiting: set[str]) -> bool:
    if f"school:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    school = session.get(School, uuid.UUID(change.id))
    changed = school is None
    if school is None:
        if session.scalar(select(School.id).where(School.name == data["name"])):
            return False
        school = School(id=uuid.UUID(change.id), name=data["name"])
        session.add(school)
    changed |= set_values(school, {"name": data["name"], "address": data.get("address", "")})
    known = {c.id: c for c in school.classes}
    kept = set()
    for item in data.get("classes", []):
        class_id = uuid.UUID(item["id"])
        kept.add(class_id)
        row = known.get(class_id)
        if row is None:
            if any(c.name == item["name"] for c in school.classes):
                continue  # a class of that name made here: this desk's stays
            row = SchoolClass(id=class_id, name=item["name"], level=item["level"])
            school.classes.append(row)
            changed = True
        values = {"name": item["name"], "level": item["level"], "position": item["position"]}
        changed |= set_values(row, values)
    for row in list(school.classes):
        if row.id not in kept and row.id in known:
            used = session.scalar(select(Child.id).where(Child.class_id == row.id).limit(1))
            if used is None:
                school.classes.remove(row)
                changed = True
    return changed


def apply_organisation(session: Session, change, waiting: set[str]) -> bool:
    if f"organisation:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    org = session.scalar(select(Organisation))  # one per base, whatever its id here
    if org is None:
        org = Organisation(id=uuid.UUID(change.id), name=data["name"])
        session.add(org)
    names = [f for f in OrganisationData.__dataclass_fields__ if f in data]
    return set_values(org, {name: data[name] for name in names})
