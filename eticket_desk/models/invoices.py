"""Invoices of post-paid services: the runs that issue them, their frozen lines, credit notes,
what was paid against each (allocations) and the families' credit from overpayments.

An issued invoice is never changed: its lines, its address and its total are copies taken at
issue; a correction is a credit note (kind "credit_note") that points at the invoice."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class InvoiceRun(UuidPk, Base):
    """One invoicing of a period (a month for per-day activities, a period for fares)."""

    __tablename__ = "invoice_run"

    kind: Mapped[str] = mapped_column(String(10))  # month, fare
    period_start: Mapped[date]
    period_end: Mapped[date]
    period_label: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))
    invoices: Mapped[int]
    total_cents: Mapped[int]
    # The run's number in its year (1, 2, …): the bordereau number of its PES export.
    number_in_year: Mapped[int | None]


class Invoice(UuidPk, Base):
    __tablename__ = "invoice"
    __table_args__ = (
        Index("ix_invoice_family", "family_id"),
        Index("ix_invoice_run", "run_id"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)  # F-2026-000123, A-2026-000004
    kind: Mapped[str] = mapped_column(String(12), default="invoice")  # invoice, credit_note
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("invoice_run.id"))
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("invoice.id"))
    period_kind: Mapped[str] = mapped_column(String(10))  # month, fare
    period_start: Mapped[date]
    period_end: Mapped[date]
    period_label: Mapped[str] = mapped_column(String(60))
    issued_at: Mapped[datetime]
    due_date: Mapped[date]
    total_cents: Mapped[int]
    billing_name: Mapped[str] = mapped_column(String(200))
    billing_address: Mapped[str] = mapped_column(Text)  # lines joined by "\n"
    reason: Mapped[str] = mapped_column(Text, default="")  # why a credit note was made
    by: Mapped[str] = mapped_column(String(50))
    # Paid by SEPA direct debit: the mandate used and the day announced on the invoice.
    mandate_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sepa_mandate.id"))
    debit_date: Mapped[date | None]


class InvoiceLine(UuidPk, Base):
    __tablename__ = "invoice_line"
    __table_args__ = (Index("ix_invoice_line_invoice", "invoice_id"),)

    invoice_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("invoice.id"))
    position: Mapped[int]
    child_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("child.id"))
    child_name: Mapped[str] = mapped_column(String(200))
    child_school: Mapped[str] = mapped_column(String(300), default="")  # as it was at issue
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("activity.id"))
    label: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(300))  # « 12 jours × 3,85 € (tranche 2) »
    # The days billed, as printed under the line: « 3, 4, 6 et 10 novembre, dont le 6 novembre
    # annulé hors délai » (empty for a fare and for the lines issued before it was kept).
    days: Mapped[str] = mapped_column(Text, default="", server_default="")
    quantity: Mapped[int]
    unit_cents: Mapped[int]
    amount_cents: Mapped[int]


class PaymentAllocation(UuidPk, Base):
    """Money applied to an invoice: from a payment, or from the family's credit."""

    __tablename__ = "payment_allocation"
    __table_args__ = (
        Index("ix_allocation_invoice", "invoice_id"),
        Index("ix_allocation_payment", "payment_id"),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("invoice.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("payment.id"))
    credit_entry_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("credit_entry.id"))
    amount_cents: Mapped[int]
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))


class CreditEntry(UuidPk, Base):
    """A family's credit (avoir sur compte): + an overpayment, − credit applied to an invoice.
    The credit is the sum of the entries, never below zero."""

    __tablename__ = "credit_entry"
    __table_args__ = (Index("ix_credit_entry_family", "family_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    at: Mapped[datetime]
    amount_cents: Mapped[int]
    payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("payment.id"))
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("invoice.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(50))


class SepaMandate(UuidPk, Base):
    """A family's SEPA direct-debit mandate (mandat de prélèvement): who pays, from which account.

    The RUM (référence unique du mandat) never changes; an amendment of the account or the
    debtor keeps the RUM and is announced in the next debit (amendment_pending). A mandate is
    revoked by the family, or lapses when unused for 36 months (rules.sepa)."""

    __tablename__ = "sepa_mandate"
    __table_args__ = (Index("ix_sepa_mandate_family", "family_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    rum: Mapped[str] = mapped_column(String(35), unique=True)
    signed_on: Mapped[date]
    recurrent: Mapped[bool] = mapped_column(default=True)  # False: one-off (OOFF)
    debtor_name: Mapped[str] = mapped_column(String(140))
    # The debtor's structured address (mandatory in SEPA files from November 2026).
    street: Mapped[str] = mapped_column(String(70), default="")
    building_number: Mapped[str] = mapped_column(String(16), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    town: Mapped[str] = mapped_column(String(35), default="")
    country: Mapped[str] = mapped_column(String(2), default="FR")
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str] = mapped_column(String(11), default="")
    first_debit_on: Mapped[date | None]  # None: the next debit is a first one (FRST)
    last_debit_on: Mapped[date | None]
    amendment_pending: Mapped[bool] = mapped_column(default=False)
    original_iban: Mapped[str] = mapped_column(String(34), default="")  # before an amendment
    original_debtor_name: Mapped[str] = mapped_column(String(140), default="")
    revoked_on: Mapped[date | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))


class PesExport(UuidPk, Base):
    """One export of an invoice run as a PES V2 « PES_Aller » file: when, by whom, what it held
    (a run may be exported again: the screen says when and by whom it already was)."""

    __tablename__ = "pes_export"
    __table_args__ = (Index("ix_pes_export_run", "run_id"),)

    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("invoice_run.id"))
    exported_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(255))
    pieces: Mapped[int]
    total_cents: Mapped[int]
