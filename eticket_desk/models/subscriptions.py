"""Subscriptions (inscriptions): a child's paper form for an activity over a period."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class Subscription(UuidPk, Base):
    """Child × activity × period with its week template; the bookings it made are the
    template's (source "template"), so editing it changes only those, and only days still
    open."""

    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("child_id", "activity_id", "start"),
        Index("ix_subscription_child", "child_id"),
    )

    child_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("child.id"))
    activity_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("activity.id"))
    start: Mapped[date]
    end: Mapped[date]
    period_label: Mapped[str] = mapped_column(String(50), default="")
    regular: Mapped[bool] = mapped_column(default=True)
    weekdays: Mapped[str] = mapped_column(String(7), default="")
    parity: Mapped[str] = mapped_column(String(5), default="all")
    fare_option: Mapped[str] = mapped_column(String(1), default="")
    source: Mapped[str] = mapped_column(String(10), default="paper")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(50))
