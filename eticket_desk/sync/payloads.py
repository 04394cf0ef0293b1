"""The payload of each op type, validated on both sides (money in integer cents, naive
Europe/Paris times); `PAYLOADS` maps an op type to its schema.

Every message refuses what PostgreSQL cannot store or the rules cannot compute with, so that
such an op is refused alone (INVALID_OP) instead of failing its whole push: control
characters in text (a NUL byte above all; tab and line breaks are allowed), dates outside
2000–2100 (birth dates from 1900), times with a time zone (they are naive Europe/Paris) and
integers without a sane bound.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_validator,
    model_validator,
)

from eticket_desk.rules.activity import LEVELS, BillingMode
from eticket_desk.rules.calendar import ClosureKind
from eticket_desk.rules.deadlines import DeadlineKind
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.form_days import MAX_SPAN_DAYS, DaySet
from eticket_desk.rules.templates import FareOption, Parity, WeekTemplate
from eticket_desk.sync.wire import OpType

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
    """The parents' portal login; the desk hands over the argon2 hash, never the password."""

    login: Annotated[str, Field(min_length=3, max_length=100)]
    password_hash: Annotated[str, Field(pattern=r"^\$argon2", max_length=500)]


class FamilyUpsert(Wire):
    """The whole dossier; `base_version` is the server version the desk edited (0: new)."""

    family_id: uuid.UUID
    base_version: Count
    reference: Annotated[str, Field(min_length=1, max_length=40)]
    status: FamilyStatus
    notes: LongText = ""
    quotient: Count | None = None
    adults: Annotated[list[AdultPayload], Field(max_length=30)] = []
    children: Annotated[list[ChildPayload], Field(max_length=30)] = []
    portal: PortalAccess | None = None


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


class InvoiceIssue(Wire):
    invoice_id: uuid.UUID
    family_id: uuid.UUID
    number: Annotated[str, Field(min_length=1, max_length=40)]
    amount_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)]
    issued_on: date
    due_on: date
    # The family's credit the desk set against it at issue (paid by credit, not by money).
    credit_used_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)] = 0


class ChequeDetails(Wire):
    number: Text
    bank: Text = ""
    drawer: Text = ""


class PaymentReceived(Wire):
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


class DeadlinePayload(Wire):
    kind: DeadlineKind
    at: time = time(10, 0)
    weekday: Annotated[StrictInt, Field(ge=0, le=6)] = 1


class ActivityUpsert(Wire):
    activity_id: uuid.UUID
    code: Text
    name: Text
    weekdays: Annotated[list[Annotated[StrictInt, Field(ge=0, le=6)]], Field(max_length=7)]
    deadline: DeadlinePayload
    billing_mode: BillingMode
    capacity: Annotated[StrictInt, Field(ge=1, le=MAX_COUNT)] | None = None
    school_capacities: dict[uuid.UUID, Annotated[StrictInt, Field(ge=1, le=MAX_COUNT)] | None] = {}
    levels: list[Literal[LEVELS]] = []  # type: ignore[valid-type]
    ticket_type: Text = ""
    active: StrictBool = True


class ClosurePayload(Wire):
    start: date
    end: date
    kind: ClosureKind
    label: Text
    activity_codes: list[Text] = []


class PeriodPayload(Wire):
    name: Annotated[str, Field(max_length=50)]
    start: date
    end: date


class CalendarUpsert(Wire):
    """One school year, its closures and periods included (the whole year is replaced)."""

    year_id: uuid.UUID
    label: Text
    start: date
    end: date
    closures: Annotated[list[ClosurePayload], Field(max_length=400)] = []
    zone: Annotated[str, Field(max_length=1)] = ""  # A, B or C (the other desks need it)
    period_mode: Annotated[str, Field(max_length=20)] = ""
    periods: Annotated[list[PeriodPayload], Field(max_length=20)] = []


class TicketTypeUpsert(Wire):
    ticket_type_id: uuid.UUID
    code: Annotated[str, Field(min_length=1, max_length=30)]
    name: Text
    position: Count = 0
    active: StrictBool = True


class BracketPayload(Wire):
    qf_max: Count | None = None  # None: the last bracket
    price_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)]
    outside_price_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)]


class TariffUpsert(Wire):
    """The prices from a date on of a ticket type (by its code) or of an invoiced activity
    (and fare option): the desks sell and invoice at the same prices."""

    tariff_id: uuid.UUID
    ticket_type: Annotated[str, Field(max_length=30)] = ""  # the ticket type's code
    activity_id: uuid.UUID | None = None
    fare_option: FareOption = FareOption.NONE
    valid_from: date
    brackets: Annotated[list[BracketPayload], Field(min_length=1, max_length=20)]


class ClassPayload(Wire):
    id: uuid.UUID
    name: Annotated[str, Field(min_length=1, max_length=50)]
    level: Literal[LEVELS]  # type: ignore[valid-type]
    position: Count = 0


