"""The desk's outgoing e-mail queue: one row per message to send (services/mail/)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk

# The states of a message (French labels in services/mail/queue.py).
PENDING, SENDING, SENT, FAILED, UNCERTAIN = "pending", "sending", "sent", "failed", "uncertain"


class OutgoingMail(UuidPk, Base):
    """A message queued in the same transaction as the document it carries; `unique_key`
    (kind + document + recipient) keeps the same document from being queued twice."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        Index("ix_outgoing_mail_family", "family_id"),
        Index("ix_outgoing_mail_state", "state", "next_attempt_at"),
    )

    unique_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # invoice, reminder, certificate, ...
    document_id: Mapped[str] = mapped_column(String(100), default="")
    family_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("family.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The attachment: a file of the documents folder, or its bytes (either, or neither).
    attachment_path: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(200))  # the same at every attempt
    queued_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempt_started_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    queued_by: Mapped[str] = mapped_column(String(50), default="")

    @property
    def audit_label(self) -> str:
        return f"{self.subject} à {self.recipient}"
