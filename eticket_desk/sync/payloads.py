"""The payloads of the dossiers and the money, and what every payload shares (`Wire`: the
checks below; the common field types), validated on both sides (money in integer cents,
naive Europe/Paris times). The planning's payloads are in planning_payloads.py, the
bookings' in booking_payloads.py; protocol.py maps each op type to its schema (`PAYLOADS`).

Every message refuses what PostgreSQL cannot store or the rules cannot compute with, so that
such an op is refused alone (INVALID_OP) instead of failing its whole push: control
characters in text (a NUL byte above all; tab and line breaks are allowed), dates outside
2000–2100 (birth dates from 1900), times with a time zone (they are naive Europe/Paris) and
integers without a sane bound.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
)

from eticket_desk.rules.activity import LEVELS
from eticket_desk.rules.dossier import FamilyStatus

# C0 controls and DEL, but tab, line feed and carriage return (free text has lines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
FIRST_BIRTH_DAY = date(1900, 1, 1)
MAX_COUNT = 2_147_483_647  # a PostgreSQL integer


def _checked(value: Any, first_day: date) -> None:
    kind = type(value)
    if kind in _PLAIN:  # most fields: nothing to check
        return
    if kind is list and value and all(type(item) is date for item in value):
        # A form's days (hundreds per op): only the first and the last can be out.
        if not first_day <= min(value) <= max(value) <= LAST_DAY:
            _checked(min(value), first_day)
            _checked(max(value), first_day)
        return
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad is not None:
            raise ValueError(f"caractère de contrôle interdit (code {ord(bad.group())})")
    elif isinstance(value, date):
        if isinstance(value, datetime) and value.tzinfo is not None:
            raise ValueError("heure locale attendue, sans fuseau horaire")
        if not first_day <= (value.date() if isinstance(value, datetime) else value) <= LAST_DAY:
            raise ValueError(
                f"date hors des limites (du {first_day:%d/%m/%Y} au {LAST_DAY:%d/%m/%Y})"
            )
    elif isinstance(value, list | tuple):
        for item in value:
            _checked(item, first_day)


# The values with nothing in them to check (their exact types: a subclass may hold a date).
_PLAIN = frozenset({bool, int, uuid.UUID, type(None)})


class Wire(BaseModel):
    """Every message: unknown fields refused, frozen; text without control characters and
    dates within sane limits (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        _checked(value, FIRST_BIRTH_DAY if info.field_name == "birth_date" else FIRST_DAY)
        return value


Text = Annotated[str, Field(max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]
PositiveCents = Annotated[StrictInt, Field(gt=0, le=10_000_000_00)]
Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]  # versions, positions, quotients…

# ---------------------------------------------------------------- payloads: families


class AdultPayload(Wire):
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


class ChildPayload(Wire):
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


class PortalAccess(Wire):
    """A legal guardian's portal login; the desk hands over the argon2 hash, never the
    password. `issued_at`: when the letter was printed — the server keeps a password the
    parent changed after it (only a newer letter replaces it). An older desk sends one
    account for the family (no adult, no date)."""

    login: Annotated[str, Field(min_length=3, max_length=100)]
    password_hash: Annotated[str, Field(pattern=r"^\$argon2", max_length=500)]
    adult_id: uuid.UUID | None = None
    must_change: StrictBool = True
    issued_at: datetime | None = None


class FieldEdit(Wire):
    """One change of the dossier since the state the desk last sent or received (its
    baseline): the path (`notes`, `adults/<id>/email`, `children/<id>` for an item added or
    removed) and the value it had there (JSON: text, number, yes/no, a whole item, or null).
    See rules/dossier_edits.py."""

    path: Annotated[str, Field(min_length=1, max_length=120)]
    old: Any = None

    @field_validator("old", mode="after")
    @classmethod
    def _storable_item(cls, value: Any) -> Any:
        if isinstance(value, dict):
            _checked([v for v in value.values() if isinstance(v, str)], FIRST_DAY)
        return value


class FamilyUpsert(Wire):
    """The whole dossier; `base_version` is the server version the desk edited (0: new).
    `edits`, when given, says what this op changed since the desk's baseline: the server
    merges them into its current dossier whatever its version (conflicts in the answer);
    without them (a new dossier, an older desk) the whole dossier goes on `base_version`."""

    family_id: uuid.UUID
    base_version: Count
    reference: Annotated[str, Field(min_length=1, max_length=40)]
    status: FamilyStatus
    notes: LongText = ""
    quotient: Count | None = None
    adults: Annotated[list[AdultPayload], Field(max_length=30)] = []
    children: Annotated[list[ChildPayload], Field(max_length=30)] = []
    portal: PortalAccess | None = None  # an older desk's one account per family
    portals: Annotated[list[PortalAccess], Field(max_length=30)] | None = None
    edits: Annotated[list[FieldEdit], Field(max_length=2000)] | None = None


# ---------------------------------------------------------------- payloads: money


class WalletEntryPayload(Wire):
    """One line of a family's ticket wallet: a fact, always applied (never twice)."""

    entry_id: uuid.UUID
    family_id: uuid.UUID
    ticket_type: Annotated[str, Field(min_length=1, max_length=40)]
    quantity: Annotated[StrictInt, Field(ge=-1000, le=1000)]
    kind: Literal["purchase", "booking", "cancellation", "correction", "refund"]
    reason: Text = ""
    occurred_at: datetime


Cents = Annotated[StrictInt, Field(ge=-10_000_000_00, le=10_000_000_00)]
Quantity = Annotated[StrictInt, Field(ge=-MAX_COUNT, le=MAX_COUNT)]
# One printed line: activity, basis, quantity, unit price, amount, the days billed.
PrintedLine = tuple[Text, LongText, Quantity, Cents, Cents, LongText]


class PrintedChild(Wire):
    name: Text
    school: LongText = ""
    lines: Annotated[list[PrintedLine], Field(max_length=200)]


class PrintedDebit(Wire):
    """The SEPA pre-notification printed instead of the coupon: the day, the account masked
    (« FR76 •••• 1234 », never the whole IBAN), the mandate's RUM and the creditor's ICS."""

    debit_on: date
    account: Annotated[str, Field(max_length=40)]
    rum: Annotated[str, Field(max_length=35)]
    ics: Annotated[str, Field(max_length=35)] = ""


Digits = Annotated[str, Field(pattern=r"^[0-9]{1,15}$")]


class PrintedDatamatrix(Wire):
    """The titre's references of the DGFiP « paiement de proximité » code printed on the
    invoice of a titres commune (rules.dgfip_datamatrix.DatamatrixReference): the portal
    draws the same code for what is left to pay."""

    establishment: Digits
    period: Digits
    product: Digits
    year: Annotated[StrictInt, Field(ge=2000, le=2999)]
    debt_number: Digits
    accountant: Digits


class PrintedInvoice(Wire):
    """What the invoice or credit note printed at the desk shows of its own (the organisation
    is the commune's record, the amounts paid the server's), so that the portal serves the
    same document: reports.invoice renders it on both sides. Lines are tuples: a first upload
    sends thousands of invoices."""

    billing_name: Text
    address: Annotated[list[LongText], Field(max_length=12)] = []
    period: Text = ""
    note: LongText = ""
    children: Annotated[list[PrintedChild], Field(max_length=50)] = []
    # A family on direct debit (None: paid by the family, or a copy from an older desk).
    debit: PrintedDebit | None = None
    datamatrix: PrintedDatamatrix | None = None  # None: no tobacconist's code on it


class InvoiceIssue(Wire):
    invoice_id: uuid.UUID
    family_id: uuid.UUID
    number: Annotated[str, Field(min_length=1, max_length=40)]
    amount_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)]
    issued_on: date
    due_on: date
    # The family's credit the desk set against it at issue (paid by credit, not by money).
    credit_used_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)] = 0
    # The period it bills as printed on it (« novembre 2026 »): the portal's list shows it.
    period_label: Annotated[str, Field(max_length=60)] = ""
    # What the invoice prints (None: an op of a desk older than the portal's PDF).
    printed: PrintedInvoice | None = None


