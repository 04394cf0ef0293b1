"""Schools and their classes (PS … CM2)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eticket_desk.models.base import Base, UuidPk


class School(UuidPk, Base):
    __tablename__ = "school"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    classes: Mapped[list[SchoolClass]] = relationship(
        back_populates="school", order_by="SchoolClass.position", cascade="all, delete-orphan"
    )


class SchoolClass(UuidPk, Base):
    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    school_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("school.id"))
    name: Mapped[str] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(5))
    position: Mapped[int] = mapped_column(default=0)
    school: Mapped[School] = relationship(back_populates="classes")
