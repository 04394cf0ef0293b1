"""The outbox: a use case states the sync ops of its unit of work, in its own transaction.

A use case that writes a row the server must hear of says so where it writes it:
`emit(session, BookingChanged(activity_id, day, child_id, before, reason))`, `FamilyChanged`,
`PlanningChanged`, `InvoicesIssued`, `WalletLines`, `PaymentsMade`, `DocumentReviewed`,
`MessageWritten`. The intents are kept on
the transaction; `Store.write` calls `write_outbox` at the end of it, before the commit, and
the payload builders (`family_ops`, `money_ops`, `planning_ops`, `days_ops`) read the rows'
final state to write the ops (Core inserts: neither the audit hook nor a flush sees them). A
transaction rolled back leaves no op; nothing watches the rows: a write without its intent
sends nothing (tests/ hold a checker that fails on such a write).

Order: first the batches of the bulk writers (`emit_batch`: a year of paper forms' days, their
wallet lines), as they emitted them; then the other intents gathered by kind — the commune's
settings (the server books against them), dossiers, invoices, bookings, wallet lines, payments
— each row once per transaction. A booking that ends the transaction in the state it had
before (booked, then cancelled again) sends nothing; one changed after its deadline carries the
reason the agent gave, passed by the booking use case. Applying the server's changes emits
nothing: the server already knows them (undoing a booking it refused gives the ticket back
through the wallet hook, which emits that line like any other).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy.orm import Session

from eticket_desk.models import Booking
from eticket_desk.rules.booking import BookingState
from eticket_desk.sync.days_ops import FormDays, days_ops
from eticket_desk.sync.document_ops import message_ops, review_ops
from eticket_desk.sync.family_ops import family_ops
from eticket_desk.sync.money_ops import invoice_ops, payment_ops, wallet_ops
from eticket_desk.sync.oplog import booking_key, write_ops
from eticket_desk.sync.planning_ops import (
    activity_ops,
    calendar_ops,
    organisation_ops,
    school_ops,
    tariff_ops,
    ticket_type_ops,
)
from eticket_desk.sync.wire import OpType

PlanningKind = Literal["calendar", "activity", "ticket_type", "tariff", "school", "organisation"]


@dataclass(frozen=True)
class BookingChanged:
    """A booking's state set: `before` is its state when the use case found it (None: new)."""

    activity_id: uuid.UUID
    day: date
    child_id: uuid.UUID
    before: str | None
    reason: str = ""  # the agent's reason for changing it after its deadline


@dataclass(frozen=True)
class FamilyChanged:
    """Anything of a dossier: the family, its adults, children or portal account."""

    family_id: uuid.UUID


@dataclass(frozen=True)
class PlanningChanged:
    """A setting of the commune: a school year (its periods, closures), an activity (its
    schools), a ticket type, a tariff (its brackets), a school (its classes), the organisation."""

    kind: PlanningKind
    id: uuid.UUID


@dataclass(frozen=True)
class InvoicesIssued:
    """Invoices and credit notes written."""

    ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class WalletLines:
    """Wallet lines written (the ledger is append-only)."""

    ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class PaymentsMade:
    """Payments written: received, or the reversals of a cancelled receipt."""

    ids: tuple[uuid.UUID, ...]


@dataclass(frozen=True)
class DocumentReviewed:
    """A parent's document accepted or refused here."""

    document_id: uuid.UUID


@dataclass(frozen=True)
class MessageWritten:
    """A message of the mairie for the portal written, changed or withdrawn."""

    message_id: uuid.UUID


@dataclass(frozen=True)
class FormsBooked:
    """The days paper forms book, put on the waiting list and cancel (one op per form)."""

    forms: tuple[FormDays, ...]


Intent = (
    BookingChanged
    | FamilyChanged
    | PlanningChanged
    | InvoicesIssued
    | WalletLines
    | PaymentsMade
    | FormsBooked
    | DocumentReviewed
    | MessageWritten
)

_INTENTS, _BATCHES = "outbox_intents", "outbox_batches"


def emit(session: Session, *intents: Intent) -> None:
    """States ops of this unit of work (written at its end, gathered by kind)."""
    session.info.setdefault(_INTENTS, []).extend(intents)


def emit_batch(session: Session, *intents: Intent) -> None:
    """States a bulk writer's ops, written at the end in the order they were emitted, before
    the ops gathered by kind."""
    session.info.setdefault(_BATCHES, []).extend(intents)


def emitted(session: Session) -> list[Intent]:
    """The intents stated so far in this unit of work (batches first)."""
    return [*session.info.get(_BATCHES, ()), *session.info.get(_INTENTS, ())]


