"""family.upsert: the dossier as a JSON snapshot. An op with its edits (what the desk changed
since the state it last knew) is merged into the current dossier whatever its version, the
conflicts in its answer (family_edits.py); an op without (a new dossier, an older desk) is
the whole dossier on the version it names, refused STALE_VERSION when the server moved on.

A run of new dossiers (a first upload's 6,000) is written in a handful of statements when
none of them can be refused: none known yet, no number nor portal login taken, in the
commune or twice in the run. Otherwise each is applied alone (and refused alone).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.json_rows import json_array, json_values
from eticket_central.models import Child, Family, PortalAccount
from eticket_central.ops import portal_accounts
from eticket_central.ops.family_edits import differences, merge_into
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.sync.protocol import FamilyUpsert, OpType, RejectCode


def family_data(family: Family) -> dict[str, Any]:
    """What pull and the snapshot say of a dossier (never the portal password hash)."""
    return {**family.data, "version": family.version, "updated_at": family.updated_at.isoformat()}


def _owned(payload: FamilyUpsert):
    return [(Family, payload.family_id)] + [(Child, child.id) for child in payload.children]


def _data(payload: FamilyUpsert) -> dict[str, Any]:
    data = payload.model_dump(mode="json", exclude={"base_version", "portal", "portals", "edits"})
    data["portal_accounts"] = sorted(
        (
            {
                "adult_id": str(a.adult_id) if a.adult_id else None,
                "login": a.login,
                "password_changed_at": None,
            }
            for a in portal_accounts.carried(payload)
        ),
        key=lambda a: a["login"],
    )
    return data


_TAKEN = text(
    "SELECT 1 FROM families WHERE id = ANY(CAST(:ids AS uuid[])) OR (tenant_id = :tenant_id "
    "AND reference = ANY(CAST(:references AS text[]))) UNION ALL SELECT 1 FROM portal_accounts "
    "WHERE tenant_id = :tenant_id AND login = ANY(CAST(:logins AS text[])) LIMIT 1"
)
_NEW_FAMILIES = text(
    "INSERT INTO families (id, tenant_id, reference, status, version, data, updated_at) "
    "SELECT f.id, :tenant_id, f.reference, f.status, 1, f.data, :updated_at FROM unnest("
    "CAST(:ids AS uuid[]), CAST(:references AS text[]), CAST(:statuses AS text[]), "
    "" + json_array("data") + ") AS f(id, reference, status, data) ON CONFLICT DO NOTHING "
    "RETURNING id"
)
_CHILDREN = text(
    "INSERT INTO children (id, tenant_id, family_id, name, school_id, level) "
    "SELECT c.id, :tenant_id, c.family_id, c.name, c.school_id, c.level FROM unnest("
    "CAST(:ids AS uuid[]), CAST(:families AS uuid[]), CAST(:names AS text[]), "
    "CAST(:schools AS uuid[]), CAST(:levels AS text[])) AS c(id, family_id, name, school_id, "
    "level) ON CONFLICT (id) DO UPDATE SET family_id = EXCLUDED.family_id, "
    "name = EXCLUDED.name, school_id = EXCLUDED.school_id, level = EXCLUDED.level"
)


def _unique(values: list) -> bool:
    return len(set(values)) == len(values)


def new_families(
    session: Session, ctxs: list[OpContext], payloads: list[FamilyUpsert], now: datetime
) -> list[dict[str, Any]] | None:
    """family.upsert's `apply_run`: new dossiers none of which can be refused, in a few
    statements, each answered and recorded as `upsert_family` would; else None."""
    tenant_id = ctxs[0].tenant_id
    ids = [p.family_id for p in payloads]
    references = [p.reference for p in payloads]
    logins = [a.login for p in payloads for a in portal_accounts.carried(p)]
    children = [(child, p.family_id) for p in payloads for child in p.children]
    if (
        any(p.base_version != 0 for p in payloads)
        or not _unique(ids)
        or not _unique(references)
        or not _unique(logins)
        or not _unique([child.id for child, _ in children])
    ):
        return None
    common = {"tenant_id": tenant_id, "ids": ids, "references": references}
    if session.execute(_TAKEN, {**common, "logins": logins}).first() is not None:
        return None
    data = [_data(p) for p in payloads]
    created = session.execute(
        _NEW_FAMILIES,
        {
            **common,
            "updated_at": now,
            "statuses": [p.status.value for p in payloads],
            "data": json_values(data),
        },
    ).all()
    if len(created) != len(payloads):
        return None  # created meanwhile elsewhere: each is refused alone
    if children:
        session.execute(
            _CHILDREN,
            {
                "tenant_id": tenant_id,
                "ids": [child.id for child, _ in children],
                "families": [family_id for _, family_id in children],
                "names": [f"{child.first_name} {child.last_name}" for child, _ in children],
                "schools": [child.school_id for child, _ in children],
                "levels": [child.level for child, _ in children],
            },
        )
    portals = portal_accounts.new_rows(tenant_id, payloads, now)
    if portals:
        session.execute(insert(PortalAccount), portals)
    stamp = now.isoformat()
    for payload, snapshot in zip(payloads, data, strict=True):
        record(
            session, "family", payload.family_id, {**snapshot, "version": 1, "updated_at": stamp}
        )
    return [{"family_id": str(family_id), "version": 1} for family_id in ids]


@handler(OpType.FAMILY_UPSERT, owned_ids=_owned, apply_run=new_families)
def upsert_family(
    session: Session, ctx: OpContext, payload: FamilyUpsert, now: datetime
) -> dict[str, Any]:
    data = _data(payload)
    family = session.execute(
        select(Family)
        .where(Family.id == payload.family_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: see locks.py
    ).scalar_one_or_none()
    current = family.version if family is not None else 0
    merging = family is not None and payload.edits is not None
    if payload.base_version != current and not merging:
        raise Rejected(
            RejectCode.STALE_VERSION,
            f"Le dossier {payload.reference} a été modifié ailleurs depuis (version "
            f"{current} sur le serveur, {payload.base_version} sur ce poste) : recevez les "
            "changements puis refaites la modification." + differences(family, data),
        )
    if family is None:
        taken = session.execute(
            select(Family.id).where(
                Family.tenant_id == ctx.tenant_id, Family.reference == payload.reference
            )
        ).first()
        if taken is not None:
            raise Rejected(
                RejectCode.INVALID_DATA,
                f"Le numéro de dossier {payload.reference} est déjà celui d'un autre dossier de "
                "la commune (créé sur un autre poste) : ce poste doit numéroter dans son propre "
                "bloc — synchronisez-le, puis recréez ce dossier.",
            )
        created = session.execute(
            pg_insert(Family)
            .values(
                id=payload.family_id,
                tenant_id=ctx.tenant_id,
                reference=payload.reference,
                status=payload.status.value,
                version=1,
                data=data,
                updated_at=now,
            )
            .on_conflict_do_nothing()
            .returning(Family.id)
        ).scalar_one_or_none()
        if created is None:  # another desk created it in the meantime
            raise Rejected(
                RejectCode.STALE_VERSION,
                f"Le dossier {payload.reference} vient d'être créé par un autre poste.",
            )
        family = session.get(Family, payload.family_id)
    elif merging:
        conflicts, differs = merge_into(session, ctx, family, data, payload.edits, now)
        # The desk did not know the current version: it may have pulled the versions in
        # between (another desk's dossier) after this op, so it takes the merged one too.
        differs = differs or payload.base_version != current
        family.reference, family.status = family.data["reference"], family.data["status"]
        family.version, family.updated_at = current + 1, now
    else:
        family.reference, family.status = payload.reference, payload.status.value
        family.version, family.data, family.updated_at = current + 1, data, now
    for child in family.data.get("children", []):
        school_id = child.get("school_id")
        values = {
            "name": f"{child['first_name']} {child['last_name']}",
            "school_id": uuid.UUID(school_id) if school_id else None,
            "level": child.get("level"),
            "family_id": family.id,
        }
        session.execute(
            pg_insert(Child)
            .values(id=uuid.UUID(child["id"]), tenant_id=ctx.tenant_id, **values)
            .on_conflict_do_update(index_elements=[Child.id], set_=values)
        )
    portal_accounts.set_accounts(session, ctx, payload)
    portal_accounts.drop_departed(session, family)
    portal_accounts.refresh_summary(session, family)
    session.flush()
    answer: dict[str, Any] = {"family_id": str(family.id), "version": family.version}
    if not merging:
        record(session, "family", family.id, family_data(family))
        return answer
    # A merged dossier unlike the desk's goes back to that desk too (its pull takes it).
    record(session, "family", family.id, {**family_data(family), "merged": differs})
    if conflicts:
        answer["conflicts"] = conflicts
    return answer
