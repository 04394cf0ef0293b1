"""The rows a write will decide on, locked up front in one global order: writers never deadlock.

A push (and any other writer that decides on seats or money) names what it is about to
decide — an activity's month of days, a dossier, an invoice… — and takes one PostgreSQL
advisory transaction lock per name, all at once, sorted by their 64-bit key, before it
touches a row. Two writers wanting the same names queue on the first one they share; no
writer ever holds a name another is waiting for while it waits itself, so no cycle can form.
The locks go with the transaction (commit or rollback).

What is named (an op's other rows are its own, or only appended):
- `days(activity, day)`: the activity's days of that month — a seat is decided there
  (activity_days, bookings); a month, not a day, so that a year-long form takes a dozen
  locks, not two hundred;
- `family(id)` and `child(id)`: a dossier and its children rewritten (both dossiers of a
  merge, and the children it joins);
- `invoice(id)`: an invoice's paid amount moved (payments, credit notes, cancelled receipts);
- `row(kind, id)`: one settings row (activity, school year, commune record).

The foreign keys of appended rows take KEY SHARE locks on their parents; the rows named above
are updated with FOR NO KEY UPDATE, which does not conflict with those, so appending (wallet
lines, payments, bookings) never waits on a dossier or an activity being rewritten.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from eticket_desk.sync.wire import OpType

_TAKE = text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k")


def _key(*parts: object) -> int:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def days(activity_id: uuid.UUID, day: date) -> int:
    return _key("days", activity_id, day.year, day.month)


def months(activity_id: uuid.UUID, days_: Iterable[date]) -> set[int]:
    """The names of the months `days_` fall in (a year-long form: a dozen, hashed once each)."""
    return {_key("days", activity_id, y, m) for y, m in {(d.year, d.month) for d in days_}}


def family(family_id: uuid.UUID) -> int:
    return _key("family", family_id)


def child(child_id: uuid.UUID) -> int:
    return _key("child", child_id)


def invoice(invoice_id: uuid.UUID) -> int:
    return _key("invoice", invoice_id)


def row(kind: str, row_id: uuid.UUID) -> int:
    return _key(kind, row_id)


def take(session: Session, keys: Iterable[int]) -> int:
    """Locks every key until the transaction ends, in ascending order (unnest keeps the
    array's order); returns how many. Call it before the first row lock."""
    ordered = sorted(set(keys))
    if ordered:
        session.execute(_TAKE, {"keys": ordered}).all()
    return len(ordered)


_PAYMENT_INVOICES = text(
    "SELECT invoice_id FROM payments WHERE id = ANY(CAST(:ids AS uuid[])) "
    "AND invoice_id IS NOT NULL"
)
_BOOKING_OPS = (OpType.BOOKING_BOOK, OpType.BOOKING_CANCEL, OpType.BOOKING_MARK)
# Ops that only append rows (a sale's payment, a wallet line): nothing to decide, no key. A
# payment for an invoice moves the invoice's paid amount: that one is keyed.
APPEND_ONLY = frozenset({OpType.WALLET_ENTRY, OpType.PAYMENT_RECEIVED})
_SETTINGS = {
    OpType.ACTIVITY_UPSERT: ("activity", "activity_id"),
    OpType.CALENDAR_UPSERT: ("school_year", "year_id"),
    OpType.TICKET_TYPE_UPSERT: ("record", "ticket_type_id"),
    OpType.TARIFF_UPSERT: ("record", "tariff_id"),
    OpType.SCHOOL_UPSERT: ("record", "school_id"),
    OpType.ORGANISATION_UPSERT: ("record", "organisation_id"),
    OpType.DOCUMENT_REVIEW: ("document", "document_id"),
    OpType.MESSAGE_UPSERT: ("message", "message_id"),
}


def _op_keys(op) -> Iterable[int]:
    p = op.payload
    if op.type in _BOOKING_OPS:
        yield days(p.activity_id, p.day)
    elif op.type == OpType.BOOKINGS_APPLY:
        yield from months(p.activity_id, (*p.book_days(), *p.wait, *p.cancel))
    elif op.type == OpType.FAMILY_UPSERT:
        yield family(p.family_id)
        yield from (child(c.id) for c in p.children)
    elif op.type == OpType.FAMILY_MERGE:
        yield from (family(p.kept_id), family(p.absorbed_id))
        yield from (child(i) for pair in p.children for i in (pair.absorbed_id, pair.kept_id))
    elif (
        op.type in (OpType.INVOICE_ISSUE, OpType.INVOICE_CANCEL)
        or op.type == OpType.PAYMENT_RECEIVED
        and p.invoice_id is not None
    ):
        yield invoice(p.invoice_id)
    elif op.type in _SETTINGS:
        kind, field = _SETTINGS[op.type]
        yield row(kind, getattr(p, field))


# Every op type, by what it is keyed on (tests check that a new op type is placed here).
KEYED = frozenset(
    {
        *_BOOKING_OPS,
        OpType.BOOKINGS_APPLY,
        OpType.FAMILY_UPSERT,
        OpType.FAMILY_MERGE,
        OpType.INVOICE_ISSUE,
        OpType.INVOICE_CANCEL,
        OpType.PAYMENT_RECEIVED,
        OpType.PAYMENT_CANCEL,
        *_SETTINGS,
    }
)


def for_ops(session: Session, ops: list) -> list[int]:
    """The keys of what these ops will decide (see the module's docstring). A cancelled
    receipt moves its invoice's paid amount: the invoice is read first (a payment's invoice
    never changes). Wallet lines and sale payments are only appended: no key."""
    keys = [key for op in ops for key in _op_keys(op)]
    cancelled = [op.payload.payment_id for op in ops if op.type == OpType.PAYMENT_CANCEL]
    if cancelled:
        keys += [
            invoice(i) for i in session.execute(_PAYMENT_INVOICES, {"ids": cancelled}).scalars()
        ]
    return keys