def write_outbox(session: Session) -> None:
    """Turns the unit of work's intents into outbox rows (called by `Store.write`, last)."""
    batches = session.info.pop(_BATCHES, [])
    intents = session.info.pop(_INTENTS, [])
    if not batches and not intents:
        return
    session.flush()  # the payloads are read from the rows as they are now
    ops = [op for intent in batches for op in _ops_of(session, [intent])]
    ops += _ops_of(session, intents)
    write_ops(session, ops)


_PLANNING_OPS = (  # first: the server books against them
    ("calendar", calendar_ops),
    ("activity", activity_ops),
    ("ticket_type", ticket_type_ops),
    ("tariff", tariff_ops),
    ("school", school_ops),
    ("organisation", organisation_ops),
)


def _ops_of(session: Session, intents: list[Intent]) -> list:
    planning: dict[str, dict[uuid.UUID, None]] = {kind: {} for kind, _ in _PLANNING_OPS}
    families: dict[uuid.UUID, None] = {}
    invoices: list[uuid.UUID] = []
    bookings: dict[tuple, BookingChanged] = {}
    wallet: list[uuid.UUID] = []
    payments: list[uuid.UUID] = []
    forms: list[FormDays] = []
    portal: dict[type, dict[uuid.UUID, None]] = {DocumentReviewed: {}, MessageWritten: {}}
    for intent in intents:
        if isinstance(intent, BookingChanged):
            key = (intent.activity_id, intent.day, intent.child_id)
            first = bookings.setdefault(key, intent)  # the state before the first change
            if intent.reason and first is not intent:
                bookings[key] = BookingChanged(*key, first.before, intent.reason)
        elif isinstance(intent, FamilyChanged):
            families[intent.family_id] = None
        elif isinstance(intent, PlanningChanged):
            planning[intent.kind][intent.id] = None
        elif isinstance(intent, InvoicesIssued):
            invoices += intent.ids
        elif isinstance(intent, WalletLines):
            wallet += intent.ids
        elif isinstance(intent, PaymentsMade):
            payments += intent.ids
        elif isinstance(intent, FormsBooked):
            forms += intent.forms
        elif isinstance(intent, DocumentReviewed):
            portal[DocumentReviewed][intent.document_id] = None
        elif isinstance(intent, MessageWritten):
            portal[MessageWritten][intent.message_id] = None
    ops: list = []
    for kind, build in _PLANNING_OPS:
        ops += build(session, list(planning[kind]))
    ops += family_ops(session, list(families))
    ops += message_ops(session, list(portal[MessageWritten]))  # after its family's dossier
    ops += review_ops(session, list(portal[DocumentReviewed]))
    ops += invoice_ops(session, invoices)
    wanted = [f for f in forms if f.book or f.wait or f.cancel or f.subscription]
    ops += days_ops(wanted)
    ops += _booking_ops(session, bookings.values())
    ops += wallet_ops(session, wallet)
    ops += payment_ops(session, payments)
    return ops


# ---------------------------------------------------------------- bookings


_MARKS = {
    BookingState.PRESENT.value,
    BookingState.ABSENT_JUSTIFIED.value,
    BookingState.ABSENT_UNJUSTIFIED.value,
}


def _booking_op(activity_id, day: date, child_id, state: str | None, reason: str = "", before=None):
    payload: dict[str, Any] = {"child_id": child_id, "activity_id": activity_id, "day": day}
    key = booking_key(activity_id, day, child_id)
    if state in _MARKS or (before in _MARKS and state == BookingState.BOOKED):
        return OpType.BOOKING_MARK, {**payload, "state": state}, key, ""
    if reason:
        payload["override_reason"] = reason[:200]
    if state == BookingState.BOOKED:
        op_type = OpType.BOOKING_BOOK
    elif state == BookingState.WAITING:
        op_type, payload["waiting_list"] = OpType.BOOKING_BOOK, True
    elif state == BookingState.CANCELLED:
        op_type = OpType.BOOKING_CANCEL
    else:
        return None
    return op_type, payload, key, ""


def _booking_ops(session: Session, changes) -> list:
    ops = []
    for change in changes:
        booking = session.get(Booking, (change.activity_id, change.day, change.child_id))
        if booking is None or booking.state == change.before:
            continue
        op = _booking_op(
            change.activity_id,
            change.day,
            change.child_id,
            booking.state,
            change.reason,
            change.before,
        )
        if op is not None:
            ops.append(op)
    return ops
