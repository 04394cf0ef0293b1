"""What bookings.apply ops share: the days they ask for, how a form's decided days are
recorded (ONE `booking_days` change per op, its days as the form's terms plus exceptions:
rules.form_days), the form's terms kept for the other desks, and a desk's first upload of
its bookings applied a run of ops at a time.

A first upload's ops (`initial`) are facts: the desk's rules judged those days when they
were made, so each day is recorded as the desk holds it, seats counted, never refused.
Nothing is decided per op, so a run of them (push_runs.runs_of) is written in a handful of
statements whatever its length: the days' rows locked in (activity, day) order, the
children's current days read, then the bookings, the seat counts and the forms' terms each
in one statement. The days travel grouped (per activity, child and state, the days as one
text): a town's million days sent as arrays of single values cost the server more to encode
than PostgreSQL to write. An unknown child or activity, or any other form op in the run,
and the ops go one by one (bulk_bookings.apply_days), as requests.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.ops.bookings import spec_of
from eticket_central.ops.registry import OpContext
from eticket_desk.rules.booking import SEAT_STATES, Action, BookingState
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
    same rules), the days turned late, and the form's terms when the op came with them."""
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
        "family_id": str(family_id),
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

# ---------------------------------------------------------------- a first upload, run by run

_CHILDREN = text(
    "SELECT c.id, c.school_id, c.family_id FROM children c "
    "WHERE c.id = ANY(CAST(:ids AS uuid[])) AND c.tenant_id = :tenant_id"
)
# A run's days travel grouped: one array element per activity (per child, per state) and its
# days as one text, unnested by PostgreSQL. A million days as arrays of single values cost
# more to encode (psycopg dumps arrays element by element, in Python) than to write.
_LOCK_ALL = text(
    "INSERT INTO activity_days (activity_id, day, tenant_id, booked, waiting) "
    "SELECT k.a, CAST(d AS date), :tenant_id, 0, 0 FROM unnest(CAST(:activities AS uuid[]), "
    "CAST(:days AS text[])) AS k(a, ds), unnest(string_to_array(k.ds, ',')) AS d "
    "ORDER BY 1, 2 ON CONFLICT (activity_id, day) DO UPDATE SET booked = activity_days.booked"
)
# By the table's whole key (activity, day, child): its index finds each day.
_CURRENT_ALL = text(
    "SELECT b.activity_id, b.child_id, b.day, b.state FROM unnest(CAST(:activities AS uuid[]), "
    "CAST(:children AS uuid[]), CAST(:days AS text[])) AS k(a, c, ds) CROSS JOIN LATERAL "
    "unnest(string_to_array(k.ds, ',')) AS d JOIN bookings b ON b.activity_id = k.a "
    "AND b.day = CAST(d AS date) AND b.child_id = k.c "
    "ORDER BY b.activity_id, b.day, b.child_id FOR UPDATE OF b"
)
_WRITE_ALL = text(
    "INSERT INTO bookings (activity_id, day, child_id, tenant_id, family_id, school_id, "
    "state, late, source, updated_at, device_id) SELECT r.a, CAST(d AS date), r.c, "
    ":tenant_id, r.f, r.s, r.state, false, 'counter', :updated_at, CAST(:device_id AS uuid) "
    "FROM unnest(CAST(:activities AS uuid[]), CAST(:children AS uuid[]), "
    "CAST(:families AS uuid[]), CAST(:schools AS uuid[]), CAST(:states AS text[]), "
    "CAST(:days AS text[])) AS r(a, c, f, s, state, ds), unnest(string_to_array(r.ds, ',')) "
    "AS d ORDER BY 1, 2, 3 ON CONFLICT (activity_id, day, child_id) DO UPDATE SET "
    "state = EXCLUDED.state, late = EXCLUDED.late, source = EXCLUDED.source, "
    "updated_at = EXCLUDED.updated_at, device_id = EXCLUDED.device_id"
)
_COUNT_ALL = text(
    "UPDATE activity_days AS a SET booked = a.booked + m.booked, waiting = a.waiting + m.waiting "
    "FROM unnest(CAST(:activities AS uuid[]), CAST(:days AS date[]), "
    "CAST(:booked AS integer[]), CAST(:waiting AS integer[])) AS m(a, d, booked, waiting) "
    "WHERE a.activity_id = m.a AND a.day = m.d"
)
_SAVE_ALL_TERMS = text(
    "INSERT INTO subscriptions (id, tenant_id, child_id, activity_id, data, updated_at) "
    "SELECT t.id, :tenant_id, t.c, t.a, t.data, :updated_at FROM unnest("
    "CAST(:ids AS uuid[]), CAST(:children AS uuid[]), CAST(:activities AS uuid[]), "
    "CAST(:data AS jsonb[])) AS t(id, c, a, data) "
    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at"
)


