"""bookings.apply: the days of a paper form (or of a desk's first upload) in one op.

The op is applied; each day is judged on its own by the same `decide_day` as booking.book,
that is rules.booking_decision's `decide` (a full day goes to the waiting list, as the form's
planner does at the desk), and the answer names the days refused with their code and the days
that went to the waiting list, so the desk can undo them, and (`held`, only when there are
some) the days to book the server already held for the child (booked at another desk): the
desk gives back the tickets it paid for them (one debit per booked day). A handful of statements per form
whatever its length: the activity's days are locked together (in day order, so two desks
never deadlock) before anything is decided.

The days to book come listed or as the form's terms plus exceptions (rules.form_days), and
the op records ONE change, `booking_days`: the days it decided per state, again as terms
plus exceptions, and the form's terms when it came with them (a town's first upload is a
change per form, not one per booked day). The bookings table keeps a row per day: seats,
the portal and the attendance lists count them. A desk's first upload is applied a run of
ops at a time (ops/form_days.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

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
from eticket_central.ops.first_upload import first_upload_days
from eticket_central.ops.form_days import (
    SAVE_TERMS,
    as_is,
    form_days_change,
    record_form,
    terms_data,
)
from eticket_central.ops.form_days import asks as form_asks
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.rules.booking import SEAT_STATES, Action, BookingState
from eticket_desk.sync.protocol import BookingsApply, OpType

_LOCK_DAYS = text(
    "INSERT INTO activity_days (activity_id, day, tenant_id, booked, waiting) "
    "SELECT :activity_id, d, :tenant_id, 0, 0 FROM unnest(CAST(:days AS date[])) AS d "
    "ORDER BY d ON CONFLICT (activity_id, day) DO UPDATE SET booked = activity_days.booked "
    "RETURNING day, booked"
)
_CURRENT_DAYS = text(
    "SELECT day, state, device_id FROM bookings WHERE activity_id = :activity_id AND child_id = :child_id "
    "AND day = ANY(CAST(:days AS date[])) ORDER BY day FOR UPDATE"
)
_SCHOOL_DAYS = text(
    "SELECT day, count(*) FROM bookings WHERE activity_id = :activity_id "
    "AND day = ANY(CAST(:days AS date[])) AND school_id = :school_id "
    "AND state = ANY(:states) GROUP BY day"
)


@handler(
    OpType.BOOKINGS_APPLY,
    owned_ids=lambda p: [(Child, p.child_id), (Activity, p.activity_id)],
    unknown=lambda _p: unknown(),
    apply_many=first_upload_days,
    many_when=lambda p: p.initial,
)
def apply_days(
    session: Session, ctx: OpContext, payload: BookingsApply, now: datetime
) -> dict[str, Any]:
    child, spec = child_and_rules(session, payload.child_id, payload.activity_id)
    asks = form_asks(payload)
    days = list(asks)
    key = {"activity_id": spec.id, "days": days}
    booked = dict(session.execute(_LOCK_DAYS, {**key, "tenant_id": ctx.tenant_id}).all())
    rows = session.execute(_CURRENT_DAYS, {**key, "child_id": payload.child_id}).all()
    current = {day: state for day, state, _ in rows}
    others = {day for day, _, device in rows if device != ctx.device_id}  # held elsewhere
    school_id = child[1]
    school_taken: dict | None = None
    if school_id and spec.school_capacity(school_id) is not None:
        school_taken = dict(
            session.execute(
                _SCHOOL_DAYS, {**key, "school_id": school_id, "states": _SEAT_VALUES}
            ).all()
        )
    calendar = _calendar(session, ctx.tenant_id)
    seats, decided, refused, waiting, held = {}, [], [], [], []
    for day, ask in asks.items():
        state = current.get(day)
        seat = seats[day] = Seat(
            day,
            BookingState(state) if state else None,
            booked.get(day, 0),
            school_taken.get(day, 0) if school_taken is not None else None,
        )
        if payload.initial:
            new_state, late = as_is(ask, seat.current), False
        else:
            decision = decide_day(spec, child, seat, ask, ctx, calendar, now)
            if decision.refused is not None:
                refusal = rejected(decision.refused)
                refused.append(
                    {"day": day.isoformat(), "code": refusal.code.value, "message": refusal.message}
                )
                continue
            new_state, late = decision.state, decision.late
            if (
                new_state is None
                and ask.action == Action.BOOK
                and not ask.stay_waiting
                and seat.current in SEAT_STATES
                and day in others
            ):
                held.append(day.isoformat())  # held by another desk: this one's ticket back
        if new_state is None:
            continue
        decided.append((day, new_state, late))
        if new_state == BookingState.WAITING and ask.action == Action.BOOK and not ask.stay_waiting:
            waiting.append(day.isoformat())
    write_days(session, ctx, spec, child, seats, decided, now, each=False)
    form = terms_data(payload, child[3])
    if form is not None:
        session.execute(
            SAVE_TERMS,
            {
                "id": payload.subscription_id,
                "tenant_id": ctx.tenant_id,
                "child_id": payload.child_id,
                "activity_id": payload.activity_id,
                "data": form,
                "updated_at": now,
            },
        )
    if decided or form is not None:
        record_form(session, payload, form_days_change(payload, child[3], decided, form, ctx, now))
    answer: dict[str, Any] = {"changed": len(decided), "refused": refused, "waiting": waiting}
    if held:
        answer["held"] = held
    return answer
