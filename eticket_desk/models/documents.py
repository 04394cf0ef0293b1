"""What the portal brings to the desk and the desk writes for the portal: the documents
parents sent (their description: the bytes stay on the server until an agent opens one) and
the mairie's messages shown on the portal's accueil."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class ParentDocument(UuidPk, Base):
    """A document a parent sent from the portal; `state`: sent, accepted or refused."""

    __tablename__ = "parent_document"
    __table_args__ = (
        Index("ix_parent_document_family", "family_id"),
        Index("ix_parent_document_state", "state"),
    )

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    child_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    sent_by: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12), default="sent")
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    reviewed_at: Mapped[datetime | None]


class MairieMessage(UuidPk, Base):
    """A message for the portal's accueil: to every family (`family_id` None) or one, until
    `valid_until` included, unless withdrawn."""

    __tablename__ = "mairie_message"

    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    valid_until: Mapped[date]
    withdrawn: Mapped[bool] = mapped_column(default=False)
    written_by: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime]
