"""The outbox's family.upsert ops: the whole dossier as it is at commit, one op per family
and transaction, on the server version the desk last knew (plus its ops still waiting)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, Child, Family, PortalAccount, SchoolClass
from eticket_desk.models.sync import OutboxOp, ServerVersion
from eticket_desk.rules.activity import LEVELS
from eticket_desk.sync.wire import OpType

ADULT_FIELDS = (
    "last_name",
    "first_name",
    "relation",
    "third_party",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "phone_work_mobile",
    "email",
    "address1",
    "address2",
    "address3",
    "postcode",
    "city",
    "legal_guardian",
    "billing",
    "emergency_contact",
    "may_pick_up",
)
# A child's fields sent as they are (the school, its level and the birth date are converted).
CHILD_FIELDS = (
    "last_name",
    "first_name",
    "diet",
    "allergies",
    "pai",
    "treatments",
    "image_authorised",
    "outing_authorised",
)


def _adult(adult: Adult) -> dict[str, Any]:
    return {"id": adult.id, **{name: getattr(adult, name) for name in ADULT_FIELDS}}


def _child(session: Session, child: Child) -> dict[str, Any]:
    level = None
    if child.class_id is not None:
        school_class = session.get(SchoolClass, child.class_id)
        level = school_class.level if school_class and school_class.level in LEVELS else None
    return {
        "id": child.id,
        **{name: getattr(child, name) for name in CHILD_FIELDS},
        "allergies": child.allergies[:4000],
        "treatments": child.treatments[:4000],
        "birth_date": child.birth_date,
        "school_id": child.school_id,
        "level": level,
    }


def pending_family_ops(session: Session, family_id: uuid.UUID) -> int:
    return len(
        session.execute(
            select(OutboxOp.seq).where(
                OutboxOp.entity_key == f"family:{family_id}", OutboxOp.status == "pending"
            )
        ).all()
    )


def family_ops(session: Session, family_ids: list[uuid.UUID]) -> list:
    ops = []
    for family_id in family_ids:
        family = session.get(Family, family_id)
        if family is None:
            continue
        known = session.get(ServerVersion, ("family", str(family_id)))
        # Each op still waiting will bump the server's version by one when applied.
        base = (known.version if known else 0) + pending_family_ops(session, family_id)
        portal = session.execute(
            select(PortalAccount).where(PortalAccount.family_id == family_id)
        ).scalar_one_or_none()
        payload = {
            "family_id": family.id,
            "base_version": base,
            "reference": family.reference,
            "status": family.status,
            "notes": family.notes[:4000],
            "quotient": family.qf_value,
            "adults": [_adult(a) for a in family.members],
            "children": [_child(session, c) for c in family.children],
        }
        if portal is not None and portal.password_hash.startswith("$argon2"):
            payload["portal"] = {"login": portal.login, "password_hash": portal.password_hash}
        label = f"Dossier {family.reference} {family.display_name}".strip()
        ops.append((OpType.FAMILY_UPSERT, payload, f"family:{family.id}", label))
    return ops
