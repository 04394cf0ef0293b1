"""ticket_type.upsert and tariff.upsert: the prices a desk set reach the server and, through
it, the other desks of the commune (they sell tickets and invoice at the same prices)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import TariffRow, TicketTypeRow
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.sync.protocol import OpType, TariffUpsert, TicketTypeUpsert


def _upsert(table: str):
    return text(
        f"INSERT INTO {table} (id, tenant_id, data, updated_at) VALUES (:id, :tenant_id, :data, "
        ":updated_at) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, "
        "updated_at = EXCLUDED.updated_at"
    ).bindparams(bindparam("data", type_=JSONB))


_TICKET_TYPE, _TARIFF = _upsert("ticket_types"), _upsert("tariffs")


def _save(session, statement, entity: str, row_id, ctx: OpContext, data, now) -> None:
    session.execute(
        statement, {"id": row_id, "tenant_id": ctx.tenant_id, "data": data, "updated_at": now}
    )
    record(session, entity, row_id, data)


@handler(OpType.TICKET_TYPE_UPSERT, owned_ids=lambda p: [(TicketTypeRow, p.ticket_type_id)])
def upsert_ticket_type(
    session: Session, ctx: OpContext, payload: TicketTypeUpsert, now: datetime
) -> dict[str, Any]:
    data = {"id": str(payload.ticket_type_id), **payload.model_dump(mode="json")}
    _save(session, _TICKET_TYPE, "ticket_type", payload.ticket_type_id, ctx, data, now)
    return {"ticket_type_id": str(payload.ticket_type_id)}


@handler(OpType.TARIFF_UPSERT, owned_ids=lambda p: [(TariffRow, p.tariff_id)])
def upsert_tariff(
    session: Session, ctx: OpContext, payload: TariffUpsert, now: datetime
) -> dict[str, Any]:
    data = {"id": str(payload.tariff_id), **payload.model_dump(mode="json")}
    _save(session, _TARIFF, "tariff", payload.tariff_id, ctx, data, now)
    return {"tariff_id": str(payload.tariff_id)}
