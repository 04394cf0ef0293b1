"""POST /sync/push: each op in device order, in its own savepoint, answered exactly once.

Each op runs in a savepoint (a subtransaction): a refusal rolls back that op only, the
others stand. Ops are committed a chunk at a time (at most CHUNK_OPS ops, CHUNK_WEIGHT days;
a first upload's bookings ten times as many), in device order: not one commit per op,
because a commit waits for the disk (about 1.4 ms here, fsync), which alone would take 14 s
for 10,000 ops; not one commit per push either, because a push holds what it locked until
it commits, and twenty desks pushing 200 ops on the same days then queue for whole pushes
(or deadlock). Nothing of a chunk is visible
before its commit; a desk that gets no answer (crash, cut connection, 503) pushes the same
ops again and gets "duplicate" for every chunk that had been committed.

Runs are tried first (answer_run): consecutive new facts, and consecutive new requests of
one type (a first upload's 6,000 dossiers, 5,880 invoices, its payments), in one savepoint
for the run and one statement for its answers (a savepoint and an answer row per op were
most of what such an op cost). A handler writes its run in a few statements when it can
(`apply_many` for facts, `apply_run` for requests none of which can be refused: new
dossiers, new invoices), else each op by `apply`. When an op of the run is refused (or at
fault, or answered meanwhile elsewhere), the run is rolled back and done op by op as ever:
that op is refused alone, a refused dossier's dependants wait on it, and the run's other
ops get the answers they would have got.

Concurrency — lock in one order, up front. Before its first op, a chunk takes a PostgreSQL
advisory lock on every name its ops will decide on (an activity's month of days, a dossier
and its children, an invoice, a settings row: see locks.py), sorted by key. Two chunks that
share a name run one after the other; two that share none touch disjoint rows. No
transaction ever waits for a lock while holding one another needs in the other order, so
pushes do not deadlock (PostgreSQL's deadlock is still caught and the chunk started over, as
a safety net). Rows only appended (wallet lines, sale payments) take no name: they commute.

Limits: the server's connections have a lock and a statement timeout (db.make_engine); a
push that waits too long, finds no free connection or lock memory answers 503 (Busy). The
route watches its request: when the desk hangs up or the push outlives its deadline, the
statement running is cancelled, the chunk in progress rolled back, and the desk's retry
finds what was committed.

Poison ops: the route parses each op alone (protocol.parse_ops) and answers a malformed one
INVALID_OP; an op whose data PostgreSQL refuses (a value out of range, a constraint) is
rejected INVALID_OP in its savepoint. Neither stops the others.

The idempotency row (tenant, op_id) is inserted at the end of the op's savepoint, with its
answer. When the same op is being applied elsewhere at that moment (a retry racing its
original, two instances), PostgreSQL makes the second insert wait on the first
transaction's unique key: once the first commits, the second rolls its savepoint back and
answers "duplicate" with the stored answer. A rejection is stored the same way, so a re-push
gets the same refusal. A run stores its answers at the end of its savepoint, in one
statement: an op of it answered meanwhile elsewhere rolls the run back, and op by op that
op answers "duplicate". The change log is numbered once per chunk, just before its commit.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from eticket_central import locks
from eticket_central.answers import BUSY_STATES
from eticket_central.changes import flush_changes
from eticket_central.clock_trust import context_of, measure, moments_of
from eticket_central.db import planned_now
from eticket_central.ops.registry import registry
from eticket_central.push_answers import (
    ATTEMPTS,
    answer_op,
    as_unknown,
    block_refused_dossier,
    dependency_rejected,
    duplicate_of,
    foreign_ops,
    payload_hash,
    sqlstate,
    waits_on,
)
from eticket_central.push_runs import answer_run, runs_of
from eticket_central.push_watch import Abandoned, Busy, Watch
from eticket_desk.clock import Clock
from eticket_desk.rules.desk_clock import DEFAULT_LIMIT_S
from eticket_desk.sync.protocol import (
    OpResult,
    OpType,
    PushResponse,
)

_log = logging.getLogger(__name__)
# Two pushes waiting on each other's rows: PostgreSQL aborts one, which starts over.
_DEADLOCKS = {"40P01", "40001"}
CHUNK_OPS = 100
CHUNK_WEIGHT = 1000


def _push_once(
    factory, tenant_id, device_id, ops, handlers, now, blocked, watch, moments=None
) -> list:
    """One chunk in one transaction: its names locked up front (locks.py), then each op."""
    with factory.begin() as session:
        if watch is not None:
            watch.attach(session.connection().connection.dbapi_connection)
        try:
            results = _answer_chunk(
                session, tenant_id, device_id, ops, handlers, now, blocked, watch, moments
            )
        finally:  # before the connection goes back to the pool: no cancel may reach it then
            if watch is not None:
                watch.attach(None)
        flush_changes(session, tenant_id, device_id, now)
    return results


# The chunk's ops answered already (a retry, a racing push): planned each time (db.planned_now).
_ANSWERED = (
    "SELECT op_id, op_type, payload_hash, status, result, code, message FROM applied_ops "
    "WHERE tenant_id = %(tenant_id)s AND op_id = ANY(%(ids)s)"
)


def _answer_chunk(
    session, tenant_id, device_id, ops, handlers, now, blocked, watch, moments=None
) -> list:
    locks.take(session, locks.for_ops(session, ops))
    known = {
        row.op_id: row
        for row in planned_now(
            session, _ANSWERED, {"tenant_id": tenant_id, "ids": [op.op_id for op in ops]}
        )
    }
    results: list[OpResult] = []
    for run in runs_of(ops, known, handlers):
        _check(watch)
        if len(run) > 1:
            answered = answer_run(
                session, tenant_id, device_id, run, handlers, now, blocked, moments
            )
            if answered is not None:
                results += answered
                continue
        for op in run:
            if op.op_id in known:
                results.append(duplicate_of(known[op.op_id], op, payload_hash(op)))
                continue
            ctx = context_of(tenant_id, device_id, op, moments)
            reference = waits_on(op, handlers[op.type], blocked)
            if reference is not None:
                results.append(dependency_rejected(session, ctx, op, reference, now))
                continue
            result = answer_op(session, ctx, op, handlers[op.type], now)
            results.append(result)
            block_refused_dossier(session, op, result, blocked)
    _check(watch)
    return results


# A first upload's bookings are facts written a run at a time (ops/first_upload.py): one of
# their ops, or of their days, costs a tenth of a decided one; a chunk of them holds about
# ten times as many (the reference town's million days: about 120 chunks, not 1,200).
_FACT_SHARE = 10


def _weight(op) -> tuple[int, int]:
    """What an op weighs in a chunk, as (ops, days) in tenths."""
    if op.type != OpType.BOOKINGS_APPLY:
        return _FACT_SHARE, 0
    p = op.payload
    days = max(1, len(p.book) + len(p.wait) + len(p.cancel))
    if p.book_terms is not None:
        days += len(p.book_terms.day_set().days())
    share = 1 if p.initial else _FACT_SHARE
    return share, days * share


def _chunks(ops: list) -> list[list]:
    """The ops cut in device order into chunks of at most CHUNK_OPS ops and CHUNK_WEIGHT
    days (a form's op weighs its days, a first upload's a tenth); an op heavier than that is
    a chunk of its own."""
    chunks: list[list] = [[]]
    count = weight = 0
    most_ops, most_days = CHUNK_OPS * _FACT_SHARE, CHUNK_WEIGHT * _FACT_SHARE
    for op in ops:
        ops_weight, days_weight = _weight(op)
        if chunks[-1] and (count + ops_weight > most_ops or weight + days_weight > most_days):
            chunks.append([])
            count = weight = 0
        chunks[-1].append(op)
        count += ops_weight
        weight += days_weight
    return [chunk for chunk in chunks if chunk]


def _check(watch: Watch | None) -> None:
    if watch is not None and watch.stopped():
        raise Abandoned


def _push_chunk(
    factory, tenant_id, device_id, chunk, handlers, now, blocked, watch, moments=None
) -> list:
    """A chunk, started over when PostgreSQL broke a deadlock (none is expected: see the
    module's docstring); Busy when a lock or a statement waited too long."""
    for attempt in range(ATTEMPTS):
        before = dict(blocked)
        try:
            return _push_once(
                factory, tenant_id, device_id, chunk, handlers, now, blocked, watch, moments
            )
        except DBAPIError as error:
            blocked.clear()
            blocked.update(before)
            _check(watch)  # a statement cancelled because the desk went away
            state = sqlstate(error)
            if state in _DEADLOCKS and attempt < ATTEMPTS - 1:
                _log.warning("push of device %s: deadlock, chunk started over", device_id)
                continue
            if state in BUSY_STATES or isinstance(error.orig, psycopg.OperationalError):
                raise Busy from error
            raise
        except PoolTimeout as error:
            raise Busy from error
    raise AssertionError("unreachable")


def push(
    factory: sessionmaker[Session],
    tenant_id: uuid.UUID,
    device_id: uuid.UUID,
    ops: list,
    clock: Clock,
    *,
    refused: list[OpResult] = (),
    watch: Watch | None = None,
    sent_at: datetime | None = None,
    clock_limit_s: int = DEFAULT_LIMIT_S,
) -> PushResponse:
    """Answers every op in device order (see the module's docstring); `refused` are the ops
    the protocol already refused (answered among the others by their seq). `sent_at`, the
    desk's clock when it sent the push, measures its offset (clock_trust.py): each op's
    deadline is judged at its own moment when that clock is trusted."""
    handlers = registry()
    ops = sorted(ops, key=lambda op: op.seq)
    now = clock.now()
    try:
        with factory.begin() as session:
            foreign = foreign_ops(session, tenant_id, ops, handlers)
            desk_clock = measure(session, device_id, sent_at, now, clock_limit_s)
    except PoolTimeout as error:
        raise Busy from error
    moments = moments_of(desk_clock, ops, now)
    results = list(refused)
    results += [as_unknown(op, handlers[op.type]) for op in ops if op.op_id in foreign]
    ops = [op for op in ops if op.op_id not in foreign]
    blocked: dict[uuid.UUID, str] = {}  # rows of a new dossier refused in this push
    for chunk in _chunks(ops):
        _check(watch)
        results += _push_chunk(
            factory, tenant_id, device_id, chunk, handlers, now, blocked, watch, moments
        )
    return PushResponse(
        results=sorted(results, key=lambda result: result.seq),
        clock_offset_s=desk_clock.offset_s,
        clock_trusted=desk_clock.trusted,
    )
