"""Likely duplicate dossiers found after a sync: one row per pair, raised once, then declared
« pas des doublons » or merged (neither is raised again)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base


class DuplicatePair(Base):
    """`family_id` is the dossier made on this desk, `other_id` the one pulled from another."""

    __tablename__ = "duplicate_pair"
    __table_args__ = (UniqueConstraint("family_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    other_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    raised_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="raised")  # raised, dismissed, merged
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str] = mapped_column(String(50), default="")
