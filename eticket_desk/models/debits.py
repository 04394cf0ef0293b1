"""SEPA direct-debit batches (lots de prélèvement): the pain.008 file sent to the bank, and one
item per invoice it debits, with the payment it made and, when the bank returns it, the reject.

An invoice is in one batch at most (a unique index): exporting twice never debits twice."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class DebitBatch(UuidPk, Base):
    """One pain.008 file: its message id, its collection date, its count and total."""

    __tablename__ = "debit_batch"

    run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("invoice_run.id"))
    created_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))
    pain_version: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    collection_date: Mapped[date]  # the earliest requested collection date of the file
    count: Mapped[int]
    total_cents: Mapped[int]
    file_name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="exporte")  # exporte

    @property
    def audit_label(self) -> str:
        return self.message_id


class DebitItem(UuidPk, Base):
    """One invoice debited in a batch: « envoyé », or « rejeté » with the bank's reason."""

    __tablename__ = "debit_item"
    __table_args__ = (
        Index("ix_debit_item_batch", "batch_id"),
        Index("ux_debit_item_invoice", "invoice_id", unique=True),
        Index("ix_debit_item_mandate", "mandate_id"),
    )

    batch_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("debit_batch.id"))
    invoice_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("invoice.id"))
    mandate_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sepa_mandate.id"))
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    amount_cents: Mapped[int]
    sequence_type: Mapped[str] = mapped_column(String(4))  # FRST, RCUR, OOFF
    collection_date: Mapped[date]
    end_to_end_id: Mapped[str] = mapped_column(String(35))
    state: Mapped[str] = mapped_column(String(10), default="envoye")  # envoye, rejete
    reject_code: Mapped[str] = mapped_column(String(4), default="")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    rejected_at: Mapped[datetime | None]
    payment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("payment.id"))
    reversal_payment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("payment.id"))

    @property
    def audit_label(self) -> str:
        return self.end_to_end_id
