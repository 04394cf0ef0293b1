"""A desk's first upload of its bookings (`bookings.apply` ops marked `initial`), applied a
run of ops at a time (push_runs.runs_of): the reference town's million days in about a
hundred chunks, not a statement per day.

A first upload's ops are facts: the desk's rules judged those days when they were made, so
each day is recorded as the desk holds it, seats counted, never refused. Nothing is decided
per op, so a run is written in a handful of statements whatever its length.

- **Days the server does not hold yet** (a new commune: every day of a first upload): the
  seat counts of the run's days are added in one statement (their rows locked in (activity,
  day) order, as every writer locks them), then the bookings inserted in one statement that
  skips a row already there and says how many it skipped. None skipped: done, and each op's
  change is its own days (the form's terms as they came). One skipped (a second desk's first
  upload, a day another desk booked meanwhile): those two statements are rolled back and
  the run goes the careful way below. Nothing is read per day.
- **The careful way**: the same rows locked, the children's current days read (row-locked),
  each day's new state worked out in device order (a day asked twice in the run takes its
  last word), then the bookings, the seat moves and the forms' terms each in one statement.

The days travel grouped (per activity, child and state, the days as one text unnested by
PostgreSQL): a million days sent as arrays of single values cost more to encode (psycopg
dumps arrays element by element, in Python) than to write. An unknown child or activity, or
any other form op in the run, and the ops go one by one (bulk_bookings.apply_days), as
requests.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from eticket_central.db import planned_now
from eticket_central.json_rows import json_array, json_values
from eticket_central.ops.bookings import spec_of
from eticket_central.ops.form_days import (
    as_is,
    asks,
    day_sets,
    days_change,
    form_days_change,
    record_form,
    terms_data,
)
from eticket_central.ops.registry import OpContext
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.sync.protocol import BookingsApply

_SEATS = sorted(state.value for state in SEAT_STATES)

# Planned each time (db.planned_now): the children table fills during a first upload.
_CHILDREN = (
    "SELECT c.id, c.school_id, c.family_id FROM children c "
    "WHERE c.id = ANY(%(ids)s) AND c.tenant_id = %(tenant_id)s"
)
# The run's days, one row each: (activity, day, child, family, school, state).
_ROWS = (
    "SELECT r.a, CAST(d AS date) AS day, r.c, r.f, r.s, r.state FROM unnest("
    "CAST(:activities AS uuid[]), CAST(:children AS uuid[]), CAST(:families AS uuid[]), "
    "CAST(:schools AS uuid[]), CAST(:states AS text[]), CAST(:days AS text[])) "
    "AS r(a, c, f, s, state, ds), unnest(string_to_array(r.ds, ',')) AS d"
)
_INSERT = (
    "INSERT INTO bookings (activity_id, day, child_id, tenant_id, family_id, school_id, "
    "state, late, source, updated_at, device_id) SELECT r.a, r.day, r.c, :tenant_id, r.f, "
    "r.s, r.state, false, 'counter', :updated_at, CAST(:device_id AS uuid) "
    f"FROM ({_ROWS}) AS r ORDER BY 1, 2, 3 "
)
# New days: the seats they take added to their activity's days (the rows locked in order).
_ADD_SEATS = text(
    "INSERT INTO activity_days (activity_id, day, tenant_id, booked, waiting) "
    "SELECT r.a, r.day, :tenant_id, count(*) FILTER (WHERE r.state = ANY(CAST(:seats AS text[]))), "
    f"count(*) FILTER (WHERE r.state = 'waiting') FROM ({_ROWS}) AS r GROUP BY 1, 2 "
    "ORDER BY 1, 2 ON CONFLICT (activity_id, day) DO UPDATE SET "
    "booked = activity_days.booked + EXCLUDED.booked, "
    "waiting = activity_days.waiting + EXCLUDED.waiting"
)
# ... and their rows, but none over a row already there: how many were skipped.
_INSERT_NEW = text(
    f"WITH written AS ({_INSERT} ON CONFLICT (activity_id, day, child_id) DO NOTHING "
    "RETURNING 1) SELECT count(*) FROM written"
)
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
    f"{_INSERT} ON CONFLICT (activity_id, day, child_id) DO UPDATE SET "
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
    "" + json_array("data") + ") AS t(id, c, a, data) "
    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at"
)


class _Run:
    """A run's ops and what they share: the tenant, the children's school and family, and
    the statements' common parameters."""

    def __init__(self, session: Session, ctxs, payloads, children: dict, now: datetime):
        self.session, self.ctxs, self.payloads, self.children = session, ctxs, payloads, children
        self.common = {"tenant_id": ctxs[0].tenant_id, "updated_at": now}
        self.device_id, self.now = ctxs[0].device_id, now

    def rows(self, days: dict[tuple, list[date]]) -> dict[str, list]:
        """The parameters of _ROWS: (activity, child, state) -> its days."""
        groups = sorted(days.items())
        return {
            "activities": [a for (a, _, _), _ in groups],
            "children": [c for (_, c, _), _ in groups],
            "families": [self.children[c][1] for (_, c, _), _ in groups],
            "schools": [self.children[c][0] for (_, c, _), _ in groups],
            "states": [state for (_, _, state), _ in groups],
            "days": _texts(groups),
        }

    def save_terms(self) -> None:
        """The forms' terms the run's ops came with, kept for the other desks."""
        terms: dict[str, list] = defaultdict(list)
        for payload in self.payloads:
            form = self.form(payload)
            if form is not None:
                terms["ids"].append(payload.subscription_id)
                terms["children"].append(payload.child_id)
                terms["activities"].append(payload.activity_id)
                terms["data"].append(form)
        if terms:
            terms["data"] = json_values(terms["data"])
            self.session.execute(_SAVE_ALL_TERMS, {**self.common, **terms})

    def form(self, payload: BookingsApply) -> dict | None:
        return terms_data(payload, self.children[payload.child_id][1])

    def family(self, payload: BookingsApply):
        return self.children[payload.child_id][1]


