"""POST /sync/push: each op in device order, in its own savepoint, answered exactly once.

Each op runs in a savepoint (a subtransaction): a refusal rolls back that op only, the
others stand. Ops are committed a chunk at a time (at most CHUNK_OPS ops, CHUNK_WEIGHT days),
in device order: not one commit per op, because a commit waits for the disk (about 1.4 ms
here, fsync), which alone would take 14 s for 10,000 ops; not one commit per push either,
because a push holds what it locked until it commits, and twenty desks pushing 200 ops on
the same days then queue for whole pushes (or deadlock). Nothing of a chunk is visible
before its commit; a desk that gets no answer (crash, cut connection, 503) pushes the same
ops again and gets "duplicate" for every chunk that had been committed.

Runs are tried first (_answer_run): consecutive new facts, and consecutive new requests of
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

import hashlib
import json
import logging
import uuid
from collections import defaultdict
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from eticket_central import locks
from eticket_central.answers import BUSY_STATES
from eticket_central.changes import flush_changes
from eticket_central.models import AppliedOp, Family
from eticket_central.ops.registry import OpContext, OpHandler, Rejected, registry
from eticket_central.push_watch import Abandoned, Busy, Watch
from eticket_desk.clock import Clock
from eticket_desk.sync.protocol import (
    OpResult,
    OpStatus,
    OpType,
    PushResponse,
    RejectCode,
)

_log = logging.getLogger(__name__)
# A row inserted meanwhile by another transaction: the op is tried again (it then sees it).
_UNIQUE_VIOLATION = "23505"
# Two pushes waiting on each other's rows: PostgreSQL aborts one, which starts over.
_DEADLOCKS = {"40P01", "40001"}
_ATTEMPTS = 4
CHUNK_OPS = 100
CHUNK_WEIGHT = 1000


class _AlreadyAnswered(Exception):
    """The op's idempotency row was committed by someone else meanwhile."""


