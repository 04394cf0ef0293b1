"""What the desk keeps to merge its dossier edits with the other desks': the state of each
dossier it last sent or received (the baseline its next edits are measured against), and the
conflicts the server answered (the same field changed elsewhere), until the agent chooses."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class FamilyBaseline(Base):
    """A dossier as the server last knew it from this desk (JSON: rules/dossier_edits.py)."""

    __tablename__ = "sync_family_baseline"

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    data: Mapped[str] = mapped_column(Text)


class DossierConflict(UuidPk, Base):
    """A field this desk changed that another desk (or a parent on the portal) had changed
    first: the server kept its value; both values, who typed them and when, until resolved."""

    __tablename__ = "dossier_conflict"
    __table_args__ = (Index("ix_dossier_conflict_family", "family_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("family.id"))
    op_seq: Mapped[int]  # the outbox op the server answered with it (its sync issue)
    path: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(300))  # « Mère (Claire Dupont) — portable »
    server_value: Mapped[str] = mapped_column(Text)  # JSON
    server_by: Mapped[str] = mapped_column(String(200), default="")
    server_at: Mapped[datetime | None]
    server_where: Mapped[str] = mapped_column(String(200), default="")
    desk_value: Mapped[str] = mapped_column(Text)  # JSON
    desk_by: Mapped[str] = mapped_column(String(200), default="")
    desk_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str] = mapped_column(String(50), default="")
    resolution: Mapped[str] = mapped_column(String(10), default="")  # "server" or "desk"
