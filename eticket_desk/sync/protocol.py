"""The sync protocol's wire schemas, shared by the desk and the central server.

Push: the desk sends *operations* in device order (`seq`), each with a UUID that is its
idempotency key; the server answers each one applied, duplicate (with the original answer) or
rejected with a stable code. Business refusals are answers, not HTTP errors; a malformed
request is refused whole (HTTP 422, nothing applied) with French messages (`french_errors`).
Pull: the changes of the desk's commune after a cursor, in the server's commit order.
Money is integer cents (floats are refused), times are naive Europe/Paris datetimes.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from eticket_desk.rules.activity import LEVELS, BillingMode
from eticket_desk.rules.booking import RefusalCode
from eticket_desk.rules.calendar import ClosureKind
from eticket_desk.rules.deadlines import DeadlineKind
from eticket_desk.rules.dossier import FamilyStatus

MAX_OPS_PER_PUSH = 1000
MAX_CHANGES_PER_PULL = 5000


class OpType(StrEnum):
    FAMILY_UPSERT = "family.upsert"
    WALLET_ENTRY = "wallet.entry"
    INVOICE_ISSUE = "invoice.issue"
    PAYMENT_RECEIVED = "payment.received"
    ACTIVITY_UPSERT = "activity.upsert"
    CALENDAR_UPSERT = "calendar.upsert"
    BOOKING_BOOK = "booking.book"
    BOOKING_CANCEL = "booking.cancel"


class OpStatus(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class RejectCode(StrEnum):
    """Why the server refused an op: the booking rules' codes plus the protocol's own."""

    DAY_CLOSED = RefusalCode.DAY_CLOSED.value
    DEADLINE_PASSED = RefusalCode.DEADLINE_PASSED.value
    SUBSCRIPTION_ONLY = RefusalCode.SUBSCRIPTION_ONLY.value
    CAPACITY_FULL = RefusalCode.CAPACITY_FULL.value
    DOSSIER_NOT_VALIDATED = RefusalCode.DOSSIER_NOT_VALIDATED.value
    CHILD_NOT_CONCERNED = RefusalCode.CHILD_NOT_CONCERNED.value
    PERMISSION_DENIED = RefusalCode.PERMISSION_DENIED.value
    OVERRIDE_REASON_MISSING = RefusalCode.OVERRIDE_REASON_MISSING.value
    STALE_VERSION = "STALE_VERSION"  # the desk edited an older version of the dossier
    NOT_FOUND = "NOT_FOUND"  # the op names a family, child, activity… the server lacks
    INVALID_DATA = "INVALID_DATA"  # well-formed but refused by a rule (e.g. an activity)
    OP_ID_REUSED = "OP_ID_REUSED"  # the same op_id came back with another type or payload
    BOOKING_LOCKED = "BOOKING_LOCKED"  # presence already marked for that day


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]
Cents = Annotated[StrictInt, Field(ge=-10_000_000_00, le=10_000_000_00)]
PositiveCents = Annotated[StrictInt, Field(gt=0, le=10_000_000_00)]


# ---------------------------------------------------------------- payloads: families


class AdultPayload(_Wire):
    id: uuid.UUID
    last_name: Text
    first_name: Text = ""
    relation: Text = ""
    third_party: StrictBool = False
    phone_home: Text = ""
    phone_mobile: Text = ""
    phone_work: Text = ""
    phone_work_mobile: Text = ""
    email: Text = ""
    address1: Text = ""
    address2: Text = ""
    address3: Text = ""
    postcode: Text = ""
    city: Text = ""
    legal_guardian: StrictBool = False
    billing: StrictBool = False
    emergency_contact: StrictBool = False
    may_pick_up: StrictBool = False


class ChildPayload(_Wire):
    id: uuid.UUID
    last_name: Text
    first_name: Text
    birth_date: date | None = None
    school_id: uuid.UUID | None = None
    level: Literal[LEVELS] | None = None  # type: ignore[valid-type]
    diet: Text = ""
    allergies: LongText = ""
    pai: StrictBool = False
    treatments: LongText = ""
    image_authorised: StrictBool = False
    outing_authorised: StrictBool = False


class PortalAccess(_Wire):
    """The parents' portal login; the desk hands over the argon2 hash, never the password."""

    login: Annotated[str, Field(min_length=3, max_length=100)]
    password_hash: Annotated[str, Field(pattern=r"^\$argon2", max_length=500)]


class FamilyUpsert(_Wire):
    """The whole dossier; `base_version` is the server version the desk edited (0: new)."""

    family_id: uuid.UUID
    base_version: Annotated[StrictInt, Field(ge=0)]
    reference: Annotated[str, Field(min_length=1, max_length=40)]
    status: FamilyStatus
    notes: LongText = ""
    quotient: Annotated[StrictInt, Field(ge=0)] | None = None
    adults: Annotated[list[AdultPayload], Field(max_length=30)] = []
    children: Annotated[list[ChildPayload], Field(max_length=30)] = []
    portal: PortalAccess | None = None


