"""wallet.entry: the families' ticket ledgers, append-only facts (never rejected, never twice);
a desk's sync is mostly these, so a run of them is applied in one statement. The server writes
a line of its own where a fact it applies moves a ticket a desk could not know of
(`server_line`: a presence marked on a day another desk cancelled takes its refund back)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Family, WalletEntry
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.sync.protocol import OpType, WalletEntryPayload


def wallet_data(entry: dict[str, Any]) -> dict[str, Any]:
    """A wallet line as pull and the snapshot give it (ids as text, ISO datetimes)."""
    return {
        key: value.isoformat()
        if isinstance(value, datetime)
        else str(value)
        if isinstance(value, uuid.UUID)
        else value
        for key, value in entry.items()
        if key != "tenant_id"
    }


# Plain SQL: SQLAlchemy caches no compiled form of PostgreSQL's INSERT … ON CONFLICT.
_INSERT_WALLET_ENTRY = text(
    "INSERT INTO wallet_entries (id, tenant_id, family_id, ticket_type, quantity, kind, "
    "reason, occurred_at, recorded_at, device_id) VALUES (:id, :tenant_id, :family_id, "
    ":ticket_type, :quantity, :kind, :reason, :occurred_at, :recorded_at, :device_id) "
    "ON CONFLICT DO NOTHING RETURNING id"
)


_INSERT_WALLET_ENTRIES = text(
    "INSERT INTO wallet_entries (id, tenant_id, family_id, ticket_type, quantity, kind, "
    "reason, occurred_at, recorded_at, device_id) SELECT e.id, :tenant_id, e.family_id, "
    "e.ticket_type, e.quantity, e.kind, e.reason, e.occurred_at, :recorded_at, :device_id "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:family_ids AS uuid[]), CAST(:ticket_types AS "
    "text[]), CAST(:quantities AS integer[]), CAST(:kinds AS text[]), CAST(:reasons AS "
    "text[]), CAST(:occurred AS timestamp[])) AS e(id, family_id, ticket_type, quantity, "
    "kind, reason, occurred_at) ON CONFLICT DO NOTHING RETURNING id"
)


def wallet_entries(
    session: Session, ctxs: list[OpContext], payloads: list[WalletEntryPayload], now: datetime
) -> list[dict[str, Any]]:
    """A run of wallet lines in one statement (a desk's sync is mostly these)."""
    ctx = ctxs[0]
    inserted = set(
        session.execute(
            _INSERT_WALLET_ENTRIES,
            {
                "tenant_id": ctx.tenant_id,
                "recorded_at": now,
                "device_id": ctx.device_id,
                "ids": [p.entry_id for p in payloads],
                "family_ids": [p.family_id for p in payloads],
                "ticket_types": [p.ticket_type for p in payloads],
                "quantities": [p.quantity for p in payloads],
                "kinds": [p.kind for p in payloads],
                "reasons": [p.reason for p in payloads],
                "occurred": [p.occurred_at for p in payloads],
            },
        ).scalars()
    )
    results = []
    for p in payloads:
        fresh = p.entry_id in inserted
        inserted.discard(p.entry_id)  # the same line twice in a run: recorded once
        if fresh:
            line = {
                "id": p.entry_id,
                "family_id": p.family_id,
                "ticket_type": p.ticket_type,
                "quantity": p.quantity,
                "kind": p.kind,
                "reason": p.reason,
                "occurred_at": p.occurred_at,
                "recorded_at": now,
                "device_id": ctx.device_id,
            }
            record(session, "wallet_entry", p.entry_id, wallet_data(line))
        results.append({"entry_id": str(p.entry_id), "already_recorded": not fresh})
    return results


@handler(
    OpType.WALLET_ENTRY,
    owned_ids=lambda p: [(WalletEntry, p.entry_id), (Family, p.family_id)],
    apply_many=wallet_entries,
)
def wallet_entry(
    session: Session, ctx: OpContext, payload: WalletEntryPayload, now: datetime
) -> dict[str, Any]:
    values = {
        "id": payload.entry_id,
        "tenant_id": ctx.tenant_id,
        "family_id": payload.family_id,
        "ticket_type": payload.ticket_type,
        "quantity": payload.quantity,
        "kind": payload.kind,
        "reason": payload.reason,
        "occurred_at": payload.occurred_at,
        "recorded_at": now,
        "device_id": ctx.device_id,
    }
    inserted = session.execute(_INSERT_WALLET_ENTRY, values).scalar_one_or_none()
    if inserted is not None:
        record(session, "wallet_entry", payload.entry_id, wallet_data(values))
    return {"entry_id": str(payload.entry_id), "already_recorded": inserted is None}


_SERVER_LINES = uuid.UUID("0b5c7a2e-6f0d-4d1e-9a57-2f3c8e1b4d90")


def server_line(
    session: Session,
    ctx: OpContext,
    family_id: uuid.UUID,
    ticket_type: str,
    quantity: int,
    reason: str,
    now: datetime,
) -> dict[str, Any]:
    """A wallet line the server writes while applying the op `ctx` (at most one per op: its
    id comes from the op's), recorded for every desk's pull; returns it as pull gives it."""
    values = {
        "id": uuid.uuid5(_SERVER_LINES, str(ctx.op_id)),
        "tenant_id": ctx.tenant_id,
        "family_id": family_id,
        "ticket_type": ticket_type,
        "quantity": quantity,
        "kind": "correction",
        "reason": reason[:200],
        "occurred_at": now,
        "recorded_at": now,
        "device_id": None,
    }
    if session.execute(_INSERT_WALLET_ENTRY, values).scalar_one_or_none() is not None:
        record(session, "wallet_entry", values["id"], wallet_data(values))
    return wallet_data(values)
