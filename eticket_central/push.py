"""POST /sync/push: each op in device order, in its own savepoint, answered exactly once.

Each op runs in a savepoint (a subtransaction) of the push's one transaction: a refusal
rolls back that op only, the others stand. One durable commit per push rather than per op:
a commit waits for the disk (about 1.4 ms here, fsync), which alone would take 14 s for
10,000 ops, and one desk's ops cannot share commits since they must apply in order. Nothing
is answered before that commit, so a desk that gets no answer (crash, cut connection)
pushes the same ops again and gets "duplicate" for whatever had been committed.

The idempotency row (tenant, op_id) is inserted at the end of the op's savepoint, with its
answer. When the same op is being applied elsewhere at that moment (a retry racing its
original, two instances), PostgreSQL makes the second insert wait on the first
transaction's unique key: once the first commits, the second rolls its savepoint back and
answers "duplicate" with the stored answer. A rejection is stored the same way, so a re-push
gets the same refusal. The change log is numbered once, just before the commit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from typing import Any

from fastapi import HTTPException
from psycopg.types.json import Jsonb
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from eticket_central.changes import flush_changes
from eticket_central.models import AppliedOp, Family
from eticket_central.ops.registry import OpContext, OpHandler, Rejected, registry
from eticket_desk.clock import Clock
from eticket_desk.sync.protocol import (
    OpResult,
    OpStatus,
    OpType,
    PushRequest,
    PushResponse,
    RejectCode,
)

# A row inserted meanwhile by another transaction: the op is tried again (it then sees it).
_UNIQUE_VIOLATION = "23505"
# Two pushes waiting on each other's rows: PostgreSQL aborts one, which starts over.
_DEADLOCKS = {"40P01", "40001"}
_ATTEMPTS = 4


class _AlreadyAnswered(Exception):
    """The op's idempotency row was committed by someone else meanwhile."""


def payload_hash(op: Any) -> str:
    body = json.dumps(
        {"type": op.type, "payload": op.payload.model_dump(mode="json")}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _forbid_foreign_rows(session: Session, tenant_id: uuid.UUID, ops, handlers) -> None:
    """403 before anything is applied when an op names another commune's rows."""
    wanted: dict[type, set[uuid.UUID]] = defaultdict(set)
    for op in ops:
        for model, row_id in handlers[op.type].owned_ids(op.payload):
            wanted[model].add(row_id)
    for model, ids in wanted.items():
        foreign = session.execute(
            select(model.id).where(model.id.in_(ids), model.tenant_id != tenant_id).limit(1)
        ).first()
        if foreign is not None:
            raise HTTPException(
                status_code=403,
                detail="Ces opérations touchent des données d'une autre commune : "
                "rien n'a été appliqué.",
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
        try:
            result = handler.apply(session, ctx, op.payload, now)
            _store_answer(session, ctx, op, digest, now, status="applied", result=result)
            savepoint.commit()
            return OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.APPLIED, result=result)
        except Rejected as refusal:
            savepoint.rollback()
            del pending[mark:]
            savepoint = session.begin_nested()
            _store_answer(
                session, ctx, op, digest, now,
                status="rejected", code=refusal.code.value, message=refusal.message,
            )  # fmt: skip
            savepoint.commit()
            return OpResult(
                op_id=op.op_id,
                seq=op.seq,
                status=OpStatus.REJECTED,
                code=refusal.code,
                message=refusal.message,
            )
    except _AlreadyAnswered:
        savepoint.rollback()
        del pending[mark:]
        return _duplicate(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, digest)
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        raise


def _answer(session: Session, ctx: OpContext, op: Any, handler: OpHandler, now) -> OpResult:
    """One op, tried again when another transaction inserted the same row meanwhile."""
    for attempt in range(_ATTEMPTS):
        try:
            return _answer_in_savepoint(session, ctx, op, handler, now)
        except DBAPIError as error:
            if _sqlstate(error) != _UNIQUE_VIOLATION or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


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
    if not blocked or handler.apply_many is not None:  # a fact is never refused
        return None
    return next((blocked[i] for _, i in handler.owned_ids(op.payload) if i in blocked), None)


def _dependency_rejected(session: Session, ctx: OpContext, op: Any, reference: str, now):
    message = (
        f"Le dossier {reference} a été refusé par le serveur juste avant : cette opération "
        "attend qu'il soit corrigé et renvoyé."
    )
    code = RejectCode.DEPENDENCY_REJECTED
    savepoint = session.begin_nested()
    try:
        _store_answer(
            session, ctx, op, payload_hash(op), now,
            status="rejected", code=code.value, message=message,
        )  # fmt: skip
        savepoint.commit()
    except _AlreadyAnswered:
        savepoint.rollback()
        return _duplicate(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, payload_hash(op))
    return OpResult(
        op_id=op.op_id, seq=op.seq, status=OpStatus.REJECTED, code=code, message=message
    )


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _push_once(factory, tenant_id, device_id, ops, handlers, clock: Clock) -> list[OpResult]:
    now = clock.now()
    with factory.begin() as session:
        _forbid_foreign_rows(session, tenant_id, ops, handlers)
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
        blocked: dict[uuid.UUID, str] = {}  # rows of a new dossier refused in this push
        for run in _runs(ops, known, handlers):
            if len(run) > 1:
                answered = _answer_run(session, tenant_id, device_id, run, handlers, now)
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
        flush_changes(session, tenant_id, device_id, now)
    return results


def _runs(ops, known, handlers):
    """Consecutive new facts whose handlers apply runs (they commute: appending wallet lines
    and sale payments in any order gives the same state); every other op alone."""
    run: list = []
    for op in ops:
        bulk = op.op_id not in known and handlers[op.type].apply_many is not None
        if run and not bulk:
            yield run
            run = []
        if bulk:
            run.append(op)
        else:
            yield [op]
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


def _answer_run(session, tenant_id, device_id, run, handlers, now) -> list[OpResult] | None:
    """A run of facts in a few statements, in one savepoint; None when one of its ops was
    answered by someone else meanwhile (the run is then rolled back and done op by op)."""
    pending = session.info.setdefault("changes", [])
    mark = len(pending)
    by_type: dict[str, list] = {}
    for op in run:
        by_type.setdefault(op.type, []).append(op)
    results: dict[uuid.UUID, dict] = {}
    savepoint = session.begin_nested()
    try:
        for op_type, group in by_type.items():
            ctxs = [OpContext(tenant_id, device_id, op.op_id) for op in group]
            answers = handlers[op_type].apply_many(session, ctxs, [op.payload for op in group], now)
            if answers is None:  # the handler wants these one by one
                savepoint.rollback()
                del pending[mark:]
                return None
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
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        raise
    del pending[mark:]
    return None


def push(
    factory: sessionmaker[Session],
    tenant_id: uuid.UUID,
    device_id: uuid.UUID,
    request: PushRequest,
    clock: Clock,
) -> PushResponse:
    """Answers every op of the request in device order (see the module's docstring)."""
    handlers = registry()
    ops = sorted(request.ops, key=lambda op: op.seq)
    for attempt in range(_ATTEMPTS):
        try:
            return PushResponse(
                results=_push_once(factory, tenant_id, device_id, ops, handlers, clock)
            )
        except DBAPIError as error:
            if _sqlstate(error) not in _DEADLOCKS or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
