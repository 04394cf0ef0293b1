"""POST /sync/push: each op in device order, in its own transaction, answered exactly once.

The idempotency row (tenant, op_id) is inserted at the end of the op's transaction, with its
answer. When the same op is being applied elsewhere at that moment (a retry racing its
original, two instances), PostgreSQL makes the second insert wait on the first transaction's
unique key: if the first commits, the second rolls back its whole work and answers
"duplicate" with the stored answer. A rejection rolls the op's work back and then stores the
refusal in a transaction of its own, so a re-push gets the same refusal.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from typing import Any

from fastapi import HTTPException
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from eticket_central.changes import discard_changes, flush_changes
from eticket_central.models import AppliedOp
from eticket_central.ops.registry import OpContext, OpHandler, Rejected, registry
from eticket_desk.clock import Clock
from eticket_desk.sync.protocol import OpResult, OpStatus, PushRequest, PushResponse, RejectCode

# unique_violation, deadlock_detected, serialization_failure: the op is simply tried again.
_RETRY_CODES = {"23505", "40P01", "40001"}
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


def _store_answer(session: Session, ctx: OpContext, op: Any, digest: str, now, **answer) -> None:
    stored = session.execute(
        pg_insert(AppliedOp)
        .values(
            tenant_id=ctx.tenant_id,
            op_id=op.op_id,
            device_id=ctx.device_id,
            seq=op.seq,
            op_type=op.type,
            payload_hash=digest,
            answered_at=now,
            **answer,
        )
        .on_conflict_do_nothing()
        .returning(AppliedOp.op_id)
    ).scalar_one_or_none()
    if stored is None:
        raise _AlreadyAnswered


def _answer_once(
    factory: sessionmaker[Session], ctx: OpContext, op: Any, handler: OpHandler, clock: Clock
) -> OpResult:
    digest = payload_hash(op)
    now = clock.now()
    session = factory()
    try:
        try:
            with session.begin():
                result = handler.apply(session, ctx, op.payload, now)
                _store_answer(session, ctx, op, digest, now, status="applied", result=result)
                flush_changes(session, ctx.tenant_id, ctx.device_id, now)
            return OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.APPLIED, result=result)
        except Rejected as refusal:
            discard_changes(session)
            with session.begin():
                _store_answer(
                    session, ctx, op, digest, now,
                    status="rejected", code=refusal.code.value, message=refusal.message,
                )  # fmt: skip
            return OpResult(
                op_id=op.op_id,
                seq=op.seq,
                status=OpStatus.REJECTED,
                code=refusal.code,
                message=refusal.message,
            )
    except _AlreadyAnswered:
        discard_changes(session)
        with session.begin():
            row = session.get(AppliedOp, (ctx.tenant_id, op.op_id))
        return _duplicate(row, op, digest)
    finally:
        session.close()


def _answer(factory, ctx: OpContext, op: Any, handler: OpHandler, clock: Clock) -> OpResult:
    for attempt in range(_ATTEMPTS):
        try:
            return _answer_once(factory, ctx, op, handler, clock)
        except DBAPIError as error:
            code = getattr(error.orig, "sqlstate", None)
            if code not in _RETRY_CODES or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def push(
    factory: sessionmaker[Session],
    tenant_id: uuid.UUID,
    device_id: uuid.UUID,
    request: PushRequest,
    clock: Clock,
) -> PushResponse:
    handlers = registry()
    ops = sorted(request.ops, key=lambda op: op.seq)
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
    results = []
    for op in ops:
        if op.op_id in known:
            results.append(_duplicate(known[op.op_id], op, payload_hash(op)))
            continue
        ctx = OpContext(tenant_id, device_id, op.op_id)
        results.append(_answer(factory, ctx, op, handlers[op.type], clock))
    return PushResponse(results=results)
