"""The outbox table's writer: ops appended in order, and the entity keys they protect.

The outbox's seq is SQLite's rowid (no AUTOINCREMENT): the next op takes the highest seq
plus one. A desk restored from a backup must number its next ops past those the server
already answered from it (syncing/restore.py): it stores that floor (`SEQ_FLOOR`), and the
ops written while the outbox is below it are numbered from it."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from eticket_desk.ids import new_id
from eticket_desk.models import Setting
from eticket_desk.models.sync import OutboxOp
from eticket_desk.sync.wire import OpType


def booking_key(activity_id, day: date, child_id) -> str:
    """The server's key of a booking (activity/day/child), also the outbox's entity key."""
    return f"booking:{activity_id}/{day.isoformat()}/{child_id}"


def days_key(activity_id, child_id) -> str:
    """The entity key of a form's days (a pending one protects them all from a pull)."""
    return f"days:{activity_id}/{child_id}"


# The setting holding the lowest seq the next op may take minus one (a restored desk).
SEQ_FLOOR = "sync.seq_floor"


def _first_seq(session: Session) -> int | None:
    """The seq of the next op when the outbox is below the stored floor, else None (the
    rowid's own numbering)."""
    raw = session.scalar(select(Setting.value).where(Setting.key == SEQ_FLOOR))
    if raw is None:
        return None
    top = session.scalar(select(func.max(OutboxOp.seq))) or 0
    floor = int(json.loads(raw))
    return floor + 1 if top < floor else None


def write_ops(session: Session, ops: list[tuple[OpType, dict[str, Any], str, str]]) -> None:
    """Appends (type, payload, entity key, label) ops to the outbox, in this order (a Core
    insert: a first upload writes tens of thousands)."""
    if not ops:
        return
    now = session.info.get("now") or datetime.now()
    actor = session.info.get("actor")
    made_by = (actor.full_name or actor.login)[:100] if actor is not None else ""
    encode = _ENCODER.encode
    first = _first_seq(session)
    session.execute(
        insert(OutboxOp.__table__),
        [
            {
                **({} if first is None else {"seq": first + index}),
                "op_id": new_id(),
                "type": op_type.value,
                "payload": encode(payload),
                "entity_key": key,
                "label": label,
                "created_at": now,
                "made_by": made_by,
            }
            for index, (op_type, payload, key, label) in enumerate(ops)
        ],
    )


def _plain(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# One encoder for every payload (json.dumps with options builds one per call).
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_plain)