def first_upload_days(
    session: Session, ctxs: list[OpContext], payloads: list[BookingsApply], now: datetime
) -> list[dict[str, Any]] | None:
    """bookings.apply's `apply_many`: a run of a first upload's ops, each answered as
    apply_days would; None to have the run applied one by one."""
    if not all(p.initial for p in payloads):
        return None
    children = {
        row[0]: (row[1], row[2])
        for row in planned_now(
            session,
            _CHILDREN,
            {"ids": list({p.child_id for p in payloads}), "tenant_id": ctxs[0].tenant_id},
        )
    }
    if any(p.child_id not in children or spec_of(session, p.activity_id) is None for p in payloads):
        return None
    run = _Run(session, ctxs, payloads, children, now)
    answers = _new_days(run)
    if answers is None:
        answers = _as_they_are(run)
    run.save_terms()
    return answers


def _new_days(run: _Run) -> list[dict[str, Any]] | None:
    """The run written as new days (see the module's docstring); None, with nothing written,
    when a day is asked twice in the run or the server holds one of them already."""
    asked: dict[tuple, list[date]] = defaultdict(list)  # (activity, child, state) -> days
    held: dict[tuple, set[date]] = defaultdict(set)  # (activity, child) -> days
    states = [_states(payload) for payload in run.payloads]
    wanted = 0
    for payload, by_state in zip(run.payloads, states, strict=True):
        pair = (payload.activity_id, payload.child_id)
        for state, days in by_state.items():
            before = len(held[pair])
            held[pair].update(days)
            if len(held[pair]) - before != len(days):
                return None  # a day asked twice: its last word counts, the careful way
            asked[(*pair, state.value)] += days
            wanted += len(days)
    if wanted:
        rows = run.rows(asked)
        attempt = run.session.begin_nested()
        seats = {**rows, "tenant_id": run.common["tenant_id"], "seats": _SEATS}
        run.session.execute(_ADD_SEATS, seats)
        written = run.session.execute(
            _INSERT_NEW, {**run.common, **rows, "device_id": run.device_id}
        ).scalar_one()
        if written != wanted:
            attempt.rollback()
            return None
        attempt.commit()
    return [
        _record_new(run, ctx, payload, by_state)
        for ctx, payload, by_state in zip(run.ctxs, run.payloads, states, strict=True)
    ]