def payload_hash(op: Any) -> str:
    body = json.dumps(
        {"type": op.type, "payload": op.payload.model_dump(mode="json")}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _foreign_ops(session: Session, tenant_id: uuid.UUID, ops, handlers) -> set[uuid.UUID]:
    """The ops naming another commune's rows. Each is refused alone (the rest of the push
    goes on), with the answer an op naming rows the server does not know gets, so that a desk
    never learns whether an id belongs to another commune."""
    wanted: dict[type, dict[uuid.UUID, set[uuid.UUID]]] = defaultdict(lambda: defaultdict(set))
    for op in ops:
        for model, row_id in handlers[op.type].owned_ids(op.payload):
            wanted[model][row_id].add(op.op_id)
    refused: set[uuid.UUID] = set()
    for model, by_id in wanted.items():
        foreign = session.execute(
            select(model.id).where(model.id.in_(list(by_id)), model.tenant_id != tenant_id)
        ).scalars()
        for row_id in foreign:
            refused |= by_id[row_id]
    return refused


def _as_unknown(op: Any, handler: OpHandler) -> OpResult:
    refusal = handler.unknown(op.payload)
    return OpResult(
        op_id=op.op_id,
        seq=op.seq,
        status=OpStatus.REJECTED,
        code=refusal.code,
        message=refusal.message,
    )


def _duplicate(row: AppliedOp, op: Any, digest: str) -> OpResult:
    if row.payload_hash != digest or row.op_type != op.type:
        return OpResult(
            op_id=op.op_id,
            seq=op.seq,
            status=OpStatus.REJECTED,
            code=RejectCode.OP_ID_REUSED,
            message="Cet identifiant d'opération a déjà servi pour une autre opération.",
        )
    return OpResult(
        op_id=op.op_id,
        seq=op.seq,
        status=OpStatus.DUPLICATE,
        original_status=OpStatus(row.status),
        result=row.result,
        code=RejectCode(row.code) if row.code else None,
        message=row.message,
    )


# Plain SQL: SQLAlchemy caches no compiled form of PostgreSQL's INSERT … ON CONFLICT, and
# compiling it for every op costed more than running it.
_STORE_ANSWER = text(
    "INSERT INTO applied_ops (tenant_id, op_id, device_id, seq, op_type, payload_hash, "
    "status, result, code, message, answered_at) VALUES (:tenant_id, :op_id, :device_id, "
    ":seq, :op_type, :payload_hash, :status, :result, :code, :message, :answered_at) "
    "ON CONFLICT DO NOTHING RETURNING op_id"
).bindparams(bindparam("result", type_=JSONB))
_NO_ANSWER = {"result": None, "code": None, "message": ""}


def _store_answer(session: Session, ctx: OpContext, op: Any, digest: str, now, **answer) -> None:
    stored = session.execute(
        _STORE_ANSWER,
        {
            "tenant_id": ctx.tenant_id,
            "op_id": op.op_id,
            "device_id": ctx.device_id,
            "seq": op.seq,
            "op_type": op.type,
            "payload_hash": digest,
            "answered_at": now,
            **_NO_ANSWER,
            **answer,
        },
    ).scalar_one_or_none()
    if stored is None:
        raise _AlreadyAnswered


def _op_fault(error: BaseException) -> bool:
    """An error of this op rather than of the server: PostgreSQL refused a value or a
    constraint (classes 22 and 23, or psycopg refusing a value before sending it), or the
    handler could not compute with the op's values (any non-database exception: logged with
    its traceback, since it may be a bug). That op is rejected, not its push. A unique key
    met meanwhile is not one (the op is tried again, `_answer`), nor a deadlock, a timeout or
    a lost connection (the push is, `_push_chunk`)."""
    if not isinstance(error, DBAPIError):
        _log.error("op refused on an error of its handler", exc_info=error)
        return True
    state = _sqlstate(error)
    if state is None:
        return isinstance(error, DataError | IntegrityError)
    return state[:2] in ("22", "23") and state != _UNIQUE_VIOLATION


_FAULT = (
    "Le serveur n'a pas pu enregistrer cette opération : une valeur est hors des limites ou "
    "contredit ce qu'il a déjà enregistré. Elle est mise de côté, les autres opérations "
    "continuent."
)


def _refuse(session: Session, ctx: OpContext, op: Any, digest: str, now, code, message):
    """Stores and answers a refusal of the op, in a savepoint of its own."""
    savepoint = session.begin_nested()
    try:
        _store_answer(
            session, ctx, op, digest, now, status="rejected", code=code.value, message=message
        )
        savepoint.commit()
    except _AlreadyAnswered:
        savepoint.rollback()
        return _duplicate(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, digest)
    return OpResult(
        op_id=op.op_id, seq=op.seq, status=OpStatus.REJECTED, code=code, message=message
    )


def _answer_in_savepoint(
    session: Session, ctx: OpContext, op: Any, handler: OpHandler, now
) -> OpResult:
    """Applies one op inside a savepoint of the push's transaction; a refusal rolls back
    only this op's savepoint (and forgets its queued changes)."""
    digest = payload_hash(op)
    pending = session.info.setdefault("changes", [])
    mark = len(pending)
    savepoint = session.begin_nested()
    try:
        result = handler.apply(session, ctx, op.payload, now)
        _store_answer(session, ctx, op, digest, now, status="applied", result=result)
        savepoint.commit()
        return OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.APPLIED, result=result)
    except _AlreadyAnswered:
        savepoint.rollback()
        del pending[mark:]
        return _duplicate(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, digest)
    except Rejected as refusal:
        savepoint.rollback()
        del pending[mark:]
        return _refuse(session, ctx, op, digest, now, refusal.code, refusal.message)
    except Exception as error:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        if not _op_fault(error):
            raise
        _log.warning("op %s (%s) refused: %s", op.op_id, op.type, error)
        return _refuse(session, ctx, op, digest, now, RejectCode.INVALID_OP, _FAULT)
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        raise


def _answer(session: Session, ctx: OpContext, op: Any, handler: OpHandler, now) -> OpResult:
    """One op, tried again when another transaction inserted the same row meanwhile."""
    for _attempt in range(_ATTEMPTS - 1):
        try:
            return _answer_in_savepoint(session, ctx, op, handler, now)
        except DBAPIError as error:
            if _sqlstate(error) != _UNIQUE_VIOLATION:
                raise
    try:
        return _answer_in_savepoint(session, ctx, op, handler, now)
    except DBAPIError as error:
        if _sqlstate(error) != _UNIQUE_VIOLATION:
            raise
        return _refuse(session, ctx, op, payload_hash(op), now, RejectCode.INVALID_OP, _FAULT)


def _block_refused_dossier(session: Session, op: Any, result: OpResult, blocked: dict) -> None:
    """A new dossier refused (the server does not have it): the push's later requests on it
    (its children's bookings…) wait on it. Facts (money, tickets) are still recorded."""
    if (
        result.status == OpStatus.REJECTED
        and op.type == OpType.FAMILY_UPSERT
        and session.get(Family, op.payload.family_id) is None
    ):
        reference = op.payload.reference
        blocked[op.payload.family_id] = reference
        blocked.update({child.id: reference for child in op.payload.children})


def _waits_on(op: Any, handler: OpHandler, blocked: dict) -> str | None:
    if not blocked or handler.is_fact(op.payload):  # a fact is never refused
        return None
    return next((blocked[i] for _, i in handler.owned_ids(op.payload) if i in blocked), None)


