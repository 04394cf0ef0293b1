"""GET /sync/snapshot: the commune's current state page by page, for a full reload.

Each item has the same shape as a pull change (entity, id, whole state). The client reads
every entity to its end, then pulls from the `resume_cursor` of its first page: changes
committed while it paged are pulled again, which is harmless since each change carries the
entity's whole state and pull replays them in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from eticket_central.changes import current_sequence
from eticket_central.documents import document_data
from eticket_central.models import (
    Activity,
    Booking,
    CommuneRecord,
    Document,
    Family,
    Invoice,
    MairieMessage,
    Payment,
    SchoolYear,
    Subscription,
    WalletEntry,
)
from eticket_central.ops.bookings import booking_data, booking_key
from eticket_central.ops.documents import message_data
from eticket_central.ops.families import family_data
from eticket_central.ops.money_data import invoice_data, payment_data
from eticket_central.ops.planning import school_year_data
from eticket_central.ops.wallet import wallet_data
from eticket_desk.sync.protocol import Change, SnapshotPage

Rows = Callable[[Session, uuid.UUID, str | None, int], list[tuple[str, dict[str, Any]]]]


def _by_id(model, to_data) -> Rows:
    def rows(session: Session, tenant_id, after, limit):
        query: Select = select(model).where(model.tenant_id == tenant_id)
        if after is not None:
            query = query.where(model.id > uuid.UUID(after))
        found = session.execute(query.order_by(model.id).limit(limit)).scalars()
        return [(str(row.id), to_data(row)) for row in found]

    return rows


def _records(entity: str) -> Rows:
    """The commune's records of one kind (ticket types, tariffs, schools, organisation)."""

    def rows(session: Session, tenant_id, after, limit):
        query: Select = select(CommuneRecord).where(
            CommuneRecord.tenant_id == tenant_id, CommuneRecord.entity == entity
        )
        if after is not None:
            query = query.where(CommuneRecord.id > uuid.UUID(after))
        found = session.execute(query.order_by(CommuneRecord.id).limit(limit)).scalars()
        return [(str(row.id), row.data) for row in found]

    return rows


def _wallet(entry: WalletEntry) -> dict[str, Any]:
    columns = ("id", "family_id", "ticket_type", "quantity", "kind", "reason", "occurred_at")
    return wallet_data({c: getattr(entry, c) for c in (*columns, "recorded_at", "device_id")})


def _bookings(session: Session, tenant_id, after, limit):
    key = (Booking.activity_id, Booking.day, Booking.child_id)
    # In key order within the tenant's activities (bookings have no tenant index).
    activities = select(Activity.id).where(Activity.tenant_id == tenant_id)
    query = select(Booking).where(Booking.activity_id.in_(activities))
    if after is not None:
        activity, day, child = after.split("/")
        query = query.where(
            tuple_(*key) > (uuid.UUID(activity), date.fromisoformat(day), uuid.UUID(child))
        )
    found = session.execute(query.order_by(*key).limit(limit)).scalars()
    return [(booking_key(b), booking_data(b)) for b in found]


def _credits(session: Session, tenant_id, after, limit):
    query = (
        select(Payment.family_id, func.sum(Payment.to_credit_cents))
        .where(Payment.tenant_id == tenant_id)
        .group_by(Payment.family_id)
        .having(func.sum(Payment.to_credit_cents) != 0)
    )
    if after is not None:
        query = query.where(Payment.family_id > uuid.UUID(after))
    found = session.execute(query.order_by(Payment.family_id).limit(limit)).all()
    return [
        (str(family), {"family_id": str(family), "credit_cents": int(total)})
        for family, total in found
    ]


ENTITIES: dict[str, Rows] = {
    "activity": _by_id(Activity, lambda a: {"id": str(a.id), **a.data}),
    "school_year": _by_id(SchoolYear, school_year_data),
    "family": _by_id(Family, family_data),
    "invoice": _by_id(Invoice, invoice_data),
    "payment": _by_id(Payment, payment_data),
    "family_credit": _credits,
    "wallet_entry": _by_id(WalletEntry, _wallet),
    "booking": _bookings,
    "subscription": _by_id(Subscription, lambda row: row.data),
    "document": _by_id(Document, document_data),
    "message": _by_id(MairieMessage, message_data),
    **{entity: _records(entity) for entity in ("ticket_type", "tariff", "school", "organisation")},
}


def snapshot_page(
    session: Session, tenant_id: uuid.UUID, entity: str, after: str | None, limit: int
) -> SnapshotPage:
    resume = current_sequence(session)  # read first: nothing committed later is skipped
    rows = ENTITIES[entity](session, tenant_id, after, limit)
    return SnapshotPage(
        entity=entity,
        items=[Change(seq=resume, entity=entity, id=key, data=data) for key, data in rows],
        after=rows[-1][0] if len(rows) == limit else None,
        resume_cursor=resume,
    )
