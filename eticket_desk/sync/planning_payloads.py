"""The payloads of what a desk sets for the whole commune: activities, the school year and its
closures, ticket types and tariffs, schools and their classes, the organisation."""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt

from eticket_desk.rules.activity import LEVELS, BillingMode
from eticket_desk.rules.calendar import ClosureKind
from eticket_desk.rules.deadlines import DeadlineKind
from eticket_desk.rules.templates import FareOption
from eticket_desk.sync.payloads import MAX_COUNT, Count, LongText, Text, Wire


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
    payfip_mode: Literal["test", "activation", "production"] = "test"
    invoice_mentions: LongText = ""
    cash_ceiling_cents: Annotated[StrictInt, Field(ge=0, le=10_000_000_00)] = 0
    school_zone: Annotated[str, Field(max_length=1)] = "A"
    portal_url: Annotated[str, Field(max_length=300)] = ""
    collection_mode: Literal["regie", "titres"] = "regie"
    siret: Annotated[str, Field(max_length=14)] = ""
    pes_id_post: Annotated[str, Field(max_length=7)] = ""
    pes_cod_col: Annotated[str, Field(max_length=3)] = ""
    pes_cod_bud: Annotated[str, Field(max_length=2)] = ""
    sepa_ics: Annotated[str, Field(max_length=35)] = ""
    sepa_iban: Annotated[str, Field(max_length=34)] = ""
    sepa_bic: Annotated[str, Field(max_length=11)] = ""
    sepa_pain_version: Literal["pain.008.001.02", "pain.008.001.08"] = "pain.008.001.02"
    sepa_debit_delay_days: Annotated[StrictInt, Field(ge=0, le=90)] = 14
