"""The guardians' portal logins a family op carries (family.upsert's `portals`, or an older
desk's one `portal` for the family) and what the desks learn of them back.

A desk's letter sets a guardian's password (hash, must change it). A password the parent
chose on the portal is newer than the letter: a later family op from any desk (which still
carries the letter's hash) leaves it alone; only a letter issued after the change replaces it.
A replaced password closes that guardian's sessions, and only theirs.

The dossier's snapshot (`family.data["portal_accounts"]`) says, for each guardian, the login
and when the parent chose their own password: the desks show it (« mot de passe personnalisé
le … ») and never receive a hash.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, true
from sqlalchemy.orm import Session

from eticket_central.models import Family, PortalAccount, PortalSessionRow
from eticket_central.ops.registry import OpContext, Rejected
from eticket_desk.sync.protocol import FamilyUpsert, RejectCode


def carried(payload: FamilyUpsert) -> list:
    """The accounts an op carries: a desk's per guardian, or an older desk's one (which
    cannot say its letter is unused: its parent is not forced to change it, like the
    accounts migration 0008 found)."""
    if payload.portals is not None:
        return list(payload.portals)
    if payload.portal is None:
        return []
    return [payload.portal.model_copy(update={"must_change": False})]


def summary(session: Session, family_id: uuid.UUID) -> list[dict[str, Any]]:
    """What the desks are told of the dossier's logins (never a hash)."""
    rows = session.scalars(
        select(PortalAccount)
        .where(PortalAccount.family_id == family_id)
        .order_by(PortalAccount.login)
    )
    return [
        {
            "adult_id": str(row.adult_id) if row.adult_id else None,
            "login": row.login,
            "password_changed_at": (
                row.password_changed_at.isoformat() if row.password_changed_at else None
            ),
        }
        for row in rows
    ]


def refresh_summary(session: Session, family: Family) -> None:
    session.flush()
    family.data = {**family.data, "portal_accounts": summary(session, family.id)}


def close_sessions(session: Session, account: PortalAccount) -> None:
    """Every open session of this guardian ends (their password was replaced)."""
    session.execute(
        delete(PortalSessionRow).where(
            PortalSessionRow.family_id == account.family_id,
            PortalSessionRow.adult_id.is_(None)
            if account.adult_id is None
            else PortalSessionRow.adult_id == account.adult_id,
        )
    )


def set_accounts(session: Session, ctx: OpContext, payload: FamilyUpsert) -> None:
    """The op's accounts onto the family's, by guardian (an older desk's family account, with
    no guardian, is found by its login)."""
    wanted = carried(payload)
    if not wanted:
        return
    logins = [a.login for a in wanted]
    taken = session.execute(
        select(PortalAccount.login).where(
            PortalAccount.tenant_id == ctx.tenant_id,
            PortalAccount.login.in_(logins),
            PortalAccount.family_id != payload.family_id,
        )
    ).first()
    if taken is not None:
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"L'identifiant du portail « {taken[0]} » est déjà celui d'une autre famille.",
        )
    rows = list(
        session.scalars(
            select(PortalAccount)
            .where(PortalAccount.family_id == payload.family_id)
            .with_for_update()
        )
    )
    for access in wanted:
        row = next((r for r in rows if access.adult_id and r.adult_id == access.adult_id), None)
        row = row or next((r for r in rows if r.login == access.login), None)
        if row is None:
            row = PortalAccount(
                id=uuid.uuid4(),
                family_id=payload.family_id,
                tenant_id=ctx.tenant_id,
                adult_id=access.adult_id,
                login=access.login,
            )
            _letter(row, access)
            session.add(row)
            rows.append(row)
            continue
        row.adult_id = access.adult_id or row.adult_id
        row.login = access.login
        if row.password_hash == access.password_hash or not _newer(access, row):
            continue
        _letter(row, access)
        close_sessions(session, row)


def drop_departed(session: Session, family: Family) -> None:
    """A guardian no longer in the dossier (or now only a third party) loses their login and
    sessions, whichever desk issued it (an op never removes a login by leaving it out: a
    desk does not know the logins issued at another)."""
    staying = {
        uuid.UUID(a["id"])
        for a in family.data.get("adults", [])
        if a.get("id") and not a.get("third_party")
    }
    departed = session.scalars(
        select(PortalAccount).where(
            PortalAccount.family_id == family.id,
            PortalAccount.adult_id.is_not(None),
            PortalAccount.adult_id.not_in(staying) if staying else true(),
        )
    ).all()
    for account in departed:
        close_sessions(session, account)
        session.execute(delete(PortalAccount).where(PortalAccount.id == account.id))


def _newer(access, row: PortalAccount) -> bool:
    """Does the desk's password replace the stored one? Not when the parent chose their own
    after the desk's letter (or the desk cannot say when its letter was printed)."""
    if row.password_changed_at is None:
        return True
    return access.issued_at is not None and access.issued_at > row.password_changed_at


def _letter(row: PortalAccount, access) -> None:
    row.password_hash = access.password_hash
    row.must_change_password = access.must_change
    row.issued_at = access.issued_at
    row.password_changed_at = None


def new_rows(
    tenant_id: uuid.UUID, payloads: list[FamilyUpsert], now: datetime
) -> list[dict[str, Any]]:
    """The accounts of brand-new dossiers (a first upload), as rows to insert at once."""
    return [
        {
            "id": uuid.uuid4(),
            "family_id": p.family_id,
            "tenant_id": tenant_id,
            "adult_id": access.adult_id,
            "login": access.login,
            "password_hash": access.password_hash,
            "must_change_password": access.must_change,
            "issued_at": access.issued_at,
        }
        for p in payloads
        for access in carried(p)
    ]
