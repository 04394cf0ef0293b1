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
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from eticket_desk.models import (
    Adult,
    AuditEntry,
    Booking,
    Child,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    PortalAccount,
    Sale,
    TicketType,
    WalletEntry,
)
from eticket_desk.models.sync import OutboxOp
from eticket_desk.rules.booking import BookingState
from eticket_desk.sync.family_ops import family_ops
from eticket_desk.sync.planning_ops import activity_ops, calendar_ops, planning_ids
from eticket_desk.sync.protocol import OpType

_SEEN = "outbox_seen"
_QUIET = "outbox_quiet"
_WALLET_KINDS = {"purchase", "booking", "cancellation", "correction", "refund"}


def quiet(session: Session, *kinds: str) -> None:
    """No op for this transaction (all kinds, or only "booking", "wallet", "payment"…)."""
    session.info[_QUIET] = set(kinds) or {"*"}


def _silenced(session: Session, kind: str) -> bool:
    quiet_kinds = session.info.get(_QUIET, ())
    return "*" in quiet_kinds or kind in quiet_kinds


def booking_key(activity_id, day: date, child_id) -> str:
    """The server's key of a booking (activity/day/child), also the outbox's entity key."""
    return f"booking:{activity_id}/{day.isoformat()}/{child_id}"


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
    if "actor" not in session.info or _silenced(session, "*"):
        return
    seen = _seen(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        new = obj in session.new
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
    if _silenced(session, "*"):
        return
    session.flush()  # before_commit comes before the last flush: its changes count too
    seen = session.info.pop(_SEEN, None)
    if not seen:
        return
    ops: list[tuple[OpType, dict[str, Any], str, str]] = []
    if not _silenced(session, "planning"):  # first: the server books against them
        ops += calendar_ops(session, list(dict.fromkeys(seen["calendar"])))
        ops += activity_ops(session, list(dict.fromkeys(seen["activity"])))
    if not _silenced(session, "family"):
        ops += family_ops(session, list(dict.fromkeys(seen["families"])))
    if not _silenced(session, "invoice"):
        ops += invoice_ops(session, seen["invoices"])
    if not _silenced(session, "booking"):
        ops += _booking_ops(session, seen["bookings"], seen["overrides"])
    if not _silenced(session, "wallet"):
        ops += wallet_ops(session, seen["wallet"])
    if not _silenced(session, "payment"):
        ops += _payment_ops(session, seen["payments"])
    write_ops(session, ops)


def install_outbox_hook(factory: sessionmaker) -> None:
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)


def write_ops(session: Session, ops: list[tuple[OpType, dict[str, Any], str, str]]) -> None:
    """Appends (type, payload, entity key, label) ops to the outbox, in this order."""
    if not ops:
        return
    now = session.info.get("now") or datetime.now()
    session.execute(
        insert(OutboxOp),
        [
            {
                "op_id": uuid.uuid4(),
                "type": op_type.value,
                "payload": json.dumps(payload, ensure_ascii=False, default=_plain),
                "entity_key": key,
                "label": label,
                "created_at": now,
            }
            for op_type, payload, key, label in ops
        ],
    )


