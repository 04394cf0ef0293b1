"""The outbox's family.upsert ops: the whole dossier as it is at commit, one op per family
and transaction, on the server version the desk last knew (plus its ops still waiting)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
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


def _adult(adult) -> dict[str, Any]:
    """An adult's row (Adult's columns) as the op sends it."""
    return {"id": adult.id, **{name: getattr(adult, name) for name in ADULT_FIELDS}}


def _child(levels: dict[uuid.UUID, str], child) -> dict[str, Any]:
    """A child's row (Child's columns) as the op sends it."""
    level = levels.get(child.class_id) if child.class_id is not None else None
    return {
        "id": child.id,
        **{name: getattr(child, name) for name in CHILD_FIELDS},
        "allergies": child.allergies[:4000],
        "treatments": child.treatments[:4000],
        "birth_date": child.birth_date,
        "school_id": child.school_id,
        "level": level if level in LEVELS else None,
    }


def family_ops(session: Session, family_ids: list[uuid.UUID]) -> list:
    """One op per dossier, read 500 at a time (an import commits thousands of them; a first
    upload, every dossier) as the rows' final state: plain rows, no ORM objects."""
    levels = dict(session.execute(select(SchoolClass.id, SchoolClass.level)).all())
    ops = []
    for start in range(0, len(family_ids), 500):
        chunk = family_ids[start : start + 500]
        keys = [f"family:{family_id}" for family_id in chunk]
        families = {
            family.id: family
            for family in session.execute(select(*_FAMILY).where(Family.id.in_(chunk)))
        }
        members = _by_family(session, _ADULT, Adult, chunk)
        children = _by_family(session, _CHILD, Child, chunk)
        known = dict(
            session.execute(
                select(ServerVersion.entity_id, ServerVersion.version).where(
                    ServerVersion.entity == "family",
                    ServerVersion.entity_id.in_([str(family_id) for family_id in chunk]),
                )
            ).all()
        )
        # Each op still waiting will bump the server's version by one when applied.
        waiting = dict(
            session.execute(
                select(OutboxOp.entity_key, func.count())
                .where(OutboxOp.entity_key.in_(keys), OutboxOp.status == "pending")
                .group_by(OutboxOp.entity_key)
            ).all()
        )
        portals = {
            portal.family_id: portal
            for portal in session.execute(
                select(
                    PortalAccount.family_id, PortalAccount.login, PortalAccount.password_hash
                ).where(PortalAccount.family_id.in_(chunk))
            )
        }
        for family_id, key in zip(chunk, keys, strict=True):
            family = families.get(family_id)
            if family is None:
                continue
            payload = {
                "family_id": family.id,
                "base_version": known.get(str(family_id), 0) + waiting.get(key, 0),
                "reference": family.reference,
                "status": family.status,
                "notes": family.notes[:4000],
                "quotient": family.qf_value,
                "adults": [_adult(a) for a in members.get(family_id, ())],
                "children": [_child(levels, c) for c in children.get(family_id, ())],
            }
            portal = portals.get(family_id)
            if portal is not None and portal.password_hash.startswith("$argon2"):
                payload["portal"] = {"login": portal.login, "password_hash": portal.password_hash}
            label = f"Dossier {family.reference} {family.display_name}".strip()
            ops.append((OpType.FAMILY_UPSERT, payload, key, label))
    return ops


_FAMILY = (
    Family.id,
    Family.reference,
    Family.status,
    Family.notes,
    Family.qf_value,
    Family.display_name,
)
_ADULT = (Adult.family_id, Adult.id, *(getattr(Adult, name) for name in ADULT_FIELDS))
_CHILD = (
    Child.family_id,
    Child.id,
    *(getattr(Child, name) for name in CHILD_FIELDS),
    Child.birth_date,
    Child.school_id,
    Child.class_id,
)


def _by_family(session: Session, columns: tuple, model, family_ids: list) -> dict[uuid.UUID, list]:
    """The adults or the children of these families, each family's in their order."""
    rows: dict[uuid.UUID, list] = defaultdict(list)
    query = select(*columns).where(model.family_id.in_(family_ids)).order_by(model.position)
    for row in session.execute(query):
        rows[row.family_id].append(row)
    return rows
