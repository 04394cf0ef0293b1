"""The mairie's messages a family sees on the portal's accueil: those written at a desk for
every family of the commune or for this one, not withdrawn, up to their last day included."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from eticket_central.models import MairieMessage


@dataclass(frozen=True)
class PortalMessage:
    id: uuid.UUID
    title: str
    text: str
    valid_until: date
    for_this_family: bool  # written for this family alone (else for every family)


def messages_for(
    session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID, today: date
) -> list[PortalMessage]:
    """The messages to show today, the family's own first, then the latest written first."""
    rows = session.execute(
        select(MairieMessage)
        .where(
            MairieMessage.tenant_id == tenant_id,
            or_(MairieMessage.family_id.is_(None), MairieMessage.family_id == family_id),
            MairieMessage.withdrawn.is_(False),
            MairieMessage.valid_until >= today,
        )
        .order_by(MairieMessage.family_id.is_(None), MairieMessage.updated_at.desc())
    ).scalars()
    return [
        PortalMessage(m.id, m.title, m.text, m.valid_until, m.family_id is not None) for m in rows
    ]