def _dependency_rejected(session: Session, ctx: OpContext, op: Any, reference: str, now):
    message = (
        f"Le dossier {reference} a été refusé par le serveur juste avant : cette opération "
        "attend qu'il soit corrigé et renvoyé."
    )
    code = RejectCode.DEPENDENCY_REJECTED
    return _refuse(session, ctx, op, payload_hash(op), now, code, message)


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _push_once(factory, tenant_id, device_id, ops, handlers, now, blocked, watch) -> list:
    """One chunk in one transaction: its names locked up front (locks.py), then each op."""
    with factory.begin() as session:
        if watch is not None:
            watch.attach(session.connection().connection.dbapi_connection)
        try:
            results = _answer_chunk(
                session, tenant_id, device_id, ops, handlers, now, blocked, watch
            )
        finally:  # before the connection goes back to the pool: no cancel may reach it then
            if watch is not None:
                watch.attach(None)
        flush_changes(session, tenant_id, device_id, now)
    return results


def _answer_chunk(session, tenant_id, device_id, ops, handlers, now, blocked, watch) -> list:
    locks.take(session, locks.for_ops(session, ops))
    known = {
        row.op_id: row
        for row in session.execute(
            select(AppliedOp).where(
                AppliedOp.tenant_id == tenant_id,
                AppliedOp.op_id.in_([op.op_id for op in ops]),
            )
        ).scalars()
    }
    results: list[OpResult] = []
    for run in _runs(ops, known, handlers):
        _check(watch)
        if len(run) > 1:
            answered = _answer_run(session, tenant_id, device_id, run, handlers, now, blocked)
            if answered is not None:
                results += answered
                continue
        for op in run:
            if op.op_id in known:
                results.append(_duplicate(known[op.op_id], op, payload_hash(op)))
                continue
            ctx = OpContext(tenant_id, device_id, op.op_id)
            waits_on = _waits_on(op, handlers[op.type], blocked)
            if waits_on is not None:
                results.append(_dependency_rejected(session, ctx, op, waits_on, now))
                continue
            result = _answer(session, ctx, op, handlers[op.type], now)
            results.append(result)
            _block_refused_dossier(session, op, result, blocked)
    _check(watch)
    return results


def _runs(ops, known, handlers):
    """Consecutive new facts whose handlers apply runs (they commute: appending wallet lines
    and sale payments in any order gives the same state); consecutive new requests of one
    type (a first upload's dossiers, invoices, payments: _answer_run tries them together);
    every other op alone."""
    run: list = []
    run_kind = None
    for op in ops:
        if op.op_id in known:
            kind = None
        elif handlers[op.type].is_fact(op.payload):
            kind = "facts"
        else:
            kind = op.type
        if run and (kind is None or kind != run_kind):
            yield run
            run = []
        if kind is None:
            yield [op]
        else:
            run.append(op)
            run_kind = kind
    if run:
        yield run


_STORE_ANSWERS = text(
    "INSERT INTO applied_ops (tenant_id, op_id, device_id, seq, op_type, payload_hash, "
    "status, result, code, message, answered_at) SELECT :tenant_id, a.op_id, :device_id, "
    "a.seq, a.op_type, a.payload_hash, 'applied', a.result, NULL, '', :answered_at "
    "FROM unnest(CAST(:op_ids AS uuid[]), CAST(:seqs AS bigint[]), CAST(:types AS text[]), "
    "CAST(:hashes AS text[]), CAST(:results AS jsonb[])) "
    "AS a(op_id, seq, op_type, payload_hash, result) "
    "ON CONFLICT DO NOTHING RETURNING op_id"
)


def _apply_group(session, ctxs, handler: OpHandler, payloads, now) -> list[dict]:
    """A run's ops of one type: by the handler's run function when it takes them whole
    (`apply_many` for facts, `apply_run` for requests), else each by `apply` in device order,
    with no savepoint of its own (a refusal raises, and _answer_run gives the run up)."""
    bulk = handler.apply_many if handler.is_fact(payloads[0]) else handler.apply_run
    if bulk is not None:
        pending = session.info.setdefault("changes", [])
        mark = len(pending)
        whole = session.begin_nested()
        try:
            answers = bulk(session, ctxs, payloads, now)
        except BaseException:
            if whole.is_active:
                whole.rollback()
            raise
        if answers is not None:
            whole.commit()
            return answers
        whole.rollback()
        del pending[mark:]
    return [
        handler.apply(session, ctx, payload, now)
        for ctx, payload in zip(ctxs, payloads, strict=True)
    ]


def _given_up(error: Exception) -> bool:
    """A refusal met in a run (of the op, or a row another transaction inserted meanwhile):
    the run is rolled back and done op by op, where that op is answered alone."""
    if isinstance(error, Rejected) or not isinstance(error, DBAPIError):
        return True
    return _sqlstate(error) == _UNIQUE_VIOLATION or _op_fault(error)


