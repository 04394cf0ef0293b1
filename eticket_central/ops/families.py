"""family.upsert: the dossier as a JSON snapshot, last writer wins on the current version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Child, Family, PortalAccount
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.sync.protocol import FamilyUpsert, OpType, RejectCode


def family_data(family: Family) -> dict[str, Any]:
    """What pull and the snapshot say of a dossier (never the portal password hash)."""
    return {**family.data, "version": family.version, "updated_at": family.updated_at.isoformat()}


def _owned(payload: FamilyUpsert):
    return [(Family, payload.family_id)] + [(Child, child.id) for child in payload.children]


@handler(OpType.FAMILY_UPSERT, owned_ids=_owned)
def upsert_family(
    session: Session, ctx: OpContext, payload: FamilyUpsert, now: datetime
) -> dict[str, Any]:
    data = payload.model_dump(mode="json", exclude={"base_version", "portal"})
    data["portal_login"] = payload.portal.login if payload.portal else None
    family = session.execute(
        select(Family)
        .where(Family.id == payload.family_id)
        .with_for_update(key_share=True)  # FOR NO KEY UPDATE: see locks.py
    ).scalar_one_or_none()
    current = family.version if family is not None else 0
    if payload.base_version != current:
        raise Rejected(
            RejectCode.STALE_VERSION,
            f"Le dossier {payload.reference} a été modifié ailleurs depuis (version "
            f"{current} sur le serveur, {payload.base_version} sur ce poste) : recevez les "
            "changements puis refaites la modification.",
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
    else:
        family.reference, family.status = payload.reference, payload.status.value
        family.version, family.data, family.updated_at = current + 1, data, now
    for child in payload.children:
        values = {
            "name": f"{child.first_name} {child.last_name}",
            "school_id": child.school_id,
            "level": child.level,
            "family_id": family.id,
        }
        session.execute(
            pg_insert(Child)
            .values(id=child.id, tenant_id=ctx.tenant_id, **values)
            .on_conflict_do_update(index_elements=[Child.id], set_=values)
        )
    if payload.portal is not None:
        _set_portal(session, ctx, payload)
    session.flush()
    record(session, "family", family.id, family_data(family))
    return {"family_id": str(family.id), "version": family.version}


def _set_portal(session: Session, ctx: OpContext, payload: FamilyUpsert) -> None:
    taken = session.execute(
        select(PortalAccount.family_id).where(
            PortalAccount.tenant_id == ctx.tenant_id,
            PortalAccount.login == payload.portal.login,
            PortalAccount.family_id != payload.family_id,
        )
    ).first()
    if taken is not None:
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"L'identifiant du portail « {payload.portal.login} » est déjà celui d'une "
            "autre famille.",
        )
    values = {"login": payload.portal.login, "password_hash": payload.portal.password_hash}
    session.execute(
        pg_insert(PortalAccount)
        .values(family_id=payload.family_id, tenant_id=ctx.tenant_id, **values)
        .on_conflict_do_update(index_elements=[PortalAccount.family_id], set_=values)
    )
