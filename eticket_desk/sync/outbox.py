"""The outbox: every local change writes its sync ops in the same transaction.

One hook on the writer sessionmaker: `after_flush` notes which bookings, wallet lines,
payments and family dossiers the transaction touched; `before_commit` reads their final
state and inserts the ops (Core inserts, so neither the audit hook nor a flush sees them).
A transaction rolled back leaves no op. Rows written with raw SQL (the subscriptions' planner,
the bulk wallet hook, the invoice run) are not seen by ORM events: their writers call
`add_booking_ops` / `add_wallet_ops` / `add_invoice_ops`. A session flagged with
`quiet(session)` (pull applying the server's changes) writes no op; `quiet(session,
"booking")` silences one kind only. A booking changed after its deadline carries the agent's
reason (from the audit entry of the override) for the server.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from eticket_desk.models import (
    Adult,
    AuditEntry,
    Booking,
    Child,
    Family,
    Invoice,
    Payment,
    PortalAccount,
    WalletEntry,
)
from eticket_desk.rules.booking import BookingState
from eticket_desk.sync.family_ops import family_ops
from eticket_desk.sync.money_ops import invoice_ops, payment_ops, wallet_ops
from eticket_desk.sync.oplog import booking_key, silenced, write_ops
from eticket_desk.sync.planning_ops import (
    activity_ops,
    calendar_ops,
    organisation_ops,
    planning_ids,
    school_ops,
    tariff_ops,
    ticket_type_ops,
)
from eticket_desk.sync.wire import OpType

_SEEN = "outbox_seen"


# ---------------------------------------------------------------- collecting at flush


def _seen(session: Session) -> dict[str, Any]:
    return session.info.setdefault(
        _SEEN,
        {
            "bookings": {},
            "overrides": {},
            "wallet": [],
            "payments": [],
            "families": [],
            "invoices": [],
            "activity": [],
            "calendar": [],
            "ticket_type": [],
            "tariff": [],
            "school": [],
            "organisation": [],
        },
    )


def _original_state(obj: Booking, new: bool) -> str | None:
    if new:
        return None
    history = inspect(obj).attrs.state.history
    if history.deleted:
        return history.deleted[0]
    return obj.state


def _after_flush(session: Session, _context: object) -> None:
    if "actor" not in session.info or silenced(session, "*"):
        return
    seen = _seen(session)
    added = list(session.new)  # `session.new` is built anew at each access: once here
    for index, obj in enumerate((*added, *session.dirty, *session.deleted)):
        new = index < len(added)
        if isinstance(obj, Booking):
            key = (obj.activity_id, obj.day, obj.child_id)
            if key not in seen["bookings"]:
                seen["bookings"][key] = _original_state(obj, new)
        elif isinstance(obj, WalletEntry) and new:
            seen["wallet"].append(obj.id)
        elif isinstance(obj, Payment) and new:
            seen["payments"].append(obj.id)
        elif isinstance(obj, Invoice) and new:
            seen["invoices"].append(obj.id)
        elif (planned := planning_ids(obj)) is not None:
            seen[planned[0]].append(planned[1])
        elif isinstance(obj, AuditEntry) and new and obj.action == "deadline_override":
            # The agent's reason for changing a booking after its deadline goes with the op.
            reason = json.loads(obj.details or "{}").get("reason", "")
            seen["overrides"][obj.entity_id] = reason[:200]
        elif isinstance(obj, Family):
            seen["families"].append(obj.id)
        elif isinstance(obj, (Adult, Child, PortalAccount)):
            seen["families"].append(obj.family_id)


def _before_commit(session: Session) -> None:
    if silenced(session, "*"):
        return
    session.flush()  # before_commit comes before the last flush: its changes count too
    seen = session.info.pop(_SEEN, None)
    if not seen:
        return
    ops: list[tuple[OpType, dict[str, Any], str, str]] = []
    if not silenced(session, "planning"):  # first: the server books against them
        ops += calendar_ops(session, list(dict.fromkeys(seen["calendar"])))
        ops += activity_ops(session, list(dict.fromkeys(seen["activity"])))
        ops += ticket_type_ops(session, list(dict.fromkeys(seen["ticket_type"])))
        ops += tariff_ops(session, list(dict.fromkeys(seen["tariff"])))
        ops += school_ops(session, list(dict.fromkeys(seen["school"])))
        ops += organisation_ops(session, list(dict.fromkeys(seen["organisation"])))
    if not silenced(session, "family"):
        ops += family_ops(session, list(dict.fromkeys(seen["families"])))
    if not silenced(session, "invoice"):
        ops += invoice_ops(session, seen["invoices"])
    if not silenced(session, "booking"):
        ops += _booking_ops(session, seen["bookings"], seen["overrides"])
    if not silenced(session, "wallet"):
        ops += wallet_ops(session, seen["wallet"])
    if not silenced(session, "payment"):
        ops += payment_ops(session, seen["payments"])
    write_ops(session, ops)


def install_outbox_hook(factory: sessionmaker) -> None:
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)


# ---------------------------------------------------------------- bookings


_MARKS = {
    BookingState.PRESENT.value,
    BookingState.ABSENT_JUSTIFIED.value,
    BookingState.ABSENT_UNJUSTIFIED.value,
}


def _booking_op(activity_id, day: date, child_id, state: str | None, reason: str = "", before=None):
    payload = {"child_id": child_id, "activity_id": activity_id, "day": day}
    key = booking_key(activity_id, day, child_id)
    if state in _MARKS or (before in _MARKS and state == BookingState.BOOKED):
        return OpType.BOOKING_MARK, {**payload, "state": state}, key, ""
    if reason:
        payload["override_reason"] = reason
    if state == BookingState.BOOKED:
        op_type = OpType.BOOKING_BOOK
    elif state == BookingState.WAITING:
        op_type, payload["waiting_list"] = OpType.BOOKING_BOOK, True
    elif state == BookingState.CANCELLED:
        op_type = OpType.BOOKING_CANCEL
    else:
        return None
    return op_type, payload, key, ""


def _booking_ops(session: Session, seen: dict[tuple, str | None], reasons: dict) -> list:
    ops = []
    for (activity_id, day, child_id), before in seen.items():
        booking = session.get(Booking, (activity_id, day, child_id))
        if booking is None or booking.state == before:
            continue
        reason = reasons.get(booking.audit_key, "")
        op = _booking_op(activity_id, day, child_id, booking.state, reason, before)
        if op is not None:
            ops.append(op)
    return ops


def add_booking_ops(session: Session, rows: list[tuple[uuid.UUID, date, uuid.UUID, str]]) -> None:
    """Ops of bookings written with raw SQL: (activity_id, day, child_id, new state)."""
    if not silenced(session, "booking"):
        ops = [_booking_op(*row) for row in rows]
        write_ops(session, [op for op in ops if op is not None])
