"""The op registry: each op type is a handler (payload schema + apply), and its refusals.

`apply(session, ctx, payload, now)` runs inside the op's own savepoint; it returns the result
the desk gets back (a small JSON dict) or raises `Rejected(code, message)`, and everything
the op wrote is then rolled back (the other ops of the push stand). Facts (money received,
wallet lines) never raise Rejected. `owned_ids(payload)` names the rows the op touches: an op
naming another commune's row is refused alone with `unknown(payload)`, the very answer it
would get if the row did not exist anywhere (a desk never learns what other communes hold).
What an op decides on (the days of an activity, a dossier, an invoice…) is locked before the
chunk of ops it belongs to starts, in one global order: locks.for_ops names it per op type, so
a handler must not lock rows outside those names in another order. A handler's error that
comes from the op (a value or a constraint PostgreSQL refuses, a computation failing on the
op's values) rejects that op alone, INVALID_OP; a deadlock, a timeout or a lost connection
is the push's (push_answers.op_fault).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from eticket_desk.sync.protocol import PAYLOADS, OpType, RejectCode


class Rejected(Exception):  # noqa: N818 (the protocol's word)
    """A business refusal: answered with HTTP 200 and the op marked rejected."""

    def __init__(self, code: RejectCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OpContext:
    """Who sent the op: the tenant, the device and the op's own id; when and by whom it was
    made at the desk (the op's own word); `asked_at`, the moment its deadline is judged at
    (the desk's time corrected when its clock is trusted, else the server's: clock_trust.py),
    and `clock_note`, why the desk's time was not used (French, "" when it was)."""

    tenant_id: uuid.UUID
    device_id: uuid.UUID | None
    op_id: uuid.UUID
    made_at: datetime | None = None
    made_by: str = ""
    asked_at: datetime | None = None
    clock_note: str = ""


Apply = Callable[[Session, OpContext, Any, datetime], dict[str, Any]]
ApplyMany = Callable[[Session, list[OpContext], list[Any], datetime], list[dict[str, Any]] | None]
OwnedIds = Callable[[Any], list[tuple[type, uuid.UUID]]]


@dataclass(frozen=True)
class OpHandler:
    """`apply_many`, for facts only (never rejected), applies a run of ops of the type in a
    few statements; it must give each op the result `apply` would, or return None (after
    writing nothing it would keep) to have them applied one by one. `many_when`, when given,
    says which ops of the type are such facts (a desk's first upload of its bookings, say);
    the others are applied one by one, as requests. `apply_run`, for requests, applies a run
    of new ops of the type (push_runs.runs_of) in a few statements when none of them could be
    refused (a first upload's new dossiers, say), each answered as `apply` would, or returns
    None (after writing nothing it would keep) to have them applied by `apply`."""

    op_type: OpType
    apply: Apply
    owned_ids: OwnedIds = field(default=lambda _payload: [])
    apply_many: ApplyMany | None = None
    many_when: Callable[[Any], bool] | None = None
    apply_run: ApplyMany | None = None
    # The refusal of an op naming rows the server does not know; also the answer to an op
    # naming another commune's rows, so that the two cannot be told apart.
    unknown: Callable[[Any], Rejected] = field(default=lambda _payload: unknown_rows())

    def is_fact(self, payload: Any) -> bool:
        """The op goes in a run of `apply_many` and waits on no refused dossier."""
        if self.apply_many is None:
            return False
        return self.many_when is None or self.many_when(payload)

    @property
    def schema(self) -> type:
        return PAYLOADS[self.op_type]


REGISTRY: dict[OpType, OpHandler] = {}


def unknown_rows() -> Rejected:
    return Rejected(
        RejectCode.NOT_FOUND,
        "Cette opération désigne des données que le serveur ne connaît pas : synchronisez "
        "d'abord, puis renvoyez-la.",
    )


def handler(
    op_type: OpType,
    owned_ids: OwnedIds | None = None,
    apply_many: ApplyMany | None = None,
    unknown: Callable[[Any], Rejected] | None = None,
    many_when: Callable[[Any], bool] | None = None,
    apply_run: ApplyMany | None = None,
) -> Callable[[Apply], Apply]:
    """Decorator: registers `apply` as the handler of `op_type`."""

    def register(apply: Apply) -> Apply:
        if op_type in REGISTRY:
            raise RuntimeError(f"{op_type} has two handlers")
        owned = owned_ids or (lambda _payload: [])
        REGISTRY[op_type] = OpHandler(
            op_type,
            apply,
            owned,
            apply_many,
            many_when,
            apply_run,
            unknown or (lambda _payload: unknown_rows()),
        )
        return apply

    return register


def registry() -> dict[OpType, OpHandler]:
    """Every handler, once their modules are imported."""
    from eticket_central.ops import (  # noqa: F401
        bookings,
        bulk_bookings,
        corrections,
        documents,
        families,
        family_merge,
        invoices,
        payments,
        planning,
        presence,
        records,
        wallet,
    )

    return REGISTRY
