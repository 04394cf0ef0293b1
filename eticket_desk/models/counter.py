"""The counter's money: the wallet ledger, sales with their receipts, payments, the till
sessions and the cheque deposit slips. Nothing here is ever updated in place but the closing
of a till session and a cheque's slip: corrections are new, reversing rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class WalletEntry(UuidPk, Base):
    """One movement of a family's tickets of one type: the balance is the sum of them."""

    __tablename__ = "wallet_entry"
    __table_args__ = (Index("ix_wallet_entry_family_type", "family_id", "ticket_type_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    ticket_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("ticket_type.id"))
    at: Mapped[datetime]
    quantity: Mapped[int]  # + purchase, timely cancellation; − booking; ± correction
    kind: Mapped[str] = mapped_column(String(20))  # purchase, booking, cancellation, correction
    sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sale.id"))
    # The booking it pays for (child, activity, day), when kind is booking or cancellation.
    child_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("child.id"))
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("activity.id"))
    day: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(50))


class TillSession(UuidPk, Base):
    """A session of the régie's till, from its float to the counting of the cash. It belongs
    to the agent holding it (who opened it, or took it over): only they take money into it."""

    __tablename__ = "till_session"

    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(50))
    held_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    float_cents: Mapped[int]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str] = mapped_column(String(50), default="")
    expected_cash_cents: Mapped[int | None]
    counted_cash_cents: Mapped[int | None]
    difference_note: Mapped[str] = mapped_column(Text, default="")


class TillHandover(UuidPk, Base):
    """An open till handed from one agent to another (taken over, or to close it in their
    place): the till journal lists each one."""

    __tablename__ = "till_handover"
    __table_args__ = (Index("ix_till_handover_till", "till_id"),)

    till_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("till_session.id"))
    at: Mapped[datetime]
    given_by: Mapped[str] = mapped_column(String(50))  # the holder until then
    taken_by: Mapped[str] = mapped_column(String(50))  # the holder from then on
    # "take_over": taken to go on selling; "close": taken to close it in the holder's place
    reason: Mapped[str] = mapped_column(String(20), default="take_over")


class Sale(UuidPk, Base):
    """A receipt (quittance) of the régie's journal: tickets sold face to face (kind
    "tickets", with sale lines), or invoices paid at the counter (kind "invoices", with
    payment allocations)."""

    __tablename__ = "sale"
    __table_args__ = (Index("ix_sale_family", "family_id"), Index("ix_sale_till", "till_id"))

    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    till_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("till_session.id"))
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))
    total_cents: Mapped[int]
    pricing_note: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(10), default="tickets", server_default="tickets")
    # A receipt cancelled the day it was made: its payments and wallet credit are reversed by
    # new rows; the receipt keeps its number and is printed « annulée » in the journal.
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")


class SaleLine(UuidPk, Base):
    __tablename__ = "sale_line"
    __table_args__ = (Index("ix_sale_line_sale", "sale_id"),)

    sale_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sale.id"))
    ticket_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("ticket_type.id"))
    quantity: Mapped[int]
    unit_cents: Mapped[int]
    amount_cents: Mapped[int]


class DepositSlip(UuidPk, Base):
    """Bordereau de remise de chèques: each cheque is on exactly one slip."""

    __tablename__ = "deposit_slip"

    number: Mapped[str] = mapped_column(String(20), unique=True)
    made_at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(50))
    total_cents: Mapped[int]


class Payment(UuidPk, Base):
    """Money received: cash (given, change), cheque (number, bank, drawer) or card."""

    __tablename__ = "payment"
    __table_args__ = (Index("ix_payment_sale", "sale_id"), Index("ix_payment_till", "till_id"))

    sale_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sale.id"))
    till_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("till_session.id"))
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(10))  # cash, cheque, card
    amount_cents: Mapped[int]
    given_cents: Mapped[int | None]  # cash handed over
    change_cents: Mapped[int | None]
    cheque_number: Mapped[str] = mapped_column(String(20), default="")
    cheque_bank: Mapped[str] = mapped_column(String(100), default="")
    cheque_drawer: Mapped[str] = mapped_column(String(100), default="")
    card_reference: Mapped[str] = mapped_column(String(50), default="")
    deposit_slip_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("deposit_slip.id"))
