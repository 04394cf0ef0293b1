"""Our record of each PayFiP attempt: what we asked PayFiP (numcli, exer, refdet, amount,
e-mail, object), for which invoice or which tickets, and what PayFiP finally said.

The row is written when PayFiP gives the operation its id (idOp) and changes only on
PayFiP's notification; the parent's return page reads it and nothing else."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from eticket_central.models import Base

PENDING, PAID, REFUSED, ABANDONED = "pending", "paid", "refused", "abandoned"


class PayfipTransaction(Base):
    __tablename__ = "payfip_transactions"
    __table_args__ = (Index("ix_payfip_transactions_family", "tenant_id", "family_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # ours: the return page's address
    idop: Mapped[str] = mapped_column(String(64), unique=True)  # PayFiP's operation id
    tenant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tenants.id"))
    family_id: Mapped[uuid.UUID]
    adult_id: Mapped[uuid.UUID | None]
    invoice_id: Mapped[uuid.UUID | None]  # an invoice's payment …
    ticket_type: Mapped[str | None] = mapped_column(String(40))  # … or tickets bought
    quantity: Mapped[int | None] = mapped_column(Integer)
    unit_cents: Mapped[int | None] = mapped_column(BigInteger)
    numcli: Mapped[str] = mapped_column(String(6))
    exer: Mapped[str] = mapped_column(String(4))
    refdet: Mapped[str] = mapped_column(String(30))
    saisie: Mapped[str] = mapped_column(String(1))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    email: Mapped[str] = mapped_column(String(80))
    objet: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default=PENDING)
    created_at: Mapped[datetime]
    # What PayFiP's detail said when it notified (resultrans P/V paid, R/Z refused, A
    # abandoned), its authorisation number, and the payment it made.
    resultrans: Mapped[str] = mapped_column(String(1), default="")
    numauto: Mapped[str] = mapped_column(String(40), default="")
    notified_at: Mapped[datetime | None]
    payment_id: Mapped[uuid.UUID | None]