def _states(payload: BookingsApply) -> dict[BookingState, list[date]]:
    """The op's days per state it gives them (a first upload records them as they are)."""
    found = {
        BookingState.BOOKED: payload.book_days(),
        BookingState.WAITING: list(payload.wait),
        BookingState.CANCELLED: list(payload.cancel),
    }
    return {state: days for state, days in found.items() if days}


def _record_new(run: _Run, ctx, payload: BookingsApply, by_state: dict) -> dict[str, Any]:
    """A new op's change: its days as they came (the booked ones as the form's terms plus
    exceptions when the op came so, never expanded and compressed again)."""
    form = run.form(payload)
    days = dict(by_state)
    terms = payload.book_terms
    sets = {}
    if terms is not None and not payload.book and BookingState.BOOKED in days:
        sets[BookingState.BOOKED.value] = terms.day_set().to_json()
        del days[BookingState.BOOKED]
    sets |= day_sets(payload, {state.value: listed for state, listed in days.items()})
    changed = sum(len(listed) for listed in by_state.values())
    if changed or form is not None:
        change = days_change(payload, run.family(payload), sets, [], form, ctx, run.now)
        record_form(run.session, payload, change)
    return {"changed": changed, "refused": [], "waiting": []}


def _as_they_are(run: _Run) -> list[dict[str, Any]]:
    """The careful way: each day's state from the server's current one, in device order."""
    session, payloads = run.session, run.payloads
    wanted = [asks(p) for p in payloads]
    by_activity: dict = defaultdict(set)
    by_pair: dict = defaultdict(set)
    for p, days in zip(payloads, wanted, strict=True):
        by_activity[p.activity_id].update(days)
        by_pair[(p.activity_id, p.child_id)].update(days)
    lock = sorted(by_activity.items())
    session.execute(
        _LOCK_ALL,
        {
            "tenant_id": run.common["tenant_id"],
            "activities": [a for a, _ in lock],
            "days": _texts(lock),
        },
    )
    pairs = sorted(by_pair.items())
    current: dict[tuple, BookingState] = {
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
    written: dict[tuple, str] = {}  # (activity, child, day) -> state: each row once
    moved: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    answers = []
    for ctx, payload, days in zip(run.ctxs, payloads, wanted, strict=True):
        decided = []
        for day, ask in days.items():
            key = (payload.activity_id, payload.child_id, day)
            before = current.get(key)
            state = as_is(ask, before)
            if state is None:
                continue
            current[key] = state
            decided.append((day, state, False))
            written[key] = state.value
            seat = moved[(payload.activity_id, day)]
            seat[0] += (state in SEAT_STATES) - (before in SEAT_STATES)
            seat[1] += (state == BookingState.WAITING) - (before == BookingState.WAITING)
        form = run.form(payload)
        if decided or form is not None:
            change = form_days_change(payload, run.family(payload), decided, form, ctx, run.now)
            record_form(session, payload, change)
        answers.append({"changed": len(decided), "refused": [], "waiting": []})
    if written:
        rows: dict[tuple, list] = defaultdict(list)
        for (a, c, d), state in written.items():
            rows[(a, c, state)].append(d)
        session.execute(_WRITE_ALL, {**run.common, **run.rows(rows), "device_id": run.device_id})
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
    return answers


@lru_cache(maxsize=4096)
def _iso(day: date) -> str:
    return day.isoformat()


def _texts(groups) -> list[str]:
    """Each group's days as one text ('2026-11-23,2026-11-24,…'), for string_to_array."""
    return [",".join(map(_iso, days)) for _, days in groups]