class ChequeDetails(Wire):
    number: Text
    bank: Text = ""
    drawer: Text = ""


class PaymentReceived(Wire):
    """Money taken at the counter: a fact, always applied; what an invoice no longer needs
    (already paid online) becomes the family's credit."""

    payment_id: uuid.UUID
    family_id: uuid.UUID
    method: Literal["cash", "cheque", "card", "debit"]  # debit: a SEPA debit batch
    amount_cents: PositiveCents
    invoice_id: uuid.UUID | None = None  # None: tickets (the wallet entries come as ops)
    received_at: datetime
    receipt_number: Text = ""
    cheque: ChequeDetails | None = None


# ---------------------------------------------------------------- payloads: money (cancellations)


class InvoiceCancel(Wire):
    """A credit note cancels the whole invoice; what was paid on it becomes credit."""

    invoice_id: uuid.UUID
    credit_note_number: Annotated[str, Field(min_length=1, max_length=40)]
    reason: Text
    cancelled_at: datetime
    printed: PrintedInvoice | None = None  # the credit note's own lines and note


class PaymentCancel(Wire):
    """A receipt cancelled at the counter the day it was taken (the money given back)."""

    payment_id: uuid.UUID
    reason: Text
    cancelled_at: datetime


# ---------------------------------------------------------------- payloads: merging two dossiers


class MergedPair(Wire):
    """A child (or an adult) of the absorbed dossier that is one of the kept dossier's."""

    absorbed_id: uuid.UUID
    kept_id: uuid.UUID


class FamilyMerge(Wire):
    """Two dossiers of one family made one at a desk: the server moves the absorbed dossier's
    rows (children, bookings, subscriptions, wallet, invoices, payments, portal access) to the
    kept one, the pairs' rows to the kept child, and tells the other desks (`family_merge`).
    The two dossiers' own upserts follow it."""

    kept_id: uuid.UUID
    absorbed_id: uuid.UUID
    kept_reference: Text
    absorbed_reference: Text
    children: Annotated[list[MergedPair], Field(max_length=50)] = []
    adults: Annotated[list[MergedPair], Field(max_length=50)] = []
