"""The sync tables of the desk: the outbox of ops (with the server's answers), the server
versions of the rows the desk edits, and the sync's notices (what a sync found or did that no
rejected op says: a wallet gone negative, a desk restored from a backup reloaded)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base


class OutboxOp(Base):
    """One op in device order (`seq`), written in the transaction of the change it carries;
    the server's answer is kept on it, and a rejected op is a sync issue until handled."""

    __tablename__ = "sync_outbox"
    __table_args__ = (
        Index("ix_sync_outbox_status", "status"),
        Index("ix_sync_outbox_entity", "entity_key"),
    )

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    type: Mapped[str] = mapped_column(String(30))
    payload: Mapped[str] = mapped_column(Text)  # the op's payload as JSON
    # What the op touches ("booking:<activity>/<day>/<child>", "family:<id>"…): pull does not
    # overwrite a row while one of its ops waits for an answer.
    entity_key: Mapped[str] = mapped_column(String(200), default="")
    label: Mapped[str] = mapped_column(String(300), default="")  # for the sync issues list
    created_at: Mapped[datetime]  # when the op was made (the desk's clock): sent as made_at
    made_by: Mapped[str] = mapped_column(String(100), default="")  # the agent's name
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, applied…
    code: Mapped[str] = mapped_column(String(40), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")  # the server's answer as JSON
    answered_at: Mapped[datetime | None]
    handled_at: Mapped[datetime | None]  # a rejected op the agent has dealt with
    handled_by: Mapped[str] = mapped_column(String(50), default="")


class ServerVersion(Base):
    """The version the server gave a row the desk edits (a family dossier): the base of the
    desk's next upsert of it."""

    __tablename__ = "sync_server_version"

    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class SyncNotice(Base):
    """Something a sync found or did that the agent must see (a family's wallet gone negative,
    a restored desk reloaded), a sync issue until handled. One per occurrence: `key` names what it is about, and a new
    notice of that key is raised only once the last one is cleared (the wallet back to zero
    or more)."""

    __tablename__ = "sync_notice"
    __table_args__ = (Index("ix_sync_notice_key", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200))  # "wallet:<family>:<ticket type>"…
    kind: Mapped[str] = mapped_column(String(30))  # wallet_negative, desk_restored
    subject: Mapped[str] = mapped_column(String(300), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]  # the situation ended (a new one is a new notice)
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str] = mapped_column(String(50), default="")
