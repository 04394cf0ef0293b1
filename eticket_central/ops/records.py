"""What a desk sets for the whole commune — ticket types, dated tariffs, schools and their
classes, the organisation (régie, trésorerie) — kept as the desk sent it, so that the other
desks of the commune sell, invoice and register with the same settings (they pull it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import CommuneRecord
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.sync.protocol import OpType

# op type -> (entity, the payload's id field)
RECORDS = {
    OpType.TICKET_TYPE_UPSERT: ("ticket_type", "ticket_type_id"),
    OpType.TARIFF_UPSERT: ("tariff", "tariff_id"),
    OpType.SCHOOL_UPSERT: ("school", "school_id"),
    OpType.ORGANISATION_UPSERT: ("organisation", "organisation_id"),
}
_SAVE = text(
    "INSERT INTO commune_records (id, tenant_id, entity, data, updated_at) VALUES (:id, "
    ":tenant_id, :entity, :data, :updated_at) ON CONFLICT (id) DO UPDATE SET "
    "data = EXCLUDED.data, updated_at = EXCLUDED.updated_at"
).bindparams(bindparam("data", type_=JSONB))


def _register(op_type: OpType, entity: str, id_field: str) -> None:
    def owned(payload) -> list[tuple[type, uuid.UUID]]:
        return [(CommuneRecord, getattr(payload, id_field))]

    @handler(op_type, owned_ids=owned)
    def save(session: Session, ctx: OpContext, payload, now: datetime) -> dict[str, Any]:
        row_id = getattr(payload, id_field)
        data = {"id": str(row_id), **payload.model_dump(mode="json")}
        session.execute(
            _SAVE,
            {
                "id": row_id,
                "tenant_id": ctx.tenant_id,
                "entity": entity,
                "data": data,
                "updated_at": now,
            },
        )
        record(session, entity, row_id, data)
        return {id_field: str(row_id)}


for _op_type, (_entity, _id_field) in RECORDS.items():
    _register(_op_type, _entity, _id_field)
