"""A parent's document sent from the portal (or reviewed at another desk), and a message of
the mairie written at another desk, brought here. A document of a dossier not here yet is
left for a later pull (its dossier comes first on the server's log); one with a review of
this desk still waiting for the server is left alone."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from eticket_desk.models import Family, MairieMessage, ParentDocument
from eticket_desk.services.syncing.pulled_planning import set_values
from eticket_desk.sync.document_ops import document_key, message_key


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def apply_document(session: Session, change, waiting: set[str]) -> bool:
    if document_key(change.id) in waiting:
        return False
    data: dict[str, Any] = change.data
    family_id = uuid.UUID(data["family_id"])
    if session.get(Family, family_id) is None:
        return False
    document = session.get(ParentDocument, uuid.UUID(change.id))
    values = {
        "family_id": family_id,
        "child_id": _uuid(data.get("child_id")),
        "kind": data["kind"],
        "filename": data["filename"],
        "content_type": data["content_type"],
        "size": int(data["size"]),
        "sha256": data["sha256"],
        "comment": data.get("comment", ""),
        "sent_by": data.get("sent_by", ""),
        "sent_at": _moment(data["sent_at"]),
        "state": data["state"],
        "reason": data.get("reason", ""),
        "reviewed_by": data.get("reviewed_by", ""),
        "reviewed_at": _moment(data.get("reviewed_at")),
    }
    if document is None:
        session.add(ParentDocument(id=uuid.UUID(change.id), **values))
        return True
    return set_values(document, values)


def apply_message(session: Session, change, waiting: set[str]) -> bool:
    if message_key(change.id) in waiting:
        return False
    data: dict[str, Any] = change.data
    message = session.get(MairieMessage, uuid.UUID(change.id))
    values = {
        "family_id": _uuid(data.get("family_id")),
        "title": data["title"],
        "text": data["text"],
        "valid_until": date.fromisoformat(data["valid_until"]),
        "withdrawn": bool(data.get("withdrawn")),
        "written_by": data.get("written_by", ""),
        "updated_at": _moment(data["updated_at"]),
    }
    if message is None:
        session.add(MairieMessage(id=uuid.UUID(change.id), **values))
        return True
    return set_values(message, values)
