"""Who is calling: the bearer token of a desk device (401 when missing, wrong or revoked).

The guard (guard.py) authenticates every /sync request before its body is read and leaves
the caller in the request's state; the routes' dependency takes it from there.

The token's device id finds the device, then the hash of its secret is compared in constant
time with the stored one (tokens.py); a revoked device gets 401 like an unknown token.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy.orm import Session

from eticket_central.models import Device
from eticket_central.tokens import hash_secret

BEARER = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class AuthenticatedDevice:
    device_id: uuid.UUID
    tenant_id: uuid.UUID
    label: str


def unauthorised(message: str) -> HTTPException:
    return HTTPException(status_code=401, detail=message, headers=BEARER)


def token_of(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header (401 when there is none)."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorised("Authentification requise : en-tête « Authorization: Bearer <jeton> ».")
    return token.strip()


def device_for_token(session: Session, token: str) -> AuthenticatedDevice:
    device_hex, _, secret = token.partition(".")
    try:
        device_id = uuid.UUID(hex=device_hex)
    except ValueError:
        raise unauthorised("Jeton d'appareil invalide.") from None
    device = session.get(Device, device_id)
    expected = device.token_hash if device is not None else hash_secret("unknown device")
    if not hmac.compare_digest(hash_secret(secret), expected) or device is None:
        raise unauthorised("Jeton d'appareil invalide.")
    if device.revoked_at is not None:
        raise unauthorised("Cet appareil a été révoqué : demandez un nouvel enregistrement.")
    return AuthenticatedDevice(device.id, device.tenant_id, device.label)


def device_caller(state, header: str) -> AuthenticatedDevice:
    """The desk a request's Authorization header names (the guard calls it in a thread)."""
    token = token_of(header)
    with state.sessions.begin() as session:
        return device_for_token(session, token)
