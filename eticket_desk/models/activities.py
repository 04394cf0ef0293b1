"""Activities (prestations): weekdays, who is concerned, capacity, deadline and billing mode."""

from __future__ import annotations

import uuid
from datetime import time

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eticket_desk.models.base import Base, UuidPk


class Activity(UuidPk, Base):
    __tablename__ = "activity"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)
    weekdays: Mapped[str] = mapped_column(String(7))  # "0124": Monday=0 … Sunday=6
    levels: Mapped[str] = mapped_column(String(100), default="")  # "PS,MS,…"; empty: all
    capacity: Mapped[int | None]  # per day, all schools together; None: unlimited
    deadline_kind: Mapped[str] = mapped_column(String(30))
    deadline_time: Mapped[time] = mapped_column(default=time(10, 0))
    deadline_weekday: Mapped[int] = mapped_column(default=1)
    billing_mode: Mapped[str] = mapped_column(String(20))
    ticket_type: Mapped[str] = mapped_column(String(30), default="")
    colour: Mapped[str] = mapped_column(String(7), default="#2563eb")
    active: Mapped[bool] = mapped_column(default=True)
    # The titre's accounting (PES V2): product code (CodProdLoc) and nature (compte, e.g. 7067).
    product_code: Mapped[str] = mapped_column(String(4), default="", server_default="")
    accounting_nature: Mapped[str] = mapped_column(String(10), default="", server_default="")
    # CAF / MSA hours (rules.caf_hours): counted for the funders, the declared slot, and the
    # most minutes counted per child on a Wednesday (None: the slot as declared).
    caf_counted: Mapped[bool] = mapped_column(default=False, server_default="0")
    caf_slot_start: Mapped[time | None]
    caf_slot_end: Mapped[time | None]
    caf_wednesday_cap: Mapped[int | None]
    # The part of the price that is care (garde) for the tax certificate, in basis points
    # (10000: all of it; 0: none, e.g. a canteen's meal); the rest is meals or other.
    care_share_bp: Mapped[int] = mapped_column(default=0, server_default="0")

    schools: Mapped[list[ActivitySchool]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )


class ActivitySchool(Base):
    """A school concerned by the activity, with its own daily capacity when it has one."""

    __tablename__ = "activity_school"

    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activity.id"), primary_key=True
    )
    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school.id"), primary_key=True)
    capacity: Mapped[int | None]
    activity: Mapped[Activity] = relationship(back_populates="schools")
