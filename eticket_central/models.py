"""The central server's PostgreSQL tables (SQLAlchemy 2), every row tagged with its tenant.

Ids are the desk's own UUIDs (they survive sync); `tenant_id` is on every row so that a
device only ever reads or writes its commune's data. Dossiers are kept as JSON snapshots
with a version (last writer wins when it edited the current version); money is integer cents.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSONB, datetime: DateTime(), uuid.UUID: Uuid}


def _tenant() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("tenants.id"), index=True)


# ---------------------------------------------------------------- tenants and devices


class Tenant(Base):
    """A commune (or syndicat): everything else belongs to one."""

    __tablename__ = "tenants"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # In the portal's addresses: /portail/<slug>/connexion (tenants.slug_for).
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime]
    # Changes up to this sequence number were pruned: an older cursor needs a full reload.
    change_horizon: Mapped[int] = mapped_column(BigInteger, default=0)


class Device(Base):
    """A desk allowed to sync; its token is only kept as a SHA-256 hash."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    label: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # 1, 2, 3… in its commune: the block its new dossiers are numbered in.
    number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Its clock (clock_trust.py): the offset measured at its last push (server time − the
    # desk's, seconds) and when; and its last contact, the end of its last sync (its pull).
    clock_offset_s: Mapped[int | None] = mapped_column(Integer)
    clock_measured_at: Mapped[datetime | None]
    last_contact_at: Mapped[datetime | None]


# ---------------------------------------------------------------- sync bookkeeping


class SyncCounter(Base):
    """The one-row counter that numbers the change log (see changes.next_sequence)."""

    __tablename__ = "sync_counter"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ChangeLog(Base):
    """What pull returns: the entity's whole state after each change, in commit order."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_tenant_seq", "tenant_id", "seq"),
        Index("ix_change_log_tenant_recorded", "tenant_id", "recorded_at"),
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]]
    device_id: Mapped[uuid.UUID | None]
    recorded_at: Mapped[datetime]


class AppliedOp(Base):
    """The idempotency table: one row per op ever answered, with its answer."""

    __tablename__ = "applied_ops"
    # The last seq of a device (GET /sync/device, at every sync: device_state.py).
    __table_args__ = (Index("ix_applied_ops_device_seq", "tenant_id", "device_id", "seq"),)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    op_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    device_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(BigInteger)
    op_type: Mapped[str] = mapped_column(String(40))
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any] | None]
    code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime]


# ---------------------------------------------------------------- families and the portal


class Family(Base):
    """A dossier as the desk last pushed it (JSON snapshot) with the server's version."""

    __tablename__ = "families"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    reference: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    # Who last typed each field merged in (path -> {by, at, where}): named in a conflict.
    provenance: Mapped[dict[str, Any]] = mapped_column(
        default=dict, server_default=text("'{}'::jsonb")
    )


class Child(Base):
    """The children of the snapshots, indexed for the booking rules."""

    __tablename__ = "children"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    school_id: Mapped[uuid.UUID | None]
    level: Mapped[str | None] = mapped_column(String(10))


class PortalAccount(Base):
    """A legal guardian's portal login (one each; an older desk's family account has no
    adult). The desk's letter sets the password (`issued_at`, must change it); a password the
    parent chose (`password_changed_at`) is kept until a newer letter."""

    __tablename__ = "portal_accounts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "login"),
        UniqueConstraint("family_id", "adult_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"), index=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    adult_id: Mapped[uuid.UUID | None]
    login: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(500))
    must_change_password: Mapped[bool] = mapped_column(default=True, server_default="false")
    issued_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]


class PortalSessionRow(Base):
    """A parent's session on the portal (in the database: any instance may answer)."""

    __tablename__ = "portal_sessions"
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"))
    adult_id: Mapped[uuid.UUID | None]  # the guardian whose login opened it
    expires_at: Mapped[datetime]


class PasswordReset(Base):
    """A « mot de passe oublié » link: valid one hour, used once; only its SHA-256 hash is
    kept."""

    __tablename__ = "password_resets"
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("portal_accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """A portal login attempt, written before its password is checked, marked failed when it
    was wrong and deleted when it was right; counted per login (pending ones too) and per
    client address (failures only) over a window (portal/throttle.py). No foreign key: any
    commune id may be tried."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_login", "tenant_id", "login", "attempted_at"),
        Index("ix_login_attempts_address", "address", "attempted_at"),
        Index("ix_login_attempts_attempted_at", "attempted_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[uuid.UUID]
    login: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime]
    failed: Mapped[bool] = mapped_column(Boolean, default=False)


# ---------------------------------------------------------------- money


