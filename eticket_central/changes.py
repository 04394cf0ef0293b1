"""The change log: numbered from the one-row counter, read by pull, pruned by age.

Why a one-row counter and not a PostgreSQL SEQUENCE: `nextval()` hands out numbers at once
and outside the transaction, so transaction A may take 41, B take 42, and B commit first. A
desk pulling right then sees 42, stores cursor 42, and never sees 41 when A commits. Here
the number comes from `UPDATE sync_counter SET value = value + n RETURNING value` inside the
writing transaction: the row lock is held until commit, so the next writer gets its number
only after this one committed (or rolled back, giving the numbers back). Numbers therefore
become visible in order, and "everything after my cursor" never skips a late commit. The
price is that writers queue on one row for the last instant of their transaction (the
counter is taken just before commit, once the push's ops are applied).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from eticket_central.json_rows import json_array, json_values
from eticket_central.models import ChangeLog, Tenant
from eticket_desk.sync.protocol import Change, PullResponse


@dataclass(frozen=True)
class PendingChange:
    entity: str
    entity_id: str
    data: dict[str, Any]


def record(session: Session, entity: str, entity_id: Any, data: dict[str, Any]) -> None:
    """Queues a change of this transaction; `flush_changes` numbers and writes them."""
    session.info.setdefault("changes", []).append(PendingChange(entity, str(entity_id), data))


def next_sequence(session: Session, count: int) -> int:
    """Takes `count` numbers from the counter (locking it until commit); returns the last."""
    return session.execute(
        text("UPDATE sync_counter SET value = value + :n WHERE id = 1 RETURNING value"),
        {"n": count},
    ).scalar_one()


def flush_changes(
    session: Session, tenant_id: uuid.UUID, device_id: uuid.UUID | None, now: datetime
) -> int:
    """Writes this transaction's queued changes with their numbers; call it just before commit."""
    pending: list[PendingChange] = session.info.pop("changes", [])
    if not pending:
        return 0
    last = next_sequence(session, len(pending))
    session.execute(
        _WRITE,
        {
            "first": last - len(pending) + 1,
            "tenant_id": tenant_id,
            "device_id": device_id,
            "recorded_at": now,
            "entities": [change.entity for change in pending],
            "ids": [change.entity_id for change in pending],
            "data": json_values(change.data for change in pending),
        },
    )
    return len(pending)


# One statement for a chunk's changes (a first upload records thousands: one INSERT each
# cost more than the rest of their chunk's statements).
_WRITE = text(
    "INSERT INTO change_log (seq, tenant_id, entity, entity_id, data, device_id, recorded_at) "
    "SELECT :first + c.n - 1, :tenant_id, c.entity, c.entity_id, c.data, :device_id, "
    ":recorded_at FROM unnest(CAST(:entities AS text[]), CAST(:ids AS text[]), "
    "" + json_array("data") + ") WITH ORDINALITY AS c(entity, entity_id, data, n)"
)


def discard_changes(session: Session) -> None:
    session.info.pop("changes", None)


def prune(session: Session, tenant_id: uuid.UUID, now: datetime, keep_days: int) -> None:
    """Drops the tenant's changes older than `keep_days` and raises its horizon."""
    gone = session.execute(
        delete(ChangeLog)
        .where(
            ChangeLog.tenant_id == tenant_id,
            ChangeLog.recorded_at < now - timedelta(days=keep_days),
        )
        .returning(ChangeLog.seq)
    ).scalars()
    highest = max(gone, default=None)
    if highest is not None:
        session.execute(
            update(Tenant)
            .where(Tenant.id == tenant_id)
            .values(change_horizon=func.greatest(Tenant.change_horizon, highest))
        )


def pull(session: Session, tenant_id: uuid.UUID, since: int, limit: int) -> PullResponse:
    """The tenant's changes after `since`, oldest first, at most `limit`."""
    horizon = session.execute(
        select(Tenant.change_horizon).where(Tenant.id == tenant_id)
    ).scalar_one()
    if since < horizon:
        return PullResponse(changes=[], cursor=since, full_reload=True)
    rows = session.execute(
        select(
            ChangeLog.seq,
            ChangeLog.entity,
            ChangeLog.entity_id,
            ChangeLog.data,
            ChangeLog.device_id,
        )
        .where(ChangeLog.tenant_id == tenant_id, ChangeLog.seq > since)
        .order_by(ChangeLog.seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        Change(seq=seq, entity=entity, id=entity_id, data=data, device_id=device_id)
        for seq, entity, entity_id, data, device_id in rows
    ]
    cursor = changes[-1].seq if changes else since
    return PullResponse(changes=changes, cursor=cursor, more=more)


def current_sequence(session: Session) -> int:
    """The last number handed out (committed: the counter row is read, not locked)."""
    return session.execute(text("SELECT value FROM sync_counter WHERE id = 1")).scalar_one()