# ---------------------------------------------------------------- payloads: money


class WalletEntryPayload(_Wire):
    """One line of a family's ticket wallet: a fact, always applied (never twice)."""

    entry_id: uuid.UUID
    family_id: uuid.UUID
    ticket_type: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: Annotated[StrictInt, Field(ge=-1000, le=1000)]
    kind: Literal["purchase", "booking", "cancellation", "correction", "refund"]
    reason: Text = ""
    occurred_at: datetime


class InvoiceIssue(_Wire):
    invoice_id: uuid.UUID
    family_id: uuid.UUID
    number: Annotated[str, Field(min_length=1, max_length=40)]
    amount_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)]
    issued_on: date
    due_on: date


class ChequeDetails(_Wire):
    number: Text
    bank: Text = ""
    drawer: Text = ""


class PaymentReceived(_Wire):
    """Money taken at the counter: a fact, always applied; what an invoice no longer needs
    (already paid online) becomes the family's credit."""

    payment_id: uuid.UUID
    family_id: uuid.UUID
    method: Literal["cash", "cheque", "card"]
    amount_cents: PositiveCents
    invoice_id: uuid.UUID | None = None  # None: tickets (the wallet entries come as ops)
    received_at: datetime
    receipt_number: Text = ""
    cheque: ChequeDetails | None = None


# ---------------------------------------------------------------- payloads: planning


class DeadlinePayload(_Wire):
    kind: DeadlineKind
    at: time = time(10, 0)
    weekday: Annotated[StrictInt, Field(ge=0, le=6)] = 1


class ActivityUpsert(_Wire):
    activity_id: uuid.UUID
    code: Text
    name: Text
    weekdays: Annotated[list[Annotated[StrictInt, Field(ge=0, le=6)]], Field(max_length=7)]
    deadline: DeadlinePayload
    billing_mode: BillingMode
    capacity: Annotated[StrictInt, Field(ge=1)] | None = None
    school_capacities: dict[uuid.UUID, Annotated[StrictInt, Field(ge=1)] | None] = {}
    levels: list[Literal[LEVELS]] = []  # type: ignore[valid-type]
    ticket_type: Text = ""
    active: StrictBool = True


class ClosurePayload(_Wire):
    start: date
    end: date
    kind: ClosureKind
    label: Text
    activity_codes: list[Text] = []


class CalendarUpsert(_Wire):
    """One school year, its closures included (the whole year is replaced)."""

    year_id: uuid.UUID
    label: Text
    start: date
    end: date
    closures: Annotated[list[ClosurePayload], Field(max_length=400)] = []


class BookingPayload(_Wire):
    """Book or cancel one child × activity × day; the server's rules and clock decide."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    override_reason: Text = ""
    waiting_list: StrictBool = False  # when full, put the child on the waiting list


PAYLOADS: dict[OpType, type[_Wire]] = {
    OpType.FAMILY_UPSERT: FamilyUpsert,
    OpType.WALLET_ENTRY: WalletEntryPayload,
    OpType.INVOICE_ISSUE: InvoiceIssue,
    OpType.PAYMENT_RECEIVED: PaymentReceived,
    OpType.ACTIVITY_UPSERT: ActivityUpsert,
    OpType.CALENDAR_UPSERT: CalendarUpsert,
    OpType.BOOKING_BOOK: BookingPayload,
    OpType.BOOKING_CANCEL: BookingPayload,
}


# ---------------------------------------------------------------- envelopes


class _OpBase(_Wire):
    op_id: uuid.UUID
    seq: Annotated[StrictInt, Field(ge=0)]


class FamilyUpsertOp(_OpBase):
    type: Literal["family.upsert"]
    payload: FamilyUpsert


class WalletEntryOp(_OpBase):
    type: Literal["wallet.entry"]
    payload: WalletEntryPayload


class InvoiceIssueOp(_OpBase):
    type: Literal["invoice.issue"]
    payload: InvoiceIssue


class PaymentReceivedOp(_OpBase):
    type: Literal["payment.received"]
    payload: PaymentReceived


class ActivityUpsertOp(_OpBase):
    type: Literal["activity.upsert"]
    payload: ActivityUpsert


class CalendarUpsertOp(_OpBase):
    type: Literal["calendar.upsert"]
    payload: CalendarUpsert


class BookingBookOp(_OpBase):
    type: Literal["booking.book"]
    payload: BookingPayload


class BookingCancelOp(_OpBase):
    type: Literal["booking.cancel"]
    payload: BookingPayload


AnyOp = Annotated[
    FamilyUpsertOp
    | WalletEntryOp
    | InvoiceIssueOp
    | PaymentReceivedOp
    | ActivityUpsertOp
    | CalendarUpsertOp
    | BookingBookOp
    | BookingCancelOp,
    Field(discriminator="type"),
]
OP_MODELS: dict[OpType, type[_OpBase]] = {
    OpType(model.model_fields["type"].annotation.__args__[0]): model
    for model in AnyOp.__origin__.__args__
}


def make_op(op_type: OpType, payload: dict[str, Any] | _Wire, seq: int, op_id=None) -> _OpBase:
    """An op ready to push (the desk writes these in its outbox)."""
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    return OP_MODELS[op_type].model_validate(
        {"op_id": op_id or uuid.uuid4(), "seq": seq, "type": op_type.value, "payload": data}
    )


class PushRequest(_Wire):
    device_id: uuid.UUID
    ops: Annotated[list[AnyOp], Field(max_length=MAX_OPS_PER_PUSH)]


class OpResult(_Wire):
    op_id: uuid.UUID
    seq: int
    status: OpStatus
    # For a duplicate: what the op got the first time (applied or rejected).
    original_status: OpStatus | None = None
    result: dict[str, Any] | None = None
    code: RejectCode | None = None
    message: str = ""


class PushResponse(_Wire):
    results: list[OpResult]


class Change(_Wire):
    """One row of the server's change log: the entity's whole state after the change."""

    seq: int
    entity: str
    id: str
    data: dict[str, Any]
    device_id: uuid.UUID | None = None  # the desk that caused it (None: portal, server)


class PullResponse(_Wire):
    changes: list[Change]
    cursor: int  # pass it as `since` next time
    more: bool = False  # another page is waiting
    # The cursor is older than what the change log keeps: load a snapshot, then pull again.
    full_reload: bool = False


class SnapshotPage(_Wire):
    """A page of the commune's current state, for a full reload."""

    entity: str
    items: list[Change]
    after: str | None  # pass as `after` for the next page of this entity; None: done
    resume_cursor: int  # pull from here once every entity is loaded