def first_upload_days(
    session: Session, ctxs: list[OpContext], payloads: list[BookingsApply], now: datetime
) -> list[dict[str, Any]] | None:
    """bookings.apply's `apply_many`: a run of a first upload's ops, each answered as
    apply_days would; None to have the run applied one by one."""
    tenant_id = ctxs[0].tenant_id
    if not all(p.initial for p in payloads):
        return None
    children = {
        row[0]: (row[1], row[2])
        for row in session.execute(
            _CHILDREN, {"ids": list({p.child_id for p in payloads}), "tenant_id": tenant_id}
        )
    }
    if any(p.child_id not in children or spec_of(session, p.activity_id) is None for p in payloads):
        return None
    wanted = [asks(p) for p in payloads]
    by_activity: dict = defaultdict(set)
    by_pair: dict = defaultdict(set)
    for p, days in zip(payloads, wanted, strict=True):
        by_activity[p.activity_id].update(days)
        by_pair[(p.activity_id, p.child_id)].update(days)
    if by_activity:
        lock = sorted(by_activity.items())
        session.execute(
            _LOCK_ALL,
            {"tenant_id": tenant_id, "activities": [a for a, _ in lock], "days": _texts(lock)},
        )
    pairs = sorted(by_pair.items())
    current: dict[tuple, BookingState] = (
        {
            (a, c, d): BookingState(state)
            for a, c, d, state in session.execute(
                _CURRENT_ALL,
                {
                    "activities": [a for (a, _), _ in pairs],
                    "children": [c for (_, c), _ in pairs],
                    "days": _texts(pairs),
                },
            )
        }
        if pairs
        else {}
    )
    written: dict[tuple, str] = {}  # (activity, day, child) -> state: each row once
    moved: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    terms: dict[str, list] = defaultdict(list)
    answers = []
    for ctx, payload, days in zip(ctxs, payloads, wanted, strict=True):
        family_id = children[payload.child_id][1]
        decided = []
        for day, ask in days.items():
            key = (payload.activity_id, payload.child_id, day)
            before = current.get(key)
            state = as_is(ask, before)
            if state is None:
                continue
            current[key] = state
            decided.append((day, state, False))
            written[(payload.activity_id, day, payload.child_id)] = state.value
            seat = moved[(payload.activity_id, day)]
            seat[0] += (state in SEAT_STATES) - (before in SEAT_STATES)
            seat[1] += (state == BookingState.WAITING) - (before == BookingState.WAITING)
        form = terms_data(payload, family_id)
        if form is not None:
            terms["ids"].append(payload.subscription_id)
            terms["children"].append(payload.child_id)
            terms["activities"].append(payload.activity_id)
            terms["data"].append(Jsonb(form))
        if decided or form is not None:
            record_form(
                session, payload, form_days_change(payload, family_id, decided, form, ctx, now)
            )
        answers.append({"changed": len(decided), "refused": [], "waiting": []})
    common = {"tenant_id": tenant_id, "updated_at": now}
    if written:
        rows: dict[tuple, list] = defaultdict(list)  # (activity, child, state) -> days
        for (a, d, c), state in written.items():
            rows[(a, c, state)].append(d)
        groups = sorted(rows.items())
        session.execute(
            _WRITE_ALL,
            {
                **common,
                "device_id": ctxs[0].device_id,
                "activities": [a for (a, _, _), _ in groups],
                "children": [c for (_, c, _), _ in groups],
                "families": [children[c][1] for (_, c, _), _ in groups],
                "schools": [children[c][0] for (_, c, _), _ in groups],
                "states": [state for (_, _, state), _ in groups],
                "days": _texts(groups),
            },
        )
    counts = [(k, v) for k, v in sorted(moved.items()) if v[0] or v[1]]
    if counts:
        session.execute(
            _COUNT_ALL,
            {
                "activities": [a for (a, _), _ in counts],
                "days": [d for (_, d), _ in counts],
                "booked": [b for _, (b, _) in counts],
                "waiting": [w for _, (_, w) in counts],
            },
        )
    if terms:
        session.execute(_SAVE_ALL_TERMS, {**common, **terms})
    return answers


def _texts(groups) -> list[str]:
    """Each group's days as one text ('2026-11-23,2026-11-24,…'), for string_to_array."""
    return [",".join(day.isoformat() for day in sorted(days)) for _, days in groups]