class WalletEntry(Base):
    """Append-only ticket ledger of a family (balance = sum of quantities)."""

    __tablename__ = "wallet_entries"
    __table_args__ = (Index("ix_wallet_entries_family", "tenant_id", "family_id", "ticket_type"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    family_id: Mapped[uuid.UUID]  # no foreign key: a fact may arrive before its dossier
    ticket_type: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200), default="")
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    device_id: Mapped[uuid.UUID | None]


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        CheckConstraint("paid_cents >= 0 AND paid_cents <= amount_cents", name="paid_range"),
        UniqueConstraint("tenant_id", "number"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    number: Mapped[str] = mapped_column(String(40))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime]
    # Cancelled by a credit note: what was paid on it became the family's credit.
    cancelled_at: Mapped[datetime | None]
    credit_note_number: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # What the desk printed as the invoice's period (« novembre 2026 »), shown on the portal.
    period_label: Mapped[str] = mapped_column(String(60), default="", server_default="")


class InvoicePrint(Base):
    """What an invoice ("invoice") or the credit note cancelling it ("credit_note") printed at
    the desk (the op's `printed`), so that the portal renders the same PDF
    (portal/invoice_document.py); absent for an op of a desk older than that."""

    __tablename__ = "invoice_prints"
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    data: Mapped[dict[str, Any]]


class Payment(Base):
    """Money received (counter or online): what went to the invoice, to a ticket sale, and
    what became the family's credit (sum of to_credit_cents)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(
            "amount_cents = to_invoice_cents + to_sale_cents + to_credit_cents", name="split"
        ),
        Index("ix_payments_family", "tenant_id", "family_id"),
        Index("ix_payments_device", "tenant_id", "device_id"),  # a desk's last receipts
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    family_id: Mapped[uuid.UUID]
    invoice_id: Mapped[uuid.UUID | None]
    method: Mapped[str] = mapped_column(String(20))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    to_invoice_cents: Mapped[int] = mapped_column(BigInteger)
    to_sale_cents: Mapped[int] = mapped_column(BigInteger)
    to_credit_cents: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime]
    recorded_at: Mapped[datetime]
    device_id: Mapped[uuid.UUID | None]
    details: Mapped[dict[str, Any]]


# ---------------------------------------------------------------- planning and bookings


class Activity(Base):
    """An activity as the desk defines it (the rules' ActivitySpec, as JSON)."""

    __tablename__ = "activities"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    code: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class SchoolYear(Base):
    """A school year of the calendar with its closures (the rules' SchoolCalendar)."""

    __tablename__ = "school_years"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    label: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    closures: Mapped[dict[str, Any]]  # {"items": [...]}
    updated_at: Mapped[datetime]


class ActivityDay(Base):
    """Seats taken of an activity on a day; its row is locked while a booking is decided."""

    __tablename__ = "activity_days"
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    booked: Mapped[int] = mapped_column(Integer, default=0)
    waiting: Mapped[int] = mapped_column(Integer, default=0)


class Booking(Base):
    """A child's day at an activity. Found by activity and day (the key's prefix), never by
    tenant or school alone: a town's first upload writes a million of them, and the tenant's
    key and those indexes were most of what a row cost (migration 0004). Its commune is its
    activity's."""

    __tablename__ = "bookings"
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), primary_key=True)
    tenant_id: Mapped[uuid.UUID]
    family_id: Mapped[uuid.UUID]
    school_id: Mapped[uuid.UUID | None]
    state: Mapped[str] = mapped_column(String(30))
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20))
    updated_at: Mapped[datetime]
    device_id: Mapped[uuid.UUID | None]


class Subscription(Base):
    """A paper form's terms as a desk took them (its days are bookings rows, and travel to
    the other desks with the terms in the form op's `booking_days` change): the régie's desk
    prices the fares of the period from them."""

    __tablename__ = "subscriptions"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    child_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("children.id"), index=True)
    activity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("activities.id"))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class CommuneRecord(Base):
    """What a desk sets for the whole commune — ticket types, tariffs, schools and classes, the
    organisation — as that desk sent it (the other desks take it from here)."""

    __tablename__ = "commune_records"
    __table_args__ = (Index("ix_commune_records_entity", "tenant_id", "entity"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    entity: Mapped[str] = mapped_column(String(20))  # ticket_type, tariff, school, organisation
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


# ---------------------------------------------------------------- documents and messages


class Document(Base):
    """A document a parent sent to the mairie (a medical certificate, a family-quotient
    certificate): its bytes kept here (bytea, with their SHA-256), its state set at a desk
    (sent, accepted, refused with a reason)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint("state IN ('sent', 'accepted', 'refused')", name="state"),
        Index("ix_documents_family", "tenant_id", "family_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("families.id"))
    child_id: Mapped[uuid.UUID | None]
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read on download
    comment: Mapped[str] = mapped_column(Text, default="")
    sent_by: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="sent")
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None]


class MairieMessage(Base):
    """A message of the mairie written at a desk, for every family of the commune
    (`family_id` None) or one, shown on the portal's accueil until its last day."""

    __tablename__ = "mairie_messages"
    __table_args__ = (Index("ix_mairie_messages_tenant", "tenant_id", "valid_until"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    family_id: Mapped[uuid.UUID | None]
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    valid_until: Mapped[date] = mapped_column(Date)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    written_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]