# ---------------------------------------------------------------- portal


class PortalLogin(_Wire):
    tenant_id: uuid.UUID
    login: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class PortalSession(_Wire):
    token: str
    family_id: uuid.UUID
    expires_at: datetime


class OnlinePayment(_Wire):
    invoice_id: uuid.UUID
    amount_cents: PositiveCents
    transaction_ref: Annotated[str, Field(min_length=1, max_length=100)]


class PortalBooking(_Wire):
    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    action: Literal["book", "cancel"] = "book"


# ---------------------------------------------------------------- French errors

_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "uuid_parsing": "identifiant (UUID) invalide",
    "uuid_type": "identifiant (UUID) invalide",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu (les montants sont en centimes)",
    "bool_type": "vrai ou faux attendu",
    "string_type": "texte attendu",
    "list_type": "liste attendue",
    "dict_type": "objet attendu",
    "model_type": "objet attendu",
    "model_attributes_type": "objet attendu",
    "date_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_from_datetime_parsing": "date invalide (AAAA-MM-JJ attendu)",
    "date_type": "date invalide (AAAA-MM-JJ attendu)",
    "datetime_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "datetime_from_date_parsing": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "datetime_type": "date et heure invalides (AAAA-MM-JJTHH:MM:SS attendu)",
    "time_parsing": "heure invalide (HH:MM attendu)",
    "time_type": "heure invalide (HH:MM attendu)",
    "json_invalid": "JSON illisible",
    "union_tag_invalid": "type d'opération inconnu",
    "union_tag_not_found": "le type de l'opération manque",
    "string_pattern_mismatch": "format non reconnu",
    "enum": "valeur non permise",
    "literal_error": "valeur non permise",
}


def _where(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("body",) and not parts:
            continue
        elif item in PAYLOADS or item in tuple(t.value for t in OpType):
            continue  # the discriminated union's tag adds nothing for a reader
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "requête"


def _message(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤"}
        limit = next(iter(ctx.values()), "?")
        return f"doit être {sign.get(kind, '<')} {limit}"
    if kind in ("string_too_short", "too_short"):
        return f"trop court (au moins {ctx.get('min_length', '?')})"
    if kind in ("string_too_long", "too_long"):
        return f"trop long (au plus {ctx.get('max_length', '?')})"
    if kind == "union_tag_invalid":
        return f"type d'opération inconnu « {ctx.get('tag', '?')} »"
    if kind in ("enum", "literal_error") and ctx.get("expected"):
        expected = str(ctx["expected"]).replace(" or ", " ou ")
        return f"{_MESSAGES[kind]} (attendu : {expected})"
    return _MESSAGES.get(kind, "valeur invalide")


def french_errors(errors: list[dict[str, Any]] | ValidationError) -> list[str]:
    """ "ops[2].payload.amount_cents : nombre entier attendu" for each error."""
    if isinstance(errors, ValidationError):
        errors = errors.errors()
    return [f"{_where(tuple(e.get('loc', ())))} : {_message(e)}" for e in errors]
