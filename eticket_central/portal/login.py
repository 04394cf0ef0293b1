"""POST /portal/login: the dossier's portal login and password (argon2) open a session.

The throttle (throttle.py) is checked before any hashing. Hashing is slow on purpose and runs
outside the request threads, at most `argon2_concurrency` at once: a crowd of login attempts
waits its turn without holding the threads the desks' sync requests need.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Request
from sqlalchemy import delete, select

from eticket_central.auth import unauthorised
from eticket_central.models import PortalAccount, PortalSessionRow
from eticket_central.portal.throttle import (
    Throttle,
    forget_failures,
    mark_failed,
    record_attempt,
)
from eticket_central.tokens import hash_secret
from eticket_desk.sync.protocol import PortalLogin, PortalSession

router = APIRouter()
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("mot de passe factice")


@dataclass(frozen=True)
class _Account:
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    password_hash: str


def _attempt(state, body: PortalLogin, address: str, now: datetime):
    """Counts the attempt (429 when throttled) and finds the account, in one transaction:
    (the attempt's id, the account or None)."""
    with state.sessions.begin() as session:
        throttle = Throttle.of(state.settings)
        attempt = record_attempt(session, throttle, body.tenant_id, body.login, address, now)
        account = session.execute(
            select(PortalAccount).where(
                PortalAccount.tenant_id == body.tenant_id, PortalAccount.login == body.login
            )
        ).scalar_one_or_none()
        if account is None:
            return attempt, None
        return attempt, _Account(account.tenant_id, account.family_id, account.password_hash)


def _failed(state, attempt: int) -> None:
    with state.sessions.begin() as session:
        mark_failed(session, attempt)


def _verify(account: _Account | None, password: str) -> bool:
    try:  # an unknown login takes as long as a known one
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return account is not None


def _open_session(state, body: PortalLogin, account: _Account, now: datetime) -> PortalSession:
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=state.settings.portal_session_hours)
    with state.sessions.begin() as session:
        forget_failures(session, body.tenant_id, body.login)
        # The family's expired sessions go (the table keeps only sessions that can serve).
        session.execute(
            delete(PortalSessionRow).where(
                PortalSessionRow.family_id == account.family_id,
                PortalSessionRow.expires_at <= now,
            )
        )
        session.add(
            PortalSessionRow(
                token_hash=hash_secret(token),
                tenant_id=account.tenant_id,
                family_id=account.family_id,
                expires_at=expires,
            )
        )
    return PortalSession(token=token, family_id=account.family_id, expires_at=expires)


def _hashing_slots(state) -> anyio.CapacityLimiter:
    if getattr(state, "hashing_slots", None) is None:
        state.hashing_slots = anyio.CapacityLimiter(state.settings.argon2_concurrency)
    return state.hashing_slots


@router.post("/login", response_model=PortalSession)
async def login(body: PortalLogin, request: Request) -> PortalSession:
    state = request.app.state
    now = state.clock.now()
    address = request.client.host if request.client else "inconnue"
    attempt, account = await anyio.to_thread.run_sync(_attempt, state, body, address, now)
    valid = await anyio.to_thread.run_sync(
        _verify, account, body.password, limiter=_hashing_slots(state)
    )
    if not valid:
        await anyio.to_thread.run_sync(_failed, state, attempt)
        raise unauthorised("Identifiant ou mot de passe incorrect.")
    return await anyio.to_thread.run_sync(_open_session, state, body, account, now)
