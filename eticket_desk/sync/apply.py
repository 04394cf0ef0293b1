"""The local side of a sync: the server's answers recorded, rejected bookings undone, pulled
changes applied (in one transaction with the cursor), and the sync state kept in `setting`.

Everything here writes in a `quiet` session, so applying the server's changes writes no op
back; undoing a rejected booking silences booking ops only (the ticket given back is a wallet
line the server must hear of).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.models import (
    Adult,
    Booking,
    Child,
    CreditEntry,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    Sale,
    Setting,
    TicketType,
    WalletEntry,
)
from eticket_desk.models.sync import OutboxOp, ServerVersion
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.permissions import Role
from eticket_desk.services.activities import activities_in
from eticket_desk.services.booking_hooks import booking_hooks
from eticket_desk.services.families import search_text_for
from eticket_desk.services.family_data import family_display_name
from eticket_desk.services.seat_counters import bump_seats
from eticket_desk.services.store import Actor
from eticket_desk.sync.outbox import quiet
from eticket_desk.sync.protocol import OpStatus, OpType, RejectCode

SYNC_ACTOR = Actor(None, "synchro", "Synchronisation", Role.ADMIN)
CURSOR, LAST_SYNC, LAST_ERROR, ONLINE = (
    "sync.cursor",
    "sync.last_sync",
    "sync.last_error",
    "sync.online",
)
_ADULT_FIELDS = [
    "last_name",
    "first_name",
    "relation",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "phone_work_mobile",
    "email",
    "address1",
    "address2",
    "address3",
    "postcode",
    "city",
]


# ---------------------------------------------------------------- state in `setting`


def _put(session, values: dict[str, object]) -> None:
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


def write_status(store, report, *, online: bool) -> None:
    with store.write(SYNC_ACTOR) as session:
        quiet(session)
        values: dict[str, object] = {ONLINE: online, LAST_ERROR: report.error}
        if report.ok:
            values[LAST_SYNC] = report.finished_at.isoformat()
        _put(session, values)


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
        quiet(session, "booking")
        now = session.info["now"]
        for result in results:
            row = by_id[result.op_id]
            status = result.status
            if status == OpStatus.DUPLICATE:
                duplicates.append(row.seq)
                if result.original_status is not None:
                    status = result.original_status  # what the op got the first time
            updates.append(
                {
                    "seq": row.seq,
                    "status": status.value,
                    "code": result.code.value if result.code else "",
                    "message": result.message,
                    "result": json.dumps(result.result or {}, default=str),
                    "answered_at": now,
                }
            )
            payload = json.loads(row.payload)
            if status == OpStatus.REJECTED:
                _undo(session, row.type, payload, result.code)
                rejected.append(result.message or result.code.value)
            elif row.type == OpType.FAMILY_UPSERT and result.result:
                _server_version(session, "family", payload["family_id"], result.result)
        if updates:
            session.execute(update(OutboxOp), updates)
    return rejected, len(duplicates)


def _server_version(session, entity: str, entity_id: str, data: dict[str, Any]) -> None:
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
    key = (uuid.UUID(payload["activity_id"]), date.fromisoformat(payload["day"]))
    child_id = uuid.UUID(payload["child_id"])
    booking = session.get(Booking, (*key, child_id))
    if booking is None or booking.state not in (BookingState.BOOKED, BookingState.WAITING):
        return
    held_seat = booking.state in SEAT_STATES
    booking.state = BookingState.CANCELLED.value
    booking.waiting_since = None
    booking.updated_at = session.info["now"]
    booking.updated_by = SYNC_ACTOR.login
    booking.source = "sync"
    session.flush()
    if not held_seat:
        bump_seats(session, booking, waiting=-1)
        return
    bump_seats(session, booking, booked=-1)
    activity = next(a for a in activities_in(session, include_inactive=True) if a.id == key[0])
    family_id = session.scalar(select(Child.family_id).where(Child.id == child_id))
    for hook in booking_hooks():
        concerns = getattr(hook, "concerns", None)
        if concerns is None or concerns(activity):
            hook.seat_released(session, booking, activity, family_id, key[1], timely=True)


# ---------------------------------------------------------------- pulled changes


def _waiting_keys(session) -> set[str]:
    return set(
        session.scalars(select(OutboxOp.entity_key).where(OutboxOp.status == "pending")).all()
    )


def apply_changes(store, device_id: uuid.UUID, changes, cursor: int) -> int:
    """Applies the pulled changes and moves the cursor in ONE transaction; returns how many
    changed something here."""
    applied = 0
    with store.write(SYNC_ACTOR) as session:
        quiet(session)
        waiting = _waiting_keys(session)
        for change in changes:
            if change.entity == "family":
                _server_version(session, "family", change.id, change.data)
            if change.device_id == device_id:
                continue  # our own op coming back: already here
            apply = _APPLY.get(change.entity)
            if apply is not None and apply(session, change, waiting):
                applied += 1
        _put(session, {CURSOR: cursor})
    return applied


def _booking(session, change, waiting: set[str]) -> bool:
    data = change.data
    activity_id, day = uuid.UUID(data["activity_id"]), date.fromisoformat(data["day"])
    child_id = uuid.UUID(data["child_id"])
    if f"booking:{activity_id}/{day.isoformat()}/{child_id}" in waiting:
        return False  # our own op on it is not answered yet: it decides
    child = session.get(Child, child_id)
    if child is None or child.school_id is None:
        return False
    booking = session.get(Booking, (activity_id, day, child_id))
    before = BookingState(booking.state) if booking is not None else None
    state = BookingState(data["state"])
    if before == state:
        return False
    if booking is None:
        booking = Booking(
            activity_id=activity_id, day=day, child_id=child_id, school_id=child.school_id
        )
        session.add(booking)
    booking.state, booking.late = state.value, bool(data.get("late"))
    booking.source = data.get("source") or "portal"
    booking.updated_at = datetime.fromisoformat(data["updated_at"])
    booking.updated_by = booking.source
    booking.waiting_since = booking.updated_at if state == BookingState.WAITING else None
    session.flush()
    seat = (state in SEAT_STATES) - (before in SEAT_STATES)
    queue = (state == BookingState.WAITING) - (before == BookingState.WAITING)
    if seat or queue:
        bump_seats(session, booking, booked=seat, waiting=queue)
    return True


def _family(session, change, waiting: set[str]) -> bool:
    if f"family:{change.id}" in waiting:
        return False  # the desk's own edit goes first; the server will say if it is stale
    family = session.get(Family, uuid.UUID(change.id))
    if family is None:
        return False
    changed = False
    for adult_data in change.data.get("adults", []):
        adult = session.get(Adult, uuid.UUID(adult_data["id"]))
        if adult is None or adult.family_id != family.id:
            continue
        for name in _ADULT_FIELDS:
            if name in adult_data and getattr(adult, name) != adult_data[name]:
                setattr(adult, name, adult_data[name])
                changed = True
    if changed:
        family.display_name = family_display_name(family.members)
        family.search_text = search_text_for(family.reference, family.members, family.children)
        family.version += 1  # a window holding the older dossier cannot overwrite this
        family.updated_at = session.info["now"]
    return changed


def _wallet_entry(session, change, _waiting) -> bool:
    data = change.data
    entry_id = uuid.UUID(change.id)
    if session.get(WalletEntry, entry_id) is not None:
        return False
    ticket = session.scalar(select(TicketType).where(TicketType.code == data["ticket_type"]))
    if ticket is None or session.get(Family, uuid.UUID(data["family_id"])) is None:
        return False
    session.add(
        WalletEntry(
            id=entry_id,
            family_id=uuid.UUID(data["family_id"]),
            ticket_type_id=ticket.id,
            at=datetime.fromisoformat(data["occurred_at"]),
            quantity=data["quantity"],
            kind=data["kind"],
            reason=data.get("reason", ""),
            by="serveur",
        )
    )
    return True


def _payment(session, change, _waiting) -> bool:
    """A payment made elsewhere (online): the invoice gets what it still needs here, the
    rest is the family's credit (never counted twice)."""
    data = change.data
    payment_id = uuid.UUID(change.id)
    receipt = (data.get("details") or {}).get("receipt_number")
    if session.get(Payment, payment_id) is not None or (
        receipt and session.scalar(select(Sale.id).where(Sale.receipt_number == receipt))
    ):
        return False  # money taken at this counter (a full reload brings it back)
    family_id = uuid.UUID(data["family_id"])
    if session.get(Family, family_id) is None:
        return False
    invoice = session.get(Invoice, uuid.UUID(data["invoice_id"])) if data["invoice_id"] else None
    amount = data["amount_cents"] - data.get("to_sale_cents", 0)
    now, tag = session.info["now"], f"en ligne {payment_id}"
    if session.scalar(select(PaymentAllocation.id).where(PaymentAllocation.by == tag)) or (
        session.scalar(select(CreditEntry.id).where(CreditEntry.by == tag))
    ):
        return False  # already here (a full reload brings it again)
    to_invoice = 0
    if invoice is not None:
        paid = sum(
            session.scalars(
                select(PaymentAllocation.amount_cents).where(
                    PaymentAllocation.invoice_id == invoice.id
                )
            )
        )
        to_invoice = max(0, min(amount, invoice.total_cents - paid))
        if to_invoice:
            session.add(
                PaymentAllocation(invoice_id=invoice.id, amount_cents=to_invoice, at=now, by=tag)
            )
    if amount - to_invoice > 0:
        session.add(
            CreditEntry(
                family_id=family_id,
                at=now,
                amount_cents=amount - to_invoice,
                invoice_id=invoice.id if invoice else None,
                reason=f"Règlement en ligne (déjà payé) {payment_id}",
                by=tag,
            )
        )
    return bool(amount)


_APPLY = {
    "booking": _booking,
    "family": _family,
    "wallet_entry": _wallet_entry,
    "payment": _payment,
}
