"""The outbox's family.upsert ops: the whole dossier as it is at commit, one op per family
and transaction, on the server version the desk last knew (plus its ops still waiting), with
what it changed since the dossier's baseline (the state this desk last sent or received:
`sync_family_baseline`), path by path, for the server to merge (rules/dossier_edits.py). A
new dossier, or one without a baseline, goes whole. Writing the op moves the baseline.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, Child, Family, PortalAccount, SchoolClass
from eticket_desk.models.dossier_sync import FamilyBaseline
from eticket_desk.models.sync import OutboxOp, ServerVersion
from eticket_desk.rules.activity import LEVELS
from eticket_desk.rules.dossier_edits import edits_between
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
        portals: dict[uuid.UUID, list[dict[str, Any]]] = {}
        for portal in session.scalars(
            select(PortalAccount)
            .where(PortalAccount.family_id.in_(chunk))
            .order_by(PortalAccount.login)
        ):
            if portal.password_hash.startswith("$argon2"):
                portals.setdefault(portal.family_id, []).append(
                    {
                        "adult_id": portal.adult_id,
                        "login": portal.login,
                        "password_hash": portal.password_hash,
                        "must_change": portal.must_change_password,
                        "issued_at": portal.issued_at,
                    }
                )
        baselines = dict(
            session.execute(
                select(FamilyBaseline.family_id, FamilyBaseline.data).where(
                    FamilyBaseline.family_id.in_(chunk)
                )
            ).all()
        )
        moved = []
        for family, dossier in _dossiers(session, chunk, levels):
            key = f"family:{family.id}"
            base_version = known.get(str(family.id), 0) + waiting.get(key, 0)
            payload = {"family_id": family.id, "base_version": base_version, **dossier}
            text = _encode(dossier)  # its JSON: the baseline as stored, and to compare
            baseline = baselines.get(family.id)
            if base_version and baseline is not None:
                edits = edits_between(json.loads(baseline), json.loads(text))
                payload["edits"] = [{"path": e.path, "old": e.old} for e in edits]
            moved.append({"family_id": family.id, "data": text})
            if family.id in portals:
                payload["portals"] = portals[family.id]
            label = f"Dossier {family.reference} {family.display_name}".strip()
            ops.append((OpType.FAMILY_UPSERT, payload, key, label))
        if moved:
            session.execute(_MOVE_BASELINE, moved)
    return ops


def keep_baselines(session: Session, family_ids: list[uuid.UUID]) -> None:
    """These dossiers as they are now become their baselines (a pull brought them to the
    server's state): the next op of each says what changed since."""
    levels = dict(session.execute(select(SchoolClass.id, SchoolClass.level)).all())
    for start in range(0, len(family_ids), 500):
        chunk = family_ids[start : start + 500]
        moved = [
            {"family_id": family.id, "data": _encode(dossier)}
            for family, dossier in _dossiers(session, chunk, levels)
        ]
        if moved:
            session.execute(_MOVE_BASELINE, moved)


def without_baseline(session: Session) -> list[uuid.UUID]:
    """The dossiers with no baseline and no op waiting (known before baselines were kept):
    as they are here is what this desk last sent or received, their baseline to be."""
    waiting = {
        key.removeprefix("family:")
        for key in session.scalars(
            select(OutboxOp.entity_key).where(
                OutboxOp.status == "pending", OutboxOp.entity_key.like("family:%")
            )
        )
    }
    missing = select(Family.id).where(Family.id.not_in(select(FamilyBaseline.family_id)))
    return [family_id for family_id in session.scalars(missing) if str(family_id) not in waiting]


def _dossiers(session: Session, chunk: list[uuid.UUID], levels: dict):
    """(family row, the dossier's fields as an op sends them) of these families."""
    families = {
        family.id: family
        for family in session.execute(select(*_FAMILY).where(Family.id.in_(chunk)))
    }
    members = _by_family(session, _ADULT, Adult, chunk)
    children = _by_family(session, _CHILD, Child, chunk)
    for family_id in chunk:
        family = families.get(family_id)
        if family is None:
            continue
        yield (
            family,
            {
                "reference": family.reference,
                "status": family.status,
                "notes": family.notes[:4000],
                "quotient": family.qf_value,
                "adults": [_adult(a) for a in members.get(family_id, ())],
                "children": [_child(levels, c) for c in children.get(family_id, ())],
            },
        )


_encode = json.JSONEncoder(default=str, ensure_ascii=False).encode
_NEW_BASELINE = sqlite_insert(FamilyBaseline)
_MOVE_BASELINE = _NEW_BASELINE.on_conflict_do_update(
    index_elements=["family_id"], set_={"data": _NEW_BASELINE.excluded.data}
)


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
