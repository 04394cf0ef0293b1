"""Ticket types (porte-monnaie) and their dated tariffs by quotient familial bracket."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eticket_desk.models.base import Base, UuidPk


class TicketType(UuidPk, Base):
    """A kind of prepaid ticket ("Garderie", "Repas"); prepaid activities debit one."""

    __tablename__ = "ticket_type"

    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The part of a ticket's price that is care (garde) for the tax certificate, in basis
    # points (10000: all of it); the rest is meals or other.
    care_share_bp: Mapped[int] = mapped_column(default=0, server_default="0")


class Tariff(UuidPk, Base):
    """The prices, from a date on, of a ticket type (prepaid) or of an invoiced activity: per
    booked day, or per period for a fare option (bus « 1 »/« 2 » round trips, TAP 1 or 2 a
    week). A later tariff replaces it from its own date; what was sold or invoiced keeps the
    price it was made at (never recomputed)."""

    __tablename__ = "tariff"
    __table_args__ = (
        UniqueConstraint("ticket_type_id", "valid_from"),
        UniqueConstraint("activity_id", "fare_option", "valid_from"),
    )

    ticket_type_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("ticket_type.id"))
    activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("activity.id"))
    fare_option: Mapped[str] = mapped_column(String(1), default="", server_default="")  # "" per day
    valid_from: Mapped[date]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(50))
    brackets: Mapped[list[TariffBracket]] = relationship(
        back_populates="tariff", order_by="TariffBracket.position", cascade="all, delete-orphan"
    )


class TariffBracket(UuidPk, Base):
    """One quotient familial bracket: up to `qf_max` (None: above every other bracket)."""

    __tablename__ = "tariff_bracket"
    __table_args__ = (Index("ix_tariff_bracket_tariff", "tariff_id"),)

    tariff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tariff.id"))
    position: Mapped[int] = mapped_column(default=0)
    qf_max: Mapped[int | None]
    price_cents: Mapped[int]
    outside_price_cents: Mapped[int]  # hors commune
    tariff: Mapped[Tariff] = relationship(back_populates="brackets")
