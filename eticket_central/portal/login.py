"""POST /portal/login: the dossier's portal login and password (argon2) open a session."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Request
from sqlalchemy import select

from eticket_central.auth import unauthorised
from eticket_central.models import PortalAccount, PortalSessionRow
from eticket_central.tokens import hash_secret
from eticket_desk.sync.protocol import PortalLogin, PortalSession

router = APIRouter()
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("mot de passe factice")


@router.post("/login", response_model=PortalSession)
def login(body: PortalLogin, request: Request) -> PortalSession:
    state = request.app.state
    now = state.clock.now()
    with state.sessions.begin() as session:
        account = session.execute(
            select(PortalAccount).where(
                PortalAccount.tenant_id == body.tenant_id, PortalAccount.login == body.login
            )
        ).scalar_one_or_none()
        try:
            _HASHER.verify(account.password_hash if account else _DUMMY_HASH, body.password)
            valid = account is not None
        except (VerificationError, InvalidHashError):
            valid = False
        if not valid:
            raise unauthorised("Identifiant ou mot de passe incorrect.")
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=state.settings.portal_session_hours)
        session.add(
            PortalSessionRow(
                token_hash=hash_secret(token),
                tenant_id=account.tenant_id,
                family_id=account.family_id,
                expires_at=expires,
            )
        )
        return PortalSession(token=token, family_id=account.family_id, expires_at=expires)
