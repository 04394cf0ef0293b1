"""Who is calling the portal: the parent's session token (401 when unknown or expired).

The guard (guard.py) checks it before the request's body is read and leaves the parent in
the request's state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from eticket_central.auth import token_of, unauthorised
from eticket_central.models import PortalSessionRow
from eticket_central.tokens import hash_secret


@dataclass(frozen=True)
class Parent:
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    adult_id: uuid.UUID | None = None  # the guardian who logged in (None: an older account)


def parent_caller(state, header: str) -> Parent:
    """The parent a request's Authorization header names (the guard calls it in a thread)."""
    token = token_of(header)
    with state.sessions.begin() as session:
        row = session.get(PortalSessionRow, hash_secret(token))
        if row is None or row.expires_at <= state.clock.now():
            raise unauthorised("Session du portail expirée ou inconnue : reconnectez-vous.")
        return Parent(row.tenant_id, row.family_id, row.adult_id)


def _parent(request: Request) -> Parent:
    caller = getattr(request.state, "caller", None)
    if isinstance(caller, Parent):
        return caller
    return parent_caller(request.app.state, request.headers.get("authorization", ""))


ParentDep = Annotated[Parent, Depends(_parent)]
