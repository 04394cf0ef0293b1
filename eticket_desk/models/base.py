"""Declarative base, naming convention and the column types shared by every table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from eticket_desk import ids

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def new_id() -> uuid.UUID:
    return ids.new_id()  # random, or the demo's seeded series


class UuidPk:
    """Mixin: a UUID primary key generated locally (it must survive sync)."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)


class Timestamps:
    """Mixin: creation and last-change times, set by the services from the clock."""

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
