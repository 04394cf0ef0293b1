"""The sync protocol's messages, shared by the desk and the central server.

Push: the desk sends *operations* in device order (`seq`), each with a UUID that is its
idempotency key; the server answers each one applied, duplicate (with the original answer) or
rejected with a stable code. Business refusals are answers, not HTTP errors. The server reads
a push in two steps (`PushEnvelope`, then `parse_ops`): a malformed envelope (no device id,
an op without a readable op_id and seq) is refused whole (HTTP 422, nothing applied, French
messages from `french_errors`), but a malformed op is answered alone, rejected INVALID_OP, so
that one bad op never blocks a desk's outbox. A push carries the desk's clock (`sent_at`) and
its answer the clock offset the server measured from it (eticket_central/clock_trust.py).
Pull: the changes of the desk's commune after a cursor, in the server's commit order.
A form's days travel as the form's terms plus exceptions (rules.form_days): bookings.apply's
`book_terms` (an extension: an op without it reads as before), and the one `booking_days`
change the server records per form op (its days per state, expanded by the pulling desk with
the same rules; a per-day `booking` change is still what a single booking records).
Money is integer cents (floats are refused), times are naive Europe/Paris datetimes.
The vocabulary is in wire.py, the payloads in payloads.py, planning_payloads.py and
booking_payloads.py; this module re-exports them and maps each op type to its schema.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    TypeAdapter,
    ValidationError,
    create_model,
)

from eticket_desk.sync.booking_payloads import (  # noqa: F401 (re-exported: the protocol's one import point)
    BookingPayload,
    BookingsApply,
    PresenceMark,
    SubscriptionTerms,
    TermDays,
)
from eticket_desk.sync.document_payloads import (  # noqa: F401 (re-exported: the protocol's one import point)
    DOCUMENT_KINDS,
    DocumentReview,
    MessageUpsert,
)
from eticket_desk.sync.payloads import (  # noqa: F401 (re-exported: the protocol's one import point)
    AdultPayload,
    ChequeDetails,
    ChildPayload,
    FamilyMerge,
    FamilyUpsert,
    InvoiceCancel,
    InvoiceIssue,
    LongText,
    MergedPair,
    PaymentCancel,
    PaymentReceived,
    PortalAccess,
    PositiveCents,
    Text,
    WalletEntryPayload,
    Wire,
)
from eticket_desk.sync.planning_payloads import (  # noqa: F401 (re-exported: the protocol's one import point)
    ActivityUpsert,
    CalendarUpsert,
    ClosurePayload,
    DeadlinePayload,
    OrganisationUpsert,
    SchoolUpsert,
    TariffUpsert,
    TicketTypeUpsert,
)
from eticket_desk.sync.wire import (  # noqa: F401 (re-exported: the protocol's one import point)
    MAX_CHANGES_PER_PULL,
    MAX_OPS_PER_PUSH,
    OpStatus,
    OpType,
    RejectCode,
)
from eticket_desk.sync.wire_errors import french_errors  # noqa: F401

# Each op type's payload schema (its envelope below is made from it).
PAYLOADS: dict[OpType, type[Wire]] = {
    OpType.FAMILY_UPSERT: FamilyUpsert,
    OpType.WALLET_ENTRY: WalletEntryPayload,
    OpType.INVOICE_ISSUE: InvoiceIssue,
    OpType.PAYMENT_RECEIVED: PaymentReceived,
    OpType.ACTIVITY_UPSERT: ActivityUpsert,
    OpType.CALENDAR_UPSERT: CalendarUpsert,
    OpType.BOOKING_BOOK: BookingPayload,
    OpType.BOOKING_CANCEL: BookingPayload,
    OpType.BOOKINGS_APPLY: BookingsApply,
    OpType.INVOICE_CANCEL: InvoiceCancel,
    OpType.PAYMENT_CANCEL: PaymentCancel,
    OpType.BOOKING_MARK: PresenceMark,
    OpType.TICKET_TYPE_UPSERT: TicketTypeUpsert,
    OpType.TARIFF_UPSERT: TariffUpsert,
    OpType.SCHOOL_UPSERT: SchoolUpsert,
    OpType.ORGANISATION_UPSERT: OrganisationUpsert,
    OpType.FAMILY_MERGE: FamilyMerge,
    OpType.DOCUMENT_REVIEW: DocumentReview,
    OpType.MESSAGE_UPSERT: MessageUpsert,
}

# ---------------------------------------------------------------- envelopes


MAX_SEQ = 2**63 - 1  # a PostgreSQL bigint


class OpBase(Wire):
    op_id: uuid.UUID
    seq: Annotated[StrictInt, Field(ge=0, le=MAX_SEQ)]
    # When and by whom the op was made at the desk (its clock, naive Europe/Paris): the server
    # judges a deadline at that moment and names the author of a conflicting value. An op
    # without them (an older desk) is judged at the server's own time.
    made_at: datetime | None = None
    made_by: Text = ""


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


class OpHeader(BaseModel):
    """What the server must read of an op to answer it at all: its id and its number (any
    integer: one out of bounds is answered, rejected, under the number it came with)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    op_id: uuid.UUID
    seq: StrictInt


class PushEnvelope(Wire):
    """A push as the server first reads it: the ops are parsed one by one afterwards."""

    device_id: uuid.UUID
    ops: Annotated[list[dict[str, Any]], Field(max_length=MAX_OPS_PER_PUSH)]
    # The desk's clock when it sent the push (naive Europe/Paris): the server measures the
    # desk's clock offset from it (an older desk sends none: its ops are judged at the
    # server's time).
    sent_at: datetime | None = None


_ANY_OP: TypeAdapter = TypeAdapter(AnyOp)


def parse_ops(raw_ops: list[dict[str, Any]]) -> tuple[list[OpBase], list[OpResult], list[str]]:
    """Each op parsed alone: the readable ones, a rejection (INVALID_OP, French) for each op
    the protocol refuses, and the errors of the ops that cannot even be answered (no
    readable op_id or seq: the request is then refused whole)."""
    ops: list[OpBase] = []
    refused: list[OpResult] = []
    unanswerable: list[str] = []
    for index, raw in enumerate(raw_ops):
        try:
            ops.append(_ANY_OP.validate_python(raw))
            continue
        except ValidationError as error:
            errors = [e.removeprefix("requête : ") for e in french_errors(error)]
        try:
            header = OpHeader.model_validate(raw)
        except ValidationError as error:
            located = [{**e, "loc": ("ops", index, *e["loc"])} for e in error.errors()]
            unanswerable += french_errors(located)
            continue
        refused.append(
            OpResult(
                op_id=header.op_id,
                seq=header.seq,
                status=OpStatus.REJECTED,
                code=RejectCode.INVALID_OP,
                message=("Opération refusée par le serveur : " + " ; ".join(errors))[:1000],
            )
        )
    return ops, refused, unanswerable


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
    # The desk's clock offset the server measured at this push (server time − sent_at, in
    # seconds; None without sent_at) and whether it trusts that clock to date a deadline.
    clock_offset_s: int | None = None
    clock_trusted: bool = False


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