def _answer_run(
    session, tenant_id, device_id, run, handlers, now, blocked
) -> list[OpResult] | None:
    """A run in one savepoint, answered in one statement, each type of op by _apply_group:
    in a few statements whatever the run's length when its handler can, else each op by
    `apply` but without a savepoint and an answer row of its own (the per-op cost of a
    first upload's 21,000 dossiers, invoices and payments). None when the run must be done
    op by op: an op refused or at fault (it is then refused alone, its dependants wait on
    it, as ever), one waiting on a dossier refused earlier, one answered by someone else
    meanwhile."""
    if any(_waits_on(op, handlers[op.type], blocked) is not None for op in run):
        return None
    pending = session.info.setdefault("changes", [])
    mark = len(pending)
    by_type: dict[str, list] = {}
    for op in run:
        by_type.setdefault(op.type, []).append(op)
    results: dict[uuid.UUID, dict] = {}
    savepoint = session.begin_nested()
    try:
        for op_type, group in by_type.items():
            handler = handlers[op_type]
            ctxs = [OpContext(tenant_id, device_id, op.op_id) for op in group]
            answers = _apply_group(session, ctxs, handler, [op.payload for op in group], now)
            results.update(zip([op.op_id for op in group], answers, strict=True))
        stored = session.execute(
            _STORE_ANSWERS,
            {
                "tenant_id": tenant_id,
                "device_id": device_id,
                "answered_at": now,
                "op_ids": [op.op_id for op in run],
                "seqs": [op.seq for op in run],
                "types": [op.type for op in run],
                "hashes": [payload_hash(op) for op in run],
                "results": [Jsonb(results[op.op_id]) for op in run],
            },
        ).scalars()
        if len(set(stored)) == len(run):
            savepoint.commit()
            return [
                OpResult(
                    op_id=op.op_id, seq=op.seq, status=OpStatus.APPLIED, result=results[op.op_id]
                )
                for op in run
            ]
        savepoint.rollback()
    except Exception as error:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        if _given_up(error):
            return None  # one by one: the op at fault is refused alone
        raise
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        raise
    del pending[mark:]
    return None


def _weight(op) -> int:
    if op.type == OpType.BOOKINGS_APPLY:
        return max(1, len(op.payload.book_days()) + len(op.payload.wait) + len(op.payload.cancel))
    return 1


def _chunks(ops: list) -> list[list]:
    """The ops cut in device order into chunks of at most CHUNK_OPS ops and CHUNK_WEIGHT
    days (a form's op weighs its days); an op heavier than that is a chunk of its own."""
    chunks: list[list] = [[]]
    weight = 0
    for op in ops:
        if chunks[-1] and (len(chunks[-1]) >= CHUNK_OPS or weight + _weight(op) > CHUNK_WEIGHT):
            chunks.append([])
            weight = 0
        chunks[-1].append(op)
        weight += _weight(op)
    return [chunk for chunk in chunks if chunk]


def _check(watch: Watch | None) -> None:
    if watch is not None and watch.stopped():
        raise Abandoned


def _push_chunk(factory, tenant_id, device_id, chunk, handlers, now, blocked, watch) -> list:
    """A chunk, started over when PostgreSQL broke a deadlock (none is expected: see the
    module's docstring); Busy when a lock or a statement waited too long."""
    for attempt in range(_ATTEMPTS):
        before = dict(blocked)
        try:
            return _push_once(factory, tenant_id, device_id, chunk, handlers, now, blocked, watch)
        except DBAPIError as error:
            blocked.clear()
            blocked.update(before)
            _check(watch)  # a statement cancelled because the desk went away
            state = _sqlstate(error)
            if state in _DEADLOCKS and attempt < _ATTEMPTS - 1:
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
) -> PushResponse:
    """Answers every op in device order (see the module's docstring); `refused` are the ops
    the protocol already refused (answered among the others by their seq)."""
    handlers = registry()
    ops = sorted(ops, key=lambda op: op.seq)
    now = clock.now()
    try:
        with factory.begin() as session:
            foreign = _foreign_ops(session, tenant_id, ops, handlers)
    except PoolTimeout as error:
        raise Busy from error
    results = list(refused)
    results += [_as_unknown(op, handlers[op.type]) for op in ops if op.op_id in foreign]
    ops = [op for op in ops if op.op_id not in foreign]
    blocked: dict[uuid.UUID, str] = {}  # rows of a new dossier refused in this push
    for chunk in _chunks(ops):
        _check(watch)
        results += _push_chunk(factory, tenant_id, device_id, chunk, handlers, now, blocked, watch)
    return PushResponse(results=sorted(results, key=lambda result: result.seq))
