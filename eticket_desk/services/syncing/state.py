"""The sync's own bookkeeping: its state in `setting` (the cursor, the desk's number, the
last status, the desk's clock as the server last measured it) and the outbox's waiting ops,
read and written for one sync cycle.

Nothing here emits an op: the sync's bookkeeping sends nothing to the server.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.models import Setting
from eticket_desk.models.sync import OutboxOp
from eticket_desk.rules.numbering import DESK_NUMBER
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYNC_ACTOR

CURSOR, LAST_SYNC, LAST_ERROR, ONLINE = (
    "sync.cursor",
    "sync.last_sync",
    "sync.last_error",
    "sync.online",
)
# The desk's clock as the server measured it at the last sync (rules.desk_clock).
CLOCK_OFFSET, CLOCK_TRUSTED, CLOCK_MEASURED = (
    "sync.clock_offset_s",
    "sync.clock_trusted",
    "sync.clock_measured_at",
)


def put_state(session, values: dict[str, object]) -> None:
    """Core upserts: the sync's own bookkeeping is not an audited change."""
    statement = sqlite_insert(Setting)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        ),
        [{"key": key, "value": json.dumps(value, default=str)} for key, value in values.items()],
    )


def read_state(session, key: str, default: object = None) -> object:
    raw = session.scalar(select(Setting.value).where(Setting.key == key))
    return default if raw is None else json.loads(raw)


def read_cursor(store) -> int:
    with store.read() as session:
        return int(read_state(session, CURSOR, 0))


@changes(Topic.SYNC)
def store_desk_number(store, number: int) -> None:
    with store.write(SYNC_ACTOR) as session:
        put_state(session, {DESK_NUMBER: number})


@changes(Topic.SYNC)
def write_status(store, report, *, online: bool) -> None:
    with store.write(SYNC_ACTOR) as session:
        values: dict[str, object] = {ONLINE: online, LAST_ERROR: report.error}
        if report.ok:
            values[LAST_SYNC] = report.finished_at.isoformat()
        if report.clock_trusted is not None:  # the server measured the clock
            values[CLOCK_OFFSET] = report.clock_offset_s
            values[CLOCK_TRUSTED] = report.clock_trusted
            values[CLOCK_MEASURED] = report.finished_at.isoformat()
        put_state(session, values)


def pending_ops(store, limit: int, after: int = -1) -> list:
    """The outbox's first `limit` ops not answered yet after op number `after`, in device
    order: rows of what a push reads of them (seq, op_id, type, payload, when and by whom
    it was made)."""
    with store.read() as session:
        return list(
            session.execute(
                select(
                    OutboxOp.seq,
                    OutboxOp.op_id,
                    OutboxOp.type,
                    OutboxOp.payload,
                    OutboxOp.created_at,
                    OutboxOp.made_by,
                )
                .where(OutboxOp.status == "pending", OutboxOp.seq > after)
                .order_by(OutboxOp.seq)
                .limit(limit)
            )
        )
