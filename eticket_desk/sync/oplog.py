"""The outbox table's writer: ops appended in order, and the entity keys they protect."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from eticket_desk.ids import new_id
from eticket_desk.models.sync import OutboxOp
from eticket_desk.sync.wire import OpType


def booking_key(activity_id, day: date, child_id) -> str:
    """The server's key of a booking (activity/day/child), also the outbox's entity key."""
    return f"booking:{activity_id}/{day.isoformat()}/{child_id}"


def days_key(activity_id, child_id) -> str:
    """The entity key of a form's days (a pending one protects them all from a pull)."""
    return f"days:{activity_id}/{child_id}"


def write_ops(session: Session, ops: list[tuple[OpType, dict[str, Any], str, str]]) -> None:
    """Appends (type, payload, entity key, label) ops to the outbox, in this order (a Core
    insert: a first upload writes tens of thousands)."""
    if not ops:
        return
    now = session.info.get("now") or datetime.now()
    actor = session.info.get("actor")
    made_by = (actor.full_name or actor.login)[:100] if actor is not None else ""
    encode = _ENCODER.encode
    session.execute(
        insert(OutboxOp.__table__),
        [
            {
                "op_id": new_id(),
                "type": op_type.value,
                "payload": encode(payload),
                "entity_key": key,
                "label": label,
                "created_at": now,
                "made_by": made_by,
            }
            for op_type, payload, key, label in ops
        ],
    )


def _plain(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# One encoder for every payload (json.dumps with options builds one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_plain)
