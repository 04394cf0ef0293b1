"""A guardian's portal password chosen on the portal (first login, « mot de passe oublié »):
the rules (rules/passwords.py), the write, and what the desks learn of it.

The new hash is made off the request threads (login.new_hash); the write is one
transaction: the account's new hash, `password_changed_at` (a later family op from a desk
leaves it alone, ops/portal_accounts.py), the guardian's other sessions closed, and the
dossier's snapshot bumped so that the desks' next pull shows « mot de passe personnalisé ».
"""

from __future__ import annotations

import uuid
from datetime import datetime

import anyio
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eticket_central.changes import flush_changes, record
from eticket_central.models import Family, PortalAccount, PortalSessionRow
from eticket_central.ops.families import family_data
from eticket_central.ops.portal_accounts import refresh_summary
from eticket_central.portal.login import Account, account_of, check_password, new_hash
from eticket_desk.rules.passwords import check_portal_password


def load_account(state, account_id: uuid.UUID) -> Account | None:
    with state.sessions.begin() as session:
        row = session.get(PortalAccount, account_id)
        return account_of(row) if row is not None else None


def find_account(
    session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID, adult_id: uuid.UUID | None
) -> PortalAccount | None:
    """The account a session was opened with (its guardian in its family)."""
    return session.execute(
        select(PortalAccount).where(
            PortalAccount.tenant_id == tenant_id,
            PortalAccount.family_id == family_id,
            PortalAccount.adult_id.is_(None)
            if adult_id is None
            else PortalAccount.adult_id == adult_id,
        )
    ).scalar_one_or_none()


async def change_password(
    state, account: Account, current: str, new: str, again: str, keep_token_hash: bytes
) -> dict[str, str]:
    """The errors by field (French), or {} when the new password is set (the guardian's
    other sessions closed, the one of `keep_token_hash` kept)."""
    errors: dict[str, str] = {}
    if not await check_password(state, account.password_hash, current):
        errors["actuel"] = "Le mot de passe actuel n'est pas le bon."
    refused = check_portal_password(new, account.login, current)
    if refused:
        errors["nouveau"] = refused
    elif new != again:
        errors["confirmation"] = "Les deux saisies du nouveau mot de passe sont différentes."
    if errors:
        return errors
    await store_password(state, account.id, new, keep_token_hash)
    return {}


async def store_password(
    state, account_id: uuid.UUID, password: str, keep_token_hash: bytes | None
) -> None:
    """Hashes and writes a new password; every session of the guardian but the one whose
    token hash is `keep_token_hash` is closed."""
    hashed = await new_hash(state, password)
    await anyio.to_thread.run_sync(_write, state, account_id, hashed, keep_token_hash)


def _write(state, account_id: uuid.UUID, hashed: str, keep: bytes | None) -> None:
    now = state.clock.now()
    with state.sessions.begin() as session:
        account = session.get(PortalAccount, account_id, with_for_update=True)
        set_password(session, account, hashed, now, keep)
        flush_changes(session, account.tenant_id, None, now)


def set_password(
    session: Session, account: PortalAccount, hashed: str, now: datetime, keep: bytes | None
) -> None:
    account.password_hash = hashed
    account.must_change_password = False
    account.password_changed_at = now
    others = delete(PortalSessionRow).where(
        PortalSessionRow.family_id == account.family_id,
        PortalSessionRow.adult_id.is_(None)
        if account.adult_id is None
        else PortalSessionRow.adult_id == account.adult_id,
    )
    if keep is not None:
        others = others.where(PortalSessionRow.token_hash != keep)
    session.execute(others)
    family = session.execute(
        select(Family).where(Family.id == account.family_id).with_for_update()
    ).scalar_one()
    refresh_summary(session, family)
    family.version += 1
    family.updated_at = now
    session.flush()
    record(session, "family", family.id, family_data(family))
