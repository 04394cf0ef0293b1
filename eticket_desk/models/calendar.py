"""School years, their periods and the closed days (holidays, public holidays, local closures)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eticket_desk.models.base import Base, UuidPk


class SchoolYear(UuidPk, Base):
    __tablename__ = "school_year"

    label: Mapped[str] = mapped_column(String(20), unique=True)  # "2026-2027"
    start: Mapped[date]
    end: Mapped[date]
    zone: Mapped[str] = mapped_column(String(1))
    period_mode: Mapped[str] = mapped_column(String(20))
    # Holidays the offline data did not know when the year was created (comma-separated).
    unknown_holidays: Mapped[str] = mapped_column(Text, default="")

    periods: Mapped[list[Period]] = relationship(
        back_populates="school_year", order_by="Period.start", cascade="all, delete-orphan"
    )
    closures: Mapped[list[ClosedSpan]] = relationship(
        back_populates="school_year", order_by="ClosedSpan.start", cascade="all, delete-orphan"
    )


class Period(UuidPk, Base):
    __tablename__ = "period"
    __table_args__ = (Index("ix_period_year", "school_year_id"),)

    school_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school_year.id"))
    name: Mapped[str] = mapped_column(String(50))
    start: Mapped[date]
    end: Mapped[date]
    school_year: Mapped[SchoolYear] = relationship(back_populates="periods")


class ClosedSpan(UuidPk, Base):
    """Holidays of the zone, a public holiday, or a local closure (a "pont") added by hand."""

    __tablename__ = "closed_span"
    __table_args__ = (Index("ix_closed_span_year", "school_year_id"),)

    school_year_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school_year.id"))
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    start: Mapped[date]
    end: Mapped[date]
    # Comma-separated activity codes; empty: every activity is closed.
    activity_codes: Mapped[str] = mapped_column(String(300), default="")
    school_year: Mapped[SchoolYear] = relationship(back_populates="closures")
