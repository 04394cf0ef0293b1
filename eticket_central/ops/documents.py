"""document.review and message.upsert: what a desk decides of a parent's document (accepted,
or refused with the reason the parent reads on the portal), and the mairie's messages it
writes for the portal's accueil. Both recorded for the other desks' pull."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.documents import document_data
from eticket_central.models import Document, Family, MairieMessage
from eticket_central.ops.registry import OpContext, handler, unknown_rows
from eticket_desk.sync.protocol import DocumentReview, MessageUpsert, OpType


@handler(OpType.DOCUMENT_REVIEW, owned_ids=lambda p: [(Document, p.document_id)])
def review_document(
    session: Session, ctx: OpContext, payload: DocumentReview, now: datetime
) -> dict[str, Any]:
    document = session.execute(
        select(Document).where(Document.id == payload.document_id).with_for_update()
    ).scalar_one_or_none()
    if document is None:
        raise unknown_rows()
    document.state = payload.state
    document.reason = payload.reason.strip() if payload.state == "refused" else ""
    document.reviewed_by = ctx.made_by[:200]
    document.reviewed_at = ctx.made_at or now
    session.flush()
    record(session, "document", document.id, document_data(document))
    return {"document_id": str(document.id), "state": document.state}


def message_data(message: MairieMessage) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "family_id": str(message.family_id) if message.family_id else None,
        "title": message.title,
        "text": message.text,
        "valid_until": message.valid_until.isoformat(),
        "withdrawn": message.withdrawn,
        "written_by": message.written_by,
        "updated_at": message.updated_at.isoformat(),
    }


def _message_rows(payload: MessageUpsert):
    rows = [(MairieMessage, payload.message_id)]
    if payload.family_id is not None:
        rows.append((Family, payload.family_id))
    return rows


@handler(OpType.MESSAGE_UPSERT, owned_ids=_message_rows)
def save_message(
    session: Session, ctx: OpContext, payload: MessageUpsert, now: datetime
) -> dict[str, Any]:
    if payload.family_id is not None and session.get(Family, payload.family_id) is None:
        raise unknown_rows()
    values = {
        "family_id": payload.family_id,
        "title": payload.title.strip(),
        "text": payload.text.strip(),
        "valid_until": payload.valid_until,
        "withdrawn": payload.withdrawn,
        "written_by": (payload.written_by or ctx.made_by)[:200],
        "updated_at": now,
    }
    session.execute(
        pg_insert(MairieMessage)
        .values(id=payload.message_id, tenant_id=ctx.tenant_id, **values)
        .on_conflict_do_update(index_elements=[MairieMessage.id], set_=values)
    )
    message = session.get(MairieMessage, payload.message_id, populate_existing=True)
    record(session, "message", message.id, message_data(message))
    return {"message_id": str(message.id)}
