"""The outbox's ops of the portal's documents and messages: a document's review (accepted,
or refused with its reason) and a message of the mairie written, changed or withdrawn; read
from the rows as the use case left them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import MairieMessage, ParentDocument
from eticket_desk.sync.wire import OpType


def document_key(document_id) -> str:
    return f"document:{document_id}"


def message_key(message_id) -> str:
    return f"message:{message_id}"


def review_ops(session: Session, document_ids: list[uuid.UUID]) -> list:
    ops = []
    for document in session.scalars(
        select(ParentDocument).where(ParentDocument.id.in_(document_ids))
    ):
        if document.state not in ("accepted", "refused"):
            continue
        payload = {"document_id": document.id, "state": document.state, "reason": document.reason}
        ops.append((OpType.DOCUMENT_REVIEW, payload, document_key(document.id), document.filename))
    return ops


def message_ops(session: Session, message_ids: list[uuid.UUID]) -> list:
    ops = []
    for message in session.scalars(select(MairieMessage).where(MairieMessage.id.in_(message_ids))):
        payload = {
            "message_id": message.id,
            "family_id": message.family_id,
            "title": message.title,
            "text": message.text,
            "valid_until": message.valid_until,
            "withdrawn": message.withdrawn,
            "written_by": message.written_by,
        }
        ops.append((OpType.MESSAGE_UPSERT, payload, message_key(message.id), message.title))
    return ops
