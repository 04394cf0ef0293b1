"""Runs of a push: consecutive new requests of one type tried together, in one savepoint,
their answers stored in one statement; a refusal gives the run up to one by one. See push.py."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from eticket_central.clock_trust import context_of
from eticket_central.json_rows import json_array, json_values
from eticket_central.ops.registry import OpHandler, Rejected
from eticket_central.push_answers import (
    UNIQUE_VIOLATION,
    op_fault,
    payload_hash,
    sqlstate,
    waits_on,
)
from eticket_desk.sync.protocol import (
    OpResult,
    OpStatus,
)


def runs_of(ops, known, handlers):
    """Consecutive new facts whose handlers apply runs (they commute: appending wallet lines
    and sale payments in any order gives the same state); consecutive new requests of one
    type (a first upload's dossiers, invoices, payments: answer_run tries them together);
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
    "CAST(:hashes AS text[]), " + json_array("results") + ") "
    "AS a(op_id, seq, op_type, payload_hash, result) "
    "ON CONFLICT DO NOTHING RETURNING op_id"
)


def _apply_group(session, ctxs, handler: OpHandler, payloads, now) -> list[dict]:
    """A run's ops of one type: by the handler's run function when it takes them whole
    (`apply_many` for facts, `apply_run` for requests), else each by `apply` in device order,
    with no savepoint of its own (a refusal raises, and answer_run gives the run up)."""
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
    return sqlstate(error) == UNIQUE_VIOLATION or op_fault(error)


def answer_run(
    session, tenant_id, device_id, run, handlers, now, blocked, moments=None
) -> list[OpResult] | None:
    """A run in one savepoint, answered in one statement, each type of op by _apply_group:
    in a few statements whatever the run's length when its handler can, else each op by
    `apply` but without a savepoint and an answer row of its own (the per-op cost of a
    first upload's 21,000 dossiers, invoices and payments). None when the run must be done
    op by op: an op refused or at fault (it is then refused alone, its dependants wait on
    it, as ever), one waiting on a dossier refused earlier, one answered by someone else
    meanwhile."""
    if any(waits_on(op, handlers[op.type], blocked) is not None for op in run):
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
            ctxs = [context_of(tenant_id, device_id, op, moments) for op in group]
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
                "results": json_values(results[op.op_id] for op in run),
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
