"""The waiting list as stored: a child joining a day's list (moment and rank of arrival) and
the list read back in the order the rules serve it (rules.waiting_list)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import Booking
from eticket_desk.rules.waiting_list import next_rank


def highest_rank(session: Session, activity_id: uuid.UUID, day: date) -> int | None:
    """The highest rank given on the activity's waiting list that day (None: nobody yet)."""
    return session.scalar(
        select(func.max(Booking.waiting_rank)).where(
            Booking.activity_id == activity_id, Booking.day == day
        )
    )


def join_waiting_list(session: Session, booking: Booking, since: datetime) -> None:
    """Puts the booking in line: after every child already queued on its activity and day,
    even one queued in the same second (the order of arrival, never the child's id)."""
    booking.waiting_since = since
    booking.waiting_rank = next_rank(highest_rank(session, booking.activity_id, booking.day))


def leave_waiting_list(booking: Booking) -> None:
    booking.waiting_since = None
    booking.waiting_rank = None
