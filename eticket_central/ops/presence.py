"""booking.mark: presence marked at a desk (present, absent with or without a certificate, or
the mark taken back). A fact, never refused once the server knows the child and the activity:
the other desks (the régie's invoicing among them) get it at their next pull, and a marked day
can no longer be booked or cancelled (BOOKING_LOCKED)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from eticket_central.models import Activity, Child
from eticket_central.ops.bookings import (
    _CURRENT,
    _LOCK_DAY,
    Seat,
    child_and_rules,
    unknown,
    write_days,
)
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.rules.booking import BookingState
from eticket_desk.sync.protocol import OpType, PresenceMark


@handler(
    OpType.BOOKING_MARK,
    owned_ids=lambda p: [(Child, p.child_id), (Activity, p.activity_id)],
    unknown=lambda _p: unknown(),
)
def mark_presence(
    session: Session, ctx: OpContext, payload: PresenceMark, now: datetime
) -> dict[str, Any]:
    child, spec = child_and_rules(session, payload.child_id, payload.activity_id)
    key = {"activity_id": spec.id, "day": payload.day, "child_id": payload.child_id}
    session.execute(_LOCK_DAY, {**key, "tenant_id": ctx.tenant_id})
    state = session.execute(_CURRENT, key).scalar_one_or_none()
    new = BookingState(payload.state)
    if state == new.value:
        return {"state": state, "changed": False}
    seat = Seat(payload.day, BookingState(state) if state else None, 0, None)
    write_days(session, ctx, spec, child, {payload.day: seat}, [(payload.day, new, False)], now)
    return {"state": new.value, "changed": True}
