"""One op of a push answered: in its savepoint, exactly once (a stored answer, a refusal,
"duplicate"), and the dossiers refused whose dependants wait on them. See push.py."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from eticket_central.models import AppliedOp, Family
from eticket_central.ops.registry import OpContext, OpHandler, Rejected
from eticket_desk.sync.protocol import (
    OpResult,
    OpStatus,
    OpType,
    RejectCode,
)

_log = logging.getLogger(__name__)
# A row inserted meanwhile by another transaction: the op is tried again (it then sees it);
# so is a chunk two pushes deadlocked on (push.py), at most ATTEMPTS times.
UNIQUE_VIOLATION = "23505"
ATTEMPTS = 4


class _AlreadyAnswered(Exception):
    """The op's idempotency row was committed by someone else meanwhile."""


def payload_hash(op: Any) -> str:
    body = json.dumps(
        {"type": op.type, "payload": op.payload.model_dump(mode="json")}, sort_keys=True
    )
    return hashlib.sha256(body.encode()).hexdigest()


def foreign_ops(session: Session, tenant_id: uuid.UUID, ops, handlers) -> set[uuid.UUID]:
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


def as_unknown(op: Any, handler: OpHandler) -> OpResult:
    refusal = handler.unknown(op.payload)
    return OpResult(
        op_id=op.op_id,
        seq=op.seq,
        status=OpStatus.REJECTED,
        code=refusal.code,
        message=refusal.message,
    )


def duplicate_of(row: Any, op: Any, digest: str) -> OpResult:
    """The answer to an op answered before: `row` is its applied_ops row (an AppliedOp, or
    the row push.py looked up: the same columns)."""
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


def op_fault(error: BaseException) -> bool:
    """An error of this op rather than of the server: PostgreSQL refused a value or a
    constraint (classes 22 and 23, or psycopg refusing a value before sending it), or the
    handler could not compute with the op's values (any non-database exception: logged with
    its traceback, since it may be a bug). That op is rejected, not its push. A unique key
    met meanwhile is not one (the op is tried again, `answer_op`), nor a deadlock, a timeout or
    a lost connection (the push is, `_push_chunk`)."""
    if not isinstance(error, DBAPIError):
        _log.error("op refused on an error of its handler", exc_info=error)
        return True
    state = sqlstate(error)
    if state is None:
        return isinstance(error, DataError | IntegrityError)
    return state[:2] in ("22", "23") and state != UNIQUE_VIOLATION


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
        return duplicate_of(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, digest)
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
        return duplicate_of(session.get(AppliedOp, (ctx.tenant_id, op.op_id)), op, digest)
    except Rejected as refusal:
        savepoint.rollback()
        del pending[mark:]
        return _refuse(session, ctx, op, digest, now, refusal.code, refusal.message)
    except Exception as error:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        if not op_fault(error):
            raise
        _log.warning("op %s (%s) refused: %s", op.op_id, op.type, error)
        return _refuse(session, ctx, op, digest, now, RejectCode.INVALID_OP, _FAULT)
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        del pending[mark:]
        raise


def answer_op(session: Session, ctx: OpContext, op: Any, handler: OpHandler, now) -> OpResult:
    """One op, tried again when another transaction inserted the same row meanwhile."""
    for _attempt in range(ATTEMPTS - 1):
        try:
            return _answer_in_savepoint(session, ctx, op, handler, now)
        except DBAPIError as error:
            if sqlstate(error) != UNIQUE_VIOLATION:
                raise
    try:
        return _answer_in_savepoint(session, ctx, op, handler, now)
    except DBAPIError as error:
        if sqlstate(error) != UNIQUE_VIOLATION:
            raise
        return _refuse(session, ctx, op, payload_hash(op), now, RejectCode.INVALID_OP, _FAULT)


def block_refused_dossier(session: Session, op: Any, result: OpResult, blocked: dict) -> None:
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


def waits_on(op: Any, handler: OpHandler, blocked: dict) -> str | None:
    if not blocked or handler.is_fact(op.payload):  # a fact is never refused
        return None
    return next((blocked[i] for _, i in handler.owned_ids(op.payload) if i in blocked), None)


def dependency_rejected(session: Session, ctx: OpContext, op: Any, reference: str, now):
    message = (
        f"Le dossier {reference} a été refusé par le serveur juste avant : cette opération "
        "attend qu'il soit corrigé et renvoyé."
    )
    code = RejectCode.DEPENDENCY_REJECTED
    return _refuse(session, ctx, op, payload_hash(op), now, code, message)


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)
