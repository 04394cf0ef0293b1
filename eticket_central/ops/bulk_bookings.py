"""bookings.apply: the days of a paper form (or of a desk's first upload) in one op.

The op is applied; each day is judged on its own by the same `decide_day` as booking.book,
that is rules.booking_decision's `decide` (a full day goes to the waiting list, as the form's
planner does at the desk), and the answer names the days refused with their code and the days
that went to the waiting list, so the desk can undo them. A handful of statements per form
whatever its length: the activity's days are locked together (in day order, so two desks
never deadlock) before anything is decided.

The days to book come listed or as the form's terms plus exceptions (rules.form_days), and
the op records ONE change, `booking_days`: the days it decided per state, again as terms
plus exceptions, and the form's terms when it came with them (a town's first upload is a
change per form, not one per booked day). The bookings table keeps a row per day: seats,
the portal and the attendance lists count them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, Child
from eticket_central.ops.bookings import (
    _SEAT_VALUES,
    Seat,
    _calendar,
    child_and_rules,
    decide_day,
    rejected,
    unknown,
    write_days,
)
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.rules.booking import Action, BookingState
from eticket_desk.rules.booking_decision import Ask
from eticket_desk.rules.form_days import DaySet
from eticket_desk.sync.protocol import BookingsApply, OpType

_LOCK_DAYS = text(
    "INSERT INTO activity_days (activity_id, day, tenant_id, booked, waiting) "
    "SELECT :activity_id, d, :tenant_id, 0, 0 FROM unnest(CAST(:days AS date[])) AS d "
    "ORDER BY d ON CONFLICT (activity_id, day) DO UPDATE SET booked = activity_days.booked "
    "RETURNING day, booked"
)
_CURRENT_DAYS = text(
    "SELECT day, state FROM bookings WHERE activity_id = :activity_id AND child_id = :child_id "
    "AND day = ANY(CAST(:days AS date[])) ORDER BY day FOR UPDATE"
)
_SCHOOL_DAYS = text(
    "SELECT day, count(*) FROM bookings WHERE activity_id = :activity_id "
    "AND day = ANY(CAST(:days AS date[])) AND school_id = :school_id "
    "AND state = ANY(:states) GROUP BY day"
)


def _asks(payload: BookingsApply) -> dict:
    """Each day once: a cancel wins over a booking of the same day (the form's last word)."""
    by_form = payload.subscription_id is not None or payload.initial
    book = payload.book_days()
    asks = {day: Ask(Action.BOOK, waiting_list=True, by_form=by_form) for day in book}
    asks |= {day: Ask(Action.BOOK, stay_waiting=True, by_form=by_form) for day in payload.wait}
    asks |= {day: Ask(Action.CANCEL, by_form=by_form) for day in payload.cancel}
    return dict(sorted(asks.items()))


@handler(
    OpType.BOOKINGS_APPLY,
    owned_ids=lambda p: [(Child, p.child_id), (Activity, p.activity_id)],
    unknown=lambda _p: unknown(),
)
def apply_days(
    session: Session, ctx: OpContext, payload: BookingsApply, now: datetime
) -> dict[str, Any]:
    child, spec = child_and_rules(session, payload.child_id, payload.activity_id)
    asks = _asks(payload)
    days = list(asks)
    key = {"activity_id": spec.id, "days": days}
    booked = dict(session.execute(_LOCK_DAYS, {**key, "tenant_id": ctx.tenant_id}).all())
    current = dict(session.execute(_CURRENT_DAYS, {**key, "child_id": payload.child_id}).all())
    school_id = child[1]
    school_taken: dict | None = None
    if school_id and spec.school_capacity(school_id) is not None:
        school_taken = dict(
            session.execute(
                _SCHOOL_DAYS, {**key, "school_id": school_id, "states": _SEAT_VALUES}
            ).all()
        )
    calendar = _calendar(session, ctx.tenant_id)
    seats, decided, refused, waiting = {}, [], [], []
    for day, ask in asks.items():
        state = current.get(day)
        seat = seats[day] = Seat(
            day,
            BookingState(state) if state else None,
            booked.get(day, 0),
            school_taken.get(day, 0) if school_taken is not None else None,
        )
        if payload.initial:
            new_state, late = _as_is(ask, seat)
        else:
            decision = decide_day(spec, child, seat, ask, ctx, calendar, now)
            if decision.refused is not None:
                refusal = rejected(decision.refused)
                refused.append(
                    {"day": day.isoformat(), "code": refusal.code.value, "message": refusal.message}
                )
                continue
            new_state, late = decision.state, decision.late
        if new_state is None:
            continue
        decided.append((day, new_state, late))
        if new_state == BookingState.WAITING and ask.action == Action.BOOK and not ask.stay_waiting:
            waiting.append(day.isoformat())
    write_days(session, ctx, spec, child, seats, decided, now, each=False)
    form = None
    if payload.subscription_id is not None and payload.subscription is not None:
        form = _save_terms(session, ctx, payload, child[3], now)
    if decided or form is not None:
        change = form_days_change(payload, child, decided, form, ctx, now)
        record(session, "booking_days", f"{payload.activity_id}/{payload.child_id}", change)
    return {
        "changed": len(decided),
        "refused": refused,
        "waiting": waiting,
    }


def _as_is(ask: Ask, seat: Seat) -> tuple[BookingState | None, bool]:
    """A first upload: the desk's state of the day, recorded without judging it again."""
    if ask.action == Action.CANCEL:
        state = BookingState.CANCELLED
    elif ask.stay_waiting:
        state = BookingState.WAITING
    else:
        state = BookingState.BOOKED
    return (None, False) if seat.current == state else (state, False)


_SAVE_TERMS = text(
    "INSERT INTO subscriptions (id, tenant_id, child_id, activity_id, data, updated_at) "
    "VALUES (:id, :tenant_id, :child_id, :activity_id, :data, :updated_at) "
    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at"
).bindparams(bindparam("data", type_=JSONB))


def form_days_change(payload: BookingsApply, child, decided, form: dict | None, ctx, now) -> dict:
    """The op's one change: the days it decided, per state, as the form's terms plus
    exceptions when the op came so (rules.form_days; the other desks expand them with the
    same code), the days turned late, and the form itself when it came with one."""
    by_state: dict[str, list] = defaultdict(list)
    late = []
    for day, state, is_late in decided:
        by_state[state.value].append(day)
        if is_late:
            late.append(day.isoformat())
    terms = payload.book_terms
    template = terms.day_set().template if terms is not None else None
    start, end = (terms.start, terms.end) if terms is not None else (None, None)
    change = {
        "activity_id": str(payload.activity_id),
        "child_id": str(payload.child_id),
        "family_id": str(child[3]),
        "source": "counter" if ctx.device_id else "portal",
        "updated_at": now.isoformat(),
        "days": {
            state: DaySet.of(days, template, start, end).to_json()
            for state, days in by_state.items()
        },
        "late": late,
    }
    if form is not None:
        change["subscription"] = form
    return change


def _save_terms(session: Session, ctx: OpContext, payload: BookingsApply, family_id, now) -> dict:
    """The form's terms, for the other desks (the régie prices the fares from them); they
    travel in the op's change (`form_days_change`)."""
    data = {
        "id": str(payload.subscription_id),
        "child_id": str(payload.child_id),
        "activity_id": str(payload.activity_id),
        "family_id": str(family_id),
        **payload.subscription.model_dump(mode="json"),
    }
    session.execute(
        _SAVE_TERMS,
        {
            "id": payload.subscription_id,
            "tenant_id": ctx.tenant_id,
            "child_id": payload.child_id,
            "activity_id": payload.activity_id,
            "data": data,
            "updated_at": now,
        },
    )
    return data
