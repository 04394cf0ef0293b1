"""booking.mark: presence marked at a desk (present, absent with or without a certificate, or
the mark taken back). A fact, never refused once the server knows the child and the activity:
the other desks (the régie's invoicing among them) get it at their next pull, and a marked day
can no longer be booked or cancelled (BOOKING_LOCKED).

Facts beat requests: a mark reaching a day another desk (or the parent) cancelled in time
reinstates the day, and the ticket that cancellation gave back is taken back by a wallet line
the server writes (every desk pulls it; the marking desk gets it in the op's answer,
`ticket_taken_back`, since a desk does not pull its own push's changes). A cancellation
reaching a day already marked is refused (ops/bookings.py, BOOKING_LOCKED): its desk takes
its refund back. Known limit: a day cancelled while on the waiting list (no ticket was
given back) and then marked would have a ticket taken all the same; a desk marks only the
children it has booked, so this needs the two desks to disagree on the seat itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
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
from eticket_central.ops.wallet import server_line
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.booking_decision import MARKED_STATES
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
    refunded = state == BookingState.CANCELLED and not session.execute(_LATE, key).scalar_one()
    seat = Seat(payload.day, BookingState(state) if state else None, 0, None)
    write_days(session, ctx, spec, child, {payload.day: seat}, [(payload.day, new, False)], now)
    answer: dict[str, Any] = {"state": new.value, "changed": True}
    if refunded and new in MARKED_STATES and spec.billing_mode == BillingMode.PREPAID:
        reason = (
            f"Ticket repris : {spec.name} du {payload.day:%d/%m/%Y} annulé sur un autre poste "
            "mais pointé (la présence l'emporte)"
        )
        answer["ticket_taken_back"] = server_line(
            session, ctx, child[3], spec.ticket_type, -1, reason, now
        )
    return answer


_LATE = text(
    "SELECT late FROM bookings WHERE activity_id = :activity_id AND day = :day "
    "AND child_id = :child_id"
)
