"""What bookings.apply ops share: the days they ask for, how a form's decided days are
recorded (ONE `booking_days` change per op, its days as the form's terms plus exceptions:
rules.form_days) and the form's terms kept for the other desks. A desk's first upload of
its bookings is applied a run of ops at a time: ops/first_upload.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.ops.registry import OpContext
from eticket_desk.rules.booking import Action, BookingState
from eticket_desk.rules.booking_decision import Ask
from eticket_desk.rules.form_days import DaySet
from eticket_desk.sync.protocol import BookingsApply


def asks(payload: BookingsApply) -> dict[date, Ask]:
    """Each day once: a cancel wins over a booking of the same day (the form's last word)."""
    by_form = payload.subscription_id is not None or payload.initial
    found = {
        day: Ask(Action.BOOK, waiting_list=True, by_form=by_form) for day in payload.book_days()
    }
    found |= {day: Ask(Action.BOOK, stay_waiting=True, by_form=by_form) for day in payload.wait}
    found |= {day: Ask(Action.CANCEL, by_form=by_form) for day in payload.cancel}
    return dict(sorted(found.items()))


def as_is(ask: Ask, current: BookingState | None) -> BookingState | None:
    """A first upload: the desk's state of the day (None: the server already has it)."""
    if ask.action == Action.CANCEL:
        state = BookingState.CANCELLED
    elif ask.stay_waiting:
        state = BookingState.WAITING
    else:
        state = BookingState.BOOKED
    return None if current == state else state


def form_days_change(
    payload: BookingsApply, family_id, decided, form: dict | None, ctx: OpContext, now
) -> dict[str, Any]:
    """The op's one change: the days it decided [(day, state, late)], per state, as the
    form's terms plus exceptions when the op came so (the other desks expand them with the
    same rules), the days turned late, and the form's terms when it came with them."""
    by_state: dict[str, list] = defaultdict(list)
    late = []
    for day, state, is_late in decided:
        by_state[state.value].append(day)
        if is_late:
            late.append(day.isoformat())
    return days_change(payload, family_id, day_sets(payload, by_state), late, form, ctx, now)


def day_sets(payload: BookingsApply, by_state: dict[str, list]) -> dict[str, dict]:
    """Each state's days as the op's terms plus exceptions when they follow them, else listed."""
    terms = payload.book_terms
    template = terms.day_set().template if terms is not None else None
    start, end = (terms.start, terms.end) if terms is not None else (None, None)
    return {
        state: DaySet.of(days, template, start, end).to_json() for state, days in by_state.items()
    }


def days_change(
    payload: BookingsApply, family_id, days: dict, late: list, form: dict | None, ctx, now
) -> dict[str, Any]:
    change = {
        "activity_id": str(payload.activity_id),
        "child_id": str(payload.child_id),
        "family_id": str(family_id),
        "source": "counter" if ctx.device_id else "portal",
        "updated_at": now.isoformat(),
        "days": days,
        "late": late,
    }
    if form is not None:
        change["subscription"] = form
    return change


def record_form(session: Session, payload: BookingsApply, change: dict) -> None:
    record(session, "booking_days", f"{payload.activity_id}/{payload.child_id}", change)


def terms_data(payload: BookingsApply, family_id) -> dict[str, Any] | None:
    """The form's terms as the server keeps them (None: the op names no form)."""
    if payload.subscription_id is None or payload.subscription is None:
        return None
    return {
        "id": str(payload.subscription_id),
        "child_id": str(payload.child_id),
        "activity_id": str(payload.activity_id),
        "family_id": str(family_id),
        **payload.subscription.model_dump(mode="json"),
    }


SAVE_TERMS = text(
    "INSERT INTO subscriptions (id, tenant_id, child_id, activity_id, data, updated_at) "
    "VALUES (:id, :tenant_id, :child_id, :activity_id, :data, :updated_at) "
    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at"
).bindparams(bindparam("data", type_=JSONB))