def _plain(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------- bookings


def _booking_op(activity_id, day: date, child_id, state: str | None, reason: str = ""):
    payload = {"child_id": child_id, "activity_id": activity_id, "day": day}
    if reason:
        payload["override_reason"] = reason
    if state == BookingState.BOOKED:
        op_type = OpType.BOOKING_BOOK
    elif state == BookingState.WAITING:
        op_type, payload["waiting_list"] = OpType.BOOKING_BOOK, True
    elif state == BookingState.CANCELLED:
        op_type = OpType.BOOKING_CANCEL
    else:
        return None  # presence marks stay on the desk
    return op_type, payload, booking_key(activity_id, day, child_id), ""


def _booking_ops(session: Session, seen: dict[tuple, str | None], reasons: dict) -> list:
    ops = []
    for (activity_id, day, child_id), before in seen.items():
        booking = session.get(Booking, (activity_id, day, child_id))
        if booking is None or booking.state == before:
            continue
        reason = reasons.get(booking.audit_key, "")
        op = _booking_op(activity_id, day, child_id, booking.state, reason)
        if op is not None:
            ops.append(op)
    return ops


def add_booking_ops(session: Session, rows: list[tuple[uuid.UUID, date, uuid.UUID, str]]) -> None:
    """Ops of bookings written with raw SQL: (activity_id, day, child_id, new state)."""
    if not _silenced(session, "booking"):
        ops = [_booking_op(*row) for row in rows]
        write_ops(session, [op for op in ops if op is not None])


# ---------------------------------------------------------------- money


def wallet_ops(session: Session, entry_ids: list[uuid.UUID]) -> list:
    ops = []
    for start in range(0, len(entry_ids), 500):
        rows = session.execute(
            select(WalletEntry, TicketType.code)
            .join(TicketType, TicketType.id == WalletEntry.ticket_type_id)
            .where(WalletEntry.id.in_(entry_ids[start : start + 500]))
        ).all()
        for entry, code in rows:
            payload = {
                "entry_id": entry.id,
                "family_id": entry.family_id,
                "ticket_type": code,
                "quantity": entry.quantity,
                "kind": entry.kind if entry.kind in _WALLET_KINDS else "correction",
                "reason": (entry.reason or "")[:200],
                "occurred_at": entry.at,
            }
            ops.append((OpType.WALLET_ENTRY, payload, f"wallet_entry:{entry.id}", ""))
    return ops


def add_wallet_ops(session: Session, entry_ids: list[uuid.UUID]) -> None:
    """Ops of wallet lines written with raw SQL (once they are in the table)."""
    if not _silenced(session, "wallet"):
        write_ops(session, wallet_ops(session, entry_ids))


def invoice_ops(session: Session, invoice_ids: list[uuid.UUID]) -> list:
    """invoice.issue of invoices (credit notes stay on the desk: not in the protocol yet)."""
    ops = []
    for start in range(0, len(invoice_ids), 500):
        invoices = session.scalars(
            select(Invoice)
            .where(Invoice.id.in_(invoice_ids[start : start + 500]), Invoice.kind == "invoice")
            .order_by(Invoice.number)
        )
        for invoice in invoices:
            payload = {
                "invoice_id": invoice.id,
                "family_id": invoice.family_id,
                "number": invoice.number,
                "amount_cents": max(invoice.total_cents, 0),
                "issued_on": invoice.issued_at.date(),
                "due_on": invoice.due_date,
            }
            ops.append((OpType.INVOICE_ISSUE, payload, f"invoice:{invoice.id}", invoice.number))
    return ops


def add_invoice_ops(session: Session, invoice_ids: list[uuid.UUID]) -> None:
    """Ops of invoices written with bulk inserts (the invoice run), once in the table."""
    if not _silenced(session, "invoice"):
        write_ops(session, invoice_ops(session, invoice_ids))


def _payment_ops(session: Session, payment_ids: list[uuid.UUID]) -> list:
    ops = []
    for payment_id in payment_ids:
        payment = session.get(Payment, payment_id)
        sale = session.get(Sale, payment.sale_id) if payment and payment.sale_id else None
        if payment is None or sale is None or payment.amount_cents <= 0:
            continue  # reversals of a cancelled receipt are not sent (not yet in the protocol)
        base = {
            "family_id": sale.family_id,
            "method": payment.method,
            "received_at": payment.at,
            "receipt_number": sale.receipt_number,
        }
        if payment.method == "cheque":
            base["cheque"] = {
                "number": payment.cheque_number[:200] or "?",
                "bank": payment.cheque_bank[:200],
                "drawer": payment.cheque_drawer[:200],
            }
        allocations = session.execute(
            select(PaymentAllocation.invoice_id, PaymentAllocation.amount_cents)
            .where(PaymentAllocation.payment_id == payment.id)
            .order_by(PaymentAllocation.invoice_id)
        ).all()
        parts = [(invoice_id, amount) for invoice_id, amount in allocations if amount > 0]
        rest = payment.amount_cents - sum(amount for _, amount in parts)
        if not parts:
            parts = [(None, payment.amount_cents)]  # tickets
        elif rest > 0:
            # An overpayment rides on the last invoice: the server pays what that invoice
            # still needs and keeps the rest as credit, as the desk did.
            parts[-1] = (parts[-1][0], parts[-1][1] + rest)
        for invoice_id, amount in parts:
            # One op per invoice paid: the first keeps the payment's id, so a re-sent op
            # is recognised; the others get ids derived from it.
            op_payment_id = (
                payment.id if len(parts) == 1 else uuid.uuid5(payment.id, str(invoice_id))
            )
            payload = {
                **base,
                "payment_id": op_payment_id,
                "amount_cents": amount,
                "invoice_id": invoice_id,
            }
            ops.append((OpType.PAYMENT_RECEIVED, payload, f"payment:{payment.id}", ""))
    return ops
