"""Who is calling the portal: the parent's session token (401 when unknown or expired)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from eticket_central.auth import bearer_token, unauthorised
from eticket_central.models import PortalSessionRow
from eticket_central.tokens import hash_secret


@dataclass(frozen=True)
class Parent:
    tenant_id: uuid.UUID
    family_id: uuid.UUID


def _parent(request: Request) -> Parent:
    token = bearer_token(request)
    state = request.app.state
    with state.sessions.begin() as session:
        row = session.get(PortalSessionRow, hash_secret(token))
        if row is None or row.expires_at <= state.clock.now():
            raise unauthorised("Session du portail expirée ou inconnue : reconnectez-vous.")
        return Parent(row.tenant_id, row.family_id)


ParentDep = Annotated[Parent, Depends(_parent)]
