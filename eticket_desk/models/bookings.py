"""Bookings (child × activity × day) and the seat counters kept with them.

A booking is identified by its child, activity and day, which are unique together and
survive sync as they are (each part is a UUID or a date), so it has no surrogate id.
The table is clustered on (activity, day) for capacity checks and attendance lists.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (
        Index("ix_booking_child_day", "child_id", "day"),
        {"sqlite_with_rowid": False},
    )

    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activity.id"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("child.id"), primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school.id"))
    state: Mapped[str] = mapped_column(String(20))
    # Changed after the deadline (an override); on a cancelled day, a seat given back late,
    # which is billed (taking a child off the waiting list never is: rules.booking.is_late).
    late: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(10))  # counter, portal, template, paper, demo
    waiting_since: Mapped[datetime | None]  # when the child joined the waiting list
    # The order of arrival on the activity's waiting list that day (rules.waiting_list).
    waiting_rank: Mapped[int | None]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(50))

    @property
    def audit_key(self) -> str:
        return f"{self.child_id}:{self.activity_id}:{self.day.isoformat()}"


class Occupancy(Base):
    """Seats taken and children waiting per activity, day and school, kept by the booking
    service in the same transaction as the bookings (checked against them by `check`)."""

    __tablename__ = "occupancy"
    __table_args__ = ({"sqlite_with_rowid": False},)

    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activity.id"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school.id"), primary_key=True)
    booked: Mapped[int] = mapped_column(default=0)
    waiting: Mapped[int] = mapped_column(default=0)
