"""SQLAlchemy 2.0 tables of the local store (imported here so the metadata is complete)."""

from eticket_desk.models.activities import Activity, ActivitySchool
from eticket_desk.models.base import Base
from eticket_desk.models.bookings import Booking, Occupancy
from eticket_desk.models.calendar import ClosedSpan, Period, SchoolYear
from eticket_desk.models.counter import (
    DepositSlip,
    Payment,
    Sale,
    SaleLine,
    TillHandover,
    TillSession,
    WalletEntry,
)
from eticket_desk.models.debits import DebitBatch, DebitItem
from eticket_desk.models.documents import MairieMessage, ParentDocument
from eticket_desk.models.dossier_sync import DossierConflict, FamilyBaseline
from eticket_desk.models.duplicates import DuplicatePair
from eticket_desk.models.families import Adult, Child, Family, PortalAccount
from eticket_desk.models.invoices import (
    CreditEntry,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    PaymentAllocation,
    PesExport,
    SepaMandate,
)
from eticket_desk.models.mail import OutgoingMail
from eticket_desk.models.organisation import NumberSeries, Organisation, Setting
from eticket_desk.models.schools import School, SchoolClass
from eticket_desk.models.subscriptions import Subscription
from eticket_desk.models.sync import OutboxOp, ServerVersion, SyncNotice
from eticket_desk.models.tariffs import Tariff, TariffBracket, TicketType
from eticket_desk.models.users import AuditEntry, User

__all__ = [
    "OutgoingMail",
    "DebitBatch",
    "DebitItem",
    "DossierConflict",
    "FamilyBaseline",
    "CreditEntry",
    "Invoice",
    "InvoiceLine",
    "InvoiceRun",
    "MairieMessage",
    "ParentDocument",
    "PaymentAllocation",
    "PesExport",
    "DepositSlip",
    "Payment",
    "Sale",
    "SaleLine",
    "Tariff",
    "TariffBracket",
    "TicketType",
    "TillHandover",
    "TillSession",
    "WalletEntry",
    "Activity",
    "ActivitySchool",
    "Booking",
    "ClosedSpan",
    "Occupancy",
    "Period",
    "SchoolYear",
    "Adult",
    "AuditEntry",
    "Base",
    "DuplicatePair",
    "Child",
    "Family",
    "NumberSeries",
    "Organisation",
    "PortalAccount",
    "School",
    "SchoolClass",
    "SepaMandate",
    "Setting",
    "Subscription",
    "OutboxOp",
    "ServerVersion",
    "SyncNotice",
    "User",
]
