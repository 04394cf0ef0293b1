"""The family's dossier as the portal shows it (seed 003, « Mon dossier »): the legal
guardians (their contacts editable), the third parties, the children (read-only: name, birth
date, school and level, diet and allergies), the authorisations (image, outings, who may
pick the children up), and whom to tell of an error (the organisation's phone and e-mail).
Plain dataclasses, read from the JSON the desk pushed (Family.data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.models import CommuneRecord, Family
from eticket_central.portal.contacts import FIELDS
from eticket_desk.rules.contact import format_phone
from eticket_desk.rules.dossier import DIETS

PHONES = ("phone_home", "phone_mobile", "phone_work")


@dataclass(frozen=True)
class Guardian:
    id: str
    name: str
    relation: str
    values: dict[str, str]  # the editable fields as the form shows them (phones formatted)


@dataclass(frozen=True)
class ThirdParty:
    name: str
    relation: str
    phone: str
    may_pick_up: bool
    emergency_contact: bool


@dataclass(frozen=True)
class ChildView:
    name: str
    birth_date: date | None
    school: str
    level: str
    diet: str
    allergies: str
    pai: bool
    image_authorised: bool
    outing_authorised: bool


@dataclass(frozen=True)
class Mairie:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class DossierView:
    reference: str
    guardians: list[Guardian]
    third_parties: list[ThirdParty]
    children: list[ChildView]
    pick_up: list[str]  # who may pick the children up (besides the guardians)
    mairie: Mairie


def _name(person: dict) -> str:
    return f"{person.get('first_name', '')} {person.get('last_name', '').upper()}".strip()


def guardian_values(adult: dict) -> dict[str, str]:
    values = {name: str(adult.get(name) or "") for name in FIELDS}
    for name in PHONES:
        values[name] = format_phone(values[name])
    return values


def _records(session: Session, tenant_id: uuid.UUID, entity: str) -> list[dict]:
    return list(
        session.execute(
            select(CommuneRecord.data).where(
                CommuneRecord.tenant_id == tenant_id, CommuneRecord.entity == entity
            )
        ).scalars()
    )


def dossier_view(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID) -> DossierView:
    family = session.execute(
        select(Family).where(Family.id == family_id, Family.tenant_id == tenant_id)
    ).scalar_one()
    data = family.data
    adults = data.get("adults", [])
    guardians = [
        Guardian(a["id"], _name(a), a.get("relation", ""), guardian_values(a))
        for a in adults
        if not a.get("third_party")
    ]
    third = [
        ThirdParty(
            _name(a),
            a.get("relation", ""),
            format_phone(a.get("phone_mobile") or a.get("phone_home") or ""),
            bool(a.get("may_pick_up")),
            bool(a.get("emergency_contact")),
        )
        for a in adults
        if a.get("third_party")
    ]
    schools = {s.get("id"): s.get("name", "") for s in _records(session, tenant_id, "school")}
    children = [
        ChildView(
            _name(c),
            date.fromisoformat(c["birth_date"]) if c.get("birth_date") else None,
            schools.get(c.get("school_id"), ""),
            c.get("level") or "",
            DIETS.get(c.get("diet", ""), c.get("diet", "")),
            c.get("allergies", ""),
            bool(c.get("pai")),
            bool(c.get("image_authorised")),
            bool(c.get("outing_authorised")),
        )
        for c in data.get("children", [])
    ]
    organisation = next(iter(_records(session, tenant_id, "organisation")), {})
    mairie = Mairie(
        organisation.get("name", "la mairie"),
        format_phone(organisation.get("phone", "")),
        organisation.get("email", ""),
    )
    pick_up = [t.name for t in third if t.may_pick_up]
    return DossierView(family.reference, guardians, third, children, pick_up, mairie)
