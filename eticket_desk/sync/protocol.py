"""The sync protocol's messages, shared by the desk and the central server.

Push: the desk sends *operations* in device order (`seq`), each with a UUID that is its
idempotency key; the server answers each one applied, duplicate (with the original answer) or
rejected with a stable code. Business refusals are answers, not HTTP errors; a malformed
request is refused whole (HTTP 422, nothing applied) with French messages (`french_errors`).
Pull: the changes of the desk's commune after a cursor, in the server's commit order.
Money is integer cents (floats are refused), times are naive Europe/Paris datetimes.
The vocabulary is in wire.py, the payloads in payloads.py; this module re-exports them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, StrictInt, create_model

from eticket_desk.sync.payloads import (  # noqa: F401 (re-exported: the protocol's one import point)
    PAYLOADS,
    ActivityUpsert,
    AdultPayload,
    BookingPayload,
    BookingsApply,
    CalendarUpsert,
    ChequeDetails,
    ChildPayload,
    ClosurePayload,
    DeadlinePayload,
    FamilyUpsert,
    InvoiceCancel,
    InvoiceIssue,
    LongText,
    OrganisationUpsert,
    PaymentCancel,
    PaymentReceived,
    PortalAccess,
    PositiveCents,
    PresenceMark,
    SchoolUpsert,
    SubscriptionTerms,
    TariffUpsert,
    Text,
    TicketTypeUpsert,
    WalletEntryPayload,
    Wire,
)
from eticket_desk.sync.wire import (  # noqa: F401 (re-exported: the protocol's one import point)
    MAX_CHANGES_PER_PULL,
    MAX_OPS_PER_PUSH,
    OpStatus,
    OpType,
    RejectCode,
)
from eticket_desk.sync.wire_errors import french_errors  # noqa: F401

# ---------------------------------------------------------------- envelopes


class OpBase(Wire):
    op_id: uuid.UUID
    seq: Annotated[StrictInt, Field(ge=0)]


def _envelope(op_type: OpType, payload: type[Wire]) -> type[OpBase]:
    """The op model of one type: {op_id, seq, type: "<its name>", payload}."""
    return create_model(
        f"{payload.__name__}Op",
        __base__=OpBase,
        type=(Literal[op_type.value], ...),
        payload=(payload, ...),
    )


OP_MODELS: dict[OpType, type[OpBase]] = {
    op_type: _envelope(op_type, payload) for op_type, payload in PAYLOADS.items()
}
AnyOp = Annotated[Union[tuple(OP_MODELS.values())], Field(discriminator="type")]  # noqa: UP007


def make_op(op_type: OpType, payload: dict[str, Any] | Wire, seq: int, op_id=None) -> OpBase:
    """An op ready to push (the desk writes these in its outbox)."""
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    return OP_MODELS[op_type].model_validate(
        {"op_id": op_id or uuid.uuid4(), "seq": seq, "type": op_type.value, "payload": data}
    )


class PushRequest(Wire):
    device_id: uuid.UUID
    ops: Annotated[list[AnyOp], Field(max_length=MAX_OPS_PER_PUSH)]


class OpResult(Wire):
    op_id: uuid.UUID
    seq: int
    status: OpStatus
    # For a duplicate: what the op got the first time (applied or rejected).
    original_status: OpStatus | None = None
    result: dict[str, Any] | None = None
    code: RejectCode | None = None
    message: str = ""


class PushResponse(Wire):
    results: list[OpResult]


class Change(Wire):
    """One row of the server's change log: the entity's whole state after the change."""

    seq: int
    entity: str
    id: str
    data: dict[str, Any]
    device_id: uuid.UUID | None = None  # the desk that caused it (None: portal, server)


class PullResponse(Wire):
    changes: list[Change]
    cursor: int  # pass it as `since` next time
    more: bool = False  # another page is waiting
    # The cursor is older than what the change log keeps: load a snapshot, then pull again.
    full_reload: bool = False


class SnapshotPage(Wire):
    """A page of the commune's current state, for a full reload."""

    entity: str
    items: list[Change]
    after: str | None  # pass as `after` for the next page of this entity; None: done
    resume_cursor: int  # pull from here once every entity is loaded


# ---------------------------------------------------------------- portal


# A parent's text: never a NUL byte (PostgreSQL cannot store one).
_NO_NUL = r"^[^\x00]*$"
PortalText = Annotated[str, Field(max_length=200, pattern=_NO_NUL)]


class PortalLogin(Wire):
    tenant_id: uuid.UUID
    login: Annotated[str, Field(min_length=1, max_length=100, pattern=_NO_NUL)]
    password: Annotated[str, Field(min_length=1, max_length=200, pattern=_NO_NUL)]


class PortalSession(Wire):
    token: str
    family_id: uuid.UUID
    expires_at: datetime


class OnlinePayment(Wire):
    invoice_id: uuid.UUID
    amount_cents: PositiveCents
    transaction_ref: Annotated[str, Field(min_length=1, max_length=100, pattern=_NO_NUL)]


class PortalBooking(Wire):
    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    action: Literal["book", "cancel"] = "book"


class PortalContactChange(Wire):
    """A parent changes their own contact details (fields left out stay as they are)."""

    adult_id: uuid.UUID
    phone_home: PortalText | None = None
    phone_mobile: PortalText | None = None
    phone_work: PortalText | None = None
    email: PortalText | None = None
    address1: PortalText | None = None
    address2: PortalText | None = None
    postcode: PortalText | None = None
    city: PortalText | None = None
