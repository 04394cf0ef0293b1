"""The wire's vocabulary shared by the desk and the server: op types, answers and refusal
codes. Plain enums (no pydantic): the desk's outbox uses them at every write, and the
program starts without loading the message schemas."""

from __future__ import annotations

from enum import StrEnum

from eticket_desk.rules.booking import RefusalCode

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
    BOOKINGS_APPLY = "bookings.apply"  # a paper form's days (or a desk's first upload)
    INVOICE_CANCEL = "invoice.cancel"  # a credit note cancels an invoice
    PAYMENT_CANCEL = "payment.cancel"  # a receipt cancelled at the counter
    BOOKING_MARK = "booking.mark"  # presence marked (present, absent…) or unmarked
    TICKET_TYPE_UPSERT = "ticket_type.upsert"
    TARIFF_UPSERT = "tariff.upsert"  # a dated tariff (its brackets replaced when re-saved)
    SCHOOL_UPSERT = "school.upsert"  # a school and its classes
    ORGANISATION_UPSERT = "organisation.upsert"  # the commune, its régie and trésorerie
    FAMILY_MERGE = "family.merge"  # two dossiers of one family made one
    DOCUMENT_REVIEW = "document.review"  # a parent's document accepted or refused at a desk
    MESSAGE_UPSERT = "message.upsert"  # a message of the mairie for the portal (or withdrawn)


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
    # An earlier op of the same push on the same dossier was refused: this one waits on it.
    DEPENDENCY_REJECTED = "DEPENDENCY_REJECTED"
    # The op itself cannot be read or stored (malformed, a control character, a date or a
    # number out of bounds): set aside alone, the desk's other ops go on.
    INVALID_OP = "INVALID_OP"
