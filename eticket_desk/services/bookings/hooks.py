"""Hooks the booking service calls inside its transaction (the wallet writes its ticket
lines here).

Whether a seat may be taken is rules.booking_decision's (an empty wallet included: the
service passes it the tickets left); a hook only records what was decided. A hook may still
refuse by raising a DomainError: the whole change is then rolled back and the agent reads the
hook's message.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from eticket_desk.models import Booking
from eticket_desk.rules.activity import ActivitySpec


class BookingHook(Protocol):
    def seat_taken(
        self, session: Session, booking: Booking, activity: ActivitySpec, family_id, day: date
    ) -> None:
        """A child now holds a seat (booked at the counter, on the portal, or from the list)."""

    def seat_released(
        self,
        session: Session,
        booking: Booking,
        activity: ActivitySpec,
        family_id,
        day: date,
        *,
        timely: bool,
    ) -> None:
        """A seat was given back; `timely` when before the deadline (a ticket comes back)."""


_hooks: list[BookingHook] = []


def hooks_for(activity: ActivitySpec) -> tuple[BookingHook, ...]:
    """The hooks that care about this activity (a hook may say so with `concerns`); bulk
    writers call only those, so that a year of canteen days costs no hook call."""
    return tuple(h for h in _hooks if getattr(h, "concerns", lambda _a: True)(activity))


def register_booking_hook(hook: BookingHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def unregister_booking_hook(hook: BookingHook) -> None:
    if hook in _hooks:
        _hooks.remove(hook)


def booking_hooks() -> tuple[BookingHook, ...]:
    return tuple(_hooks)
