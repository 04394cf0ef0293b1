"""The seat counters (occupancy) kept with the bookings: read, moved, and rebuilt."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eticket_desk.models import Booking, Occupancy
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES, BookingState


def seats_taken(session: Session, activity: ActivitySpec, day: date, school_id) -> tuple[int, int]:
    """(seats taken in all schools, seats taken in the child's school)."""
    rows = session.execute(
        select(Occupancy.school_id, Occupancy.booked).where(
            Occupancy.activity_id == activity.id, Occupancy.day == day
        )
    ).all()
    total = sum(booked for _, booked in rows)
    mine = sum(booked for school, booked in rows if school == school_id)
    return total, mine


def bump_seats(session: Session, booking: Booking, booked: int = 0, waiting: int = 0) -> None:
    statement = sqlite_insert(Occupancy).values(
        activity_id=booking.activity_id,
        day=booking.day,
        school_id=booking.school_id,
        booked=booked,
        waiting=waiting,
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["activity_id", "day", "school_id"],
            set_={
                "booked": Occupancy.booked + booked,
                "waiting": Occupancy.waiting + waiting,
            },
        )
    )


def rebuild_occupancy(session: Session) -> None:
    """Recomputes every seat counter from the bookings (bulk loads, integrity repair)."""
    session.execute(Occupancy.__table__.delete())
    seat_states = [s.value for s in SEAT_STATES]
    booked = func.sum(Booking.state.in_(seat_states))
    waiting = func.sum(Booking.state == BookingState.WAITING.value)
    rows = select(Booking.activity_id, Booking.day, Booking.school_id, booked, waiting).group_by(
        Booking.activity_id, Booking.day, Booking.school_id
    )
    session.execute(
        Occupancy.__table__.insert().from_select(
            ["activity_id", "day", "school_id", "booked", "waiting"], rows
        )
    )