class SchoolUpsert(Wire):
    school_id: uuid.UUID
    name: Annotated[str, Field(min_length=1, max_length=200)]
    address: Annotated[str, Field(max_length=300)] = ""
    classes: Annotated[list[ClassPayload], Field(max_length=60)] = []


class OrganisationUpsert(Wire):
    """What receipts, invoices and their coupons print (the logo stays on each desk)."""

    organisation_id: uuid.UUID
    name: Annotated[str, Field(min_length=1, max_length=200)]
    address1: Text = ""
    address2: Text = ""
    postcode: Annotated[str, Field(max_length=10)] = ""
    city: Text = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    email: Text = ""
    regie_name: Text = ""
    payable_to: Text = ""
    treasury_name: Text = ""
    treasury_address1: Text = ""
    treasury_address2: Text = ""
    treasury_postcode: Annotated[str, Field(max_length=10)] = ""
    treasury_city: Text = ""
    payfip_id: Annotated[str, Field(max_length=20)] = ""
    invoice_mentions: LongText = ""
    cash_ceiling_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)] = 0
    school_zone: Annotated[str, Field(max_length=1)] = "A"
    portal_url: Annotated[str, Field(max_length=300)] = ""


class BookingPayload(Wire):
    """Book or cancel one child × activity × day; the server's rules and clock decide."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    override_reason: Text = ""
    waiting_list: StrictBool = False  # when full, put the child on the waiting list


class PresenceMark(Wire):
    """A fact: the child was present or absent that day (or the mark was taken back)."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    state: Literal["booked", "present", "absent_justified", "absent_unjustified"]


Days = Annotated[list[date], Field(max_length=400)]


class SubscriptionTerms(Wire):
    """The paper form itself (the régie's desk prices the fares from it)."""

    start: date
    end: date
    weekdays: Annotated[str, Field(max_length=7)] = ""
    parity: Parity = Parity.ALL
    regular: StrictBool = True
    fare_option: FareOption = FareOption.NONE
    period_label: Annotated[str, Field(max_length=50)] = ""


class TermDays(Wire):
    """Days as a form states them (rules.form_days.DaySet): every `weekdays` day from `start`
    to `end` (every, even or odd ISO weeks), plus `added`, minus `removed`."""

    start: date
    end: date
    weekdays: Annotated[str, Field(min_length=1, max_length=7, pattern=r"^[0-6]+$")]
    parity: Parity = Parity.ALL
    added: Days = []
    removed: Days = []

    @model_validator(mode="after")
    def _a_period(self) -> TermDays:
        if self.end < self.start or (self.end - self.start).days > MAX_SPAN_DAYS:
            raise ValueError("période d'inscription invalide (au plus deux années scolaires)")
        return self

    def day_set(self) -> DaySet:
        return DaySet(
            WeekTemplate.parse(self.weekdays, self.parity),
            self.start,
            self.end,
            tuple(self.added),
            tuple(self.removed),
        )

    @classmethod
    def of(cls, days: DaySet) -> TermDays:
        return cls(
            start=days.start,
            end=days.end,
            weekdays=days.template.text,
            parity=days.template.parity,
            added=list(days.added),
            removed=list(days.removed),
        )


class BookingsApply(Wire):
    """Many days of one child at one activity in one op: a paper form (its subscription
    named) or the bookings a desk held before it first synced. The server judges each day with
    the rules and its clock; the op is applied and its answer names the days refused
    (`refused`: day, code, message) and the days put on the waiting list because full.
    The days to book come listed (`book`) and/or as the form's terms plus exceptions
    (`book_terms`, protocol extension of issue 17: an op without it reads as before)."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    book: Days = []
    book_terms: TermDays | None = None
    wait: Days = []  # already on the waiting list at the desk
    cancel: Days = []
    subscription_id: uuid.UUID | None = None
    subscription: SubscriptionTerms | None = None
    label: Text = ""
    # The bookings a desk held before its first sync: recorded as they are (the desk's rules
    # judged them when they were made), capacity counted but never refused.
    initial: StrictBool = (
        False  # "Inscription Cantine du 01/09/2026 au 03/07/2027 (lun mar jeu ven)"
    )

    def book_days(self) -> list[date]:
        """The days to book: those listed and the terms' (their exceptions applied)."""
        if self.book_terms is None:
            return list(self.book)
        return [*self.book, *self.book_terms.day_set().days()]


class InvoiceCancel(Wire):
    """A credit note cancels the whole invoice; what was paid on it becomes credit."""

    invoice_id: uuid.UUID
    credit_note_number: Annotated[str, Field(min_length=1, max_length=40)]
    reason: Text
    cancelled_at: datetime


class PaymentCancel(Wire):
    """A receipt cancelled at the counter the day it was taken (the money given back)."""

    payment_id: uuid.UUID
    reason: Text
    cancelled_at: datetime


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
}
