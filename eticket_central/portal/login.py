"""Logging in to the portal: a guardian's login and password (argon2) open a session. One
path (`authenticate`) for POST /portal/login (JSON) and the login page (web/login_pages.py).

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
from eticket_desk.rules.passwords import normalised_login
from eticket_desk.sync.protocol import PortalLogin, PortalSession

router = APIRouter()
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("mot de passe factice")


@dataclass(frozen=True)
class Account:
    """A guardian's portal account, as a login found it (no ORM object crosses threads)."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    adult_id: uuid.UUID | None
    login: str
    password_hash: str
    must_change_password: bool


def account_of(row: PortalAccount) -> Account:
    return Account(
        row.id,
        row.tenant_id,
        row.family_id,
        row.adult_id,
        row.login,
        row.password_hash,
        row.must_change_password,
    )


def _attempt(state, tenant_id: uuid.UUID, login: str, address: str, now: datetime):
    """Counts the attempt (429 when throttled) and finds the account, in one transaction:
    (the attempt's id, the account or None)."""
    with state.sessions.begin() as session:
        throttle = Throttle.of(state.settings)
        attempt = record_attempt(session, throttle, tenant_id, login, address, now)
        account = session.execute(
            select(PortalAccount).where(
                PortalAccount.tenant_id == tenant_id, PortalAccount.login == login
            )
        ).scalar_one_or_none()
        return attempt, account_of(account) if account is not None else None


def _failed(state, attempt: int) -> None:
    with state.sessions.begin() as session:
        mark_failed(session, attempt)


def _verify(password_hash: str | None, password: str) -> bool:
    try:  # an unknown login takes as long as a known one
        _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def hashing_slots(state) -> anyio.CapacityLimiter:
    if getattr(state, "hashing_slots", None) is None:
        state.hashing_slots = anyio.CapacityLimiter(state.settings.argon2_concurrency)
    return state.hashing_slots


async def check_password(state, password_hash: str | None, password: str) -> bool:
    """argon2 off the request threads, at most `argon2_concurrency` at once."""
    return await anyio.to_thread.run_sync(
        _verify, password_hash, password, limiter=hashing_slots(state)
    )


async def new_hash(state, password: str) -> str:
    return await anyio.to_thread.run_sync(hash_password, password, limiter=hashing_slots(state))


async def authenticate(
    state, tenant_id: uuid.UUID, login: str, password: str, address: str
) -> Account | None:
    """The one login path (the JSON endpoint and the page): throttled first (HTTPException
    429 before any hashing), then the password checked; None when either is wrong (the
    failure counted), else the account (the login's failures forgotten)."""
    now = state.clock.now()
    login = normalised_login(login)
    attempt, account = await anyio.to_thread.run_sync(
        _attempt, state, tenant_id, login, address, now
    )
    valid = await check_password(state, account.password_hash if account else None, password)
    if not valid:
        await anyio.to_thread.run_sync(_failed, state, attempt)
        return None
    await anyio.to_thread.run_sync(_forget, state, tenant_id, login)
    return account


def _forget(state, tenant_id: uuid.UUID, login: str) -> None:
    with state.sessions.begin() as session:
        forget_failures(session, tenant_id, login)


def open_session(session, account: Account, now: datetime, hours: int) -> tuple[str, datetime]:
    """A new session row for this guardian (the family's expired ones go): (token, expiry)."""
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=hours)
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
            adult_id=account.adult_id,
            expires_at=expires,
        )
    )
    return token, expires


def _open_session(state, account: Account) -> PortalSession:
    with state.sessions.begin() as session:
        token, expires = open_session(
            session, account, state.clock.now(), state.settings.portal_session_hours
        )
    return PortalSession(token=token, family_id=account.family_id, expires_at=expires)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "inconnue"


@router.post("/login", response_model=PortalSession)
async def login(body: PortalLogin, request: Request) -> PortalSession:
    state = request.app.state
    account = await authenticate(
        state, body.tenant_id, body.login, body.password, client_address(request)
    )
    if account is None:
        raise unauthorised("Identifiant ou mot de passe incorrect.")
    return await anyio.to_thread.run_sync(_open_session, state, account)
