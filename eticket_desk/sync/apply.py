"""The local side of a sync: the server's answers recorded, rejected bookings undone, pulled
changes applied (in one transaction with the cursor), and the sync state kept in `setting`.

Nothing here emits an op: the server already knows what it answered; undoing a rejected
booking gives its ticket back through the wallet hook, which emits that line (the server must
hear of it).
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.models import (
    Booking,
    Child,
    Setting,
)
from eticket_desk.models.sync import OutboxOp, ServerVersion
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.numbering import DESK_NUMBER
from eticket_desk.rules.permissions import Role
from eticket_desk.services.bookings.hooks import booking_hooks
from eticket_desk.services.bookings.seat_counters import bump_seats
from eticket_desk.services.bookings.waiting_queue import join_waiting_list, leave_waiting_list
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.store import Actor
from eticket_desk.sync.wire import OpStatus, OpType, RejectCode

PARTIAL = "partial"  # a form applied with some days refused (an outbox status of its own)
SYNC_ACTOR = Actor(None, "synchro", "Synchronisation", Role.ADMIN)
CURSOR, LAST_SYNC, LAST_ERROR, ONLINE = (
    "sync.cursor",
    "sync.last_sync",
    "sync.last_error",
    "sync.online",
)


# ---------------------------------------------------------------- state in `setting`


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


def stored_desk_number(store) -> int | None:
    with store.read() as session:
        number = read_state(session, DESK_NUMBER, None)
    return int(number) if number is not None else None


def store_desk_number(store, number: int) -> None:
    with store.write(SYNC_ACTOR) as session:
        put_state(session, {DESK_NUMBER: number})


def write_status(store, report, *, online: bool) -> None:
    with store.write(SYNC_ACTOR) as session:
        values: dict[str, object] = {ONLINE: online, LAST_ERROR: report.error}
        if report.ok:
            values[LAST_SYNC] = report.finished_at.isoformat()
        put_state(session, values)


# ---------------------------------------------------------------- push answers


def pending_ops(store, limit: int) -> list[OutboxOp]:
    with store.read() as session:
        return list(
            session.scalars(
                select(OutboxOp)
                .where(OutboxOp.status == "pending")
                .order_by(OutboxOp.seq)
                .limit(limit)
            )
        )


def record_answers(store, rows: list[OutboxOp], results) -> tuple[list[str], int]:
    """Stores each answer on its op; undoes what a rejection refused. Returns the messages
    of the ops rejected and how many answers were duplicates. (Bulk updates by key: the
    bookkeeping is not audited.)"""
    by_id = {row.op_id: row for row in rows}
    duplicates: list[int] = []
    rejected: list[str] = []
    updates = []
    with store.write(SYNC_ACTOR) as session:
        now = session.info["now"]
        for result in results:
            row = by_id[result.op_id]
            status = result.status
            if status == OpStatus.DUPLICATE:
                duplicates.append(row.seq)
                if result.original_status is not None:
                    status = result.original_status  # what the op got the first time
            payload = json.loads(row.payload)
            answer = {
                "seq": row.seq,
                "status": status.value,
                "code": result.code.value if result.code else "",
                "message": result.message,
                "result": json.dumps(result.result or {}, default=str),
                "answered_at": now,
            }
            updates.append(answer)
            if status == OpStatus.APPLIED and row.type == OpType.BOOKINGS_APPLY:
                code, message = _form_answer(session, payload, result.result or {})
                if code:  # applied in part: an issue the agent sees, like a rejection
                    answer.update(status=PARTIAL, code=code, message=message)
                    rejected.append(message)
            elif status == OpStatus.REJECTED:
                _undo(session, row.type, payload, result.code)
                rejected.append(result.message or result.code.value)
            elif row.type == OpType.FAMILY_UPSERT and result.result:
                server_version(session, "family", payload["family_id"], result.result)
        if updates:
            session.execute(update(OutboxOp), updates)
    return rejected, len(duplicates)


def server_version(session, entity: str, entity_id: str, data: dict[str, Any]) -> None:
    if "version" not in data:
        return
    statement = sqlite_insert(ServerVersion).values(
        entity=entity, entity_id=str(entity_id), version=int(data["version"])
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["entity", "entity_id"],
            set_={"version": func.max(ServerVersion.version, statement.excluded.version)},
        )
    )


# The server's rules decided against the booking: it is undone here. NOT_FOUND, INVALID_DATA
# or SUBSCRIPTION_ONLY say the server lacks something (a dossier, an activity, the desk's
# subscriptions): the booking stays, the agent sees the issue.
_UNDONE = {
    RejectCode.CAPACITY_FULL,
    RejectCode.DEADLINE_PASSED,
    RejectCode.DAY_CLOSED,
    RejectCode.DOSSIER_NOT_VALIDATED,
    RejectCode.CHILD_NOT_CONCERNED,
    RejectCode.PERMISSION_DENIED,
    RejectCode.OVERRIDE_REASON_MISSING,
}


def _undo(session, op_type: str, payload: dict[str, Any], code) -> None:
    """A booking the server refused frees its seat and gives its ticket back here."""
    if op_type != OpType.BOOKING_BOOK or code not in _UNDONE:
        return  # a refused cancel or dossier stays as it is: the agent decides (sync issue)
    _release(session, payload["activity_id"], payload["day"], payload["child_id"])


def _form_answer(session, payload: dict[str, Any], result: dict[str, Any]) -> tuple[str, str]:
    """A form's days the server refused are undone, those it put on the waiting list go
    there; returns (code, French summary) for the sync issue, or ("", "") when all went."""
    held = set(payload.get("book", [])) | set(payload.get("wait", []))
    refused = [r for r in result.get("refused", []) if r.get("day") in held]
    for item in refused:
        if item["code"] in _UNDONE:
            _release(session, payload["activity_id"], item["day"], payload["child_id"])
    for day in result.get("waiting", []):
        _release(session, payload["activity_id"], day, payload["child_id"], to_waiting=True)
    refused_all = result.get("refused", [])
    if not refused_all and not result.get("waiting"):
        return "", ""
    parts = []
    if result.get("waiting"):
        parts.append(f"{len(result['waiting'])} jour(s) complet(s) : en liste d'attente")
    if refused_all:
        parts.append(f"{len(refused_all)} jour(s) refusé(s)")
    details = "; ".join(r["message"] for r in refused_all[:5])
    more = f" (et {len(refused_all) - 5} autre(s))" if len(refused_all) > 5 else ""
    message = " ; ".join(parts) + (f". {details}{more}" if details else ".")
    code = refused_all[0]["code"] if refused_all else RejectCode.CAPACITY_FULL.value
    return code, message[:1000]


def _release(session, activity_id, day, child_id, *, to_waiting: bool = False) -> None:
    """Takes back a booking the server did not grant: its seat freed, its ticket given back,
    and the child cancelled or put on the waiting list."""
    key = (uuid.UUID(str(activity_id)), date.fromisoformat(str(day)))
    child_id = uuid.UUID(str(child_id))
    booking = session.get(Booking, (*key, child_id))
    if booking is None or booking.state not in (BookingState.BOOKED, BookingState.WAITING):
        return
    held_seat = booking.state in SEAT_STATES
    now = session.info["now"]
    booking.state = (BookingState.WAITING if to_waiting else BookingState.CANCELLED).value
    booking.updated_at, booking.updated_by, booking.source = now, SYNC_ACTOR.login, "sync"
    if to_waiting and held_seat:
        join_waiting_list(session, booking, now)
    elif not to_waiting:
        leave_waiting_list(booking)
    session.flush()
    if not held_seat:
        if not to_waiting:
            bump_seats(session, booking, waiting=-1)
        return
    bump_seats(session, booking, booked=-1, waiting=1 if to_waiting else 0)
    activity = next(a for a in activities_in(session, include_inactive=True) if a.id == key[0])
    family_id = session.scalar(select(Child.family_id).where(Child.id == child_id))
    for hook in booking_hooks():
        concerns = getattr(hook, "concerns", None)
        if concerns is None or concerns(activity):
            hook.seat_released(session, booking, activity, family_id, key[1], timely=True)
