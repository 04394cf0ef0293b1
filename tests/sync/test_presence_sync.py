"""Presence marked at one desk reaches the server and the other desks (the régie bills from
it), and a marked day can no longer be changed elsewhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from eticket_central.models import Booking as ServerBooking
from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.presence import PresenceChange, save_presence
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.sync.protocol import OpType
from tests.conftest import cash_sale
from tests.sync.test_push_pull import MONDAY, _statuses


def _on_server(db, child_id) -> str:
    db.expire_all()
    return db.scalar(
        select(ServerBooking.state).where(
            ServerBooking.child_id == child_id, ServerBooking.day == MONDAY
        )
    )


def test_a_presence_mark_goes_up_and_locks_the_day_for_the_other_desks(
    store, agent, lea_family, garderie, server_planning, client, other_desk, clock, db
):
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 2, 480)
    book_day(store, agent, lea.id, activity.id, MONDAY)
    assert sync_once(store, client).ok
    clock.current = datetime(2026, 9, 21, 18, 0)  # the evening of that Monday
    save_presence(
        store, agent, activity.id, MONDAY, [PresenceChange(lea.id, BookingState.ABSENT_JUSTIFIED)]
    )
    assert _statuses(store)[-1] == (OpType.BOOKING_MARK.value, "pending")

    assert sync_once(store, client).ok
    assert _on_server(db, lea.id) == "absent_justified"
    late_cancel = other_desk.push(
        other_desk.op(
            OpType.BOOKING_CANCEL,
            child_id=str(lea.id),
            activity_id=str(activity.id),
            day=MONDAY.isoformat(),
        )
    )[0]
    assert (late_cancel["status"], late_cancel["code"]) == ("rejected", "BOOKING_LOCKED")

    # Taken back (a mistake): the day is booked again on both sides.
    save_presence(store, agent, activity.id, MONDAY, [PresenceChange(lea.id, BookingState.BOOKED)])
    assert sync_once(store, client).ok
    assert _on_server(db, lea.id) == "booked"
