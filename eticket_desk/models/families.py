"""Family dossiers: the family, its adults and other third parties, its children."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eticket_desk.models.base import Base, UuidPk


class Family(UuidPk, Base):
    __tablename__ = "family"

    number: Mapped[int] = mapped_column(unique=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # "DUPONT Marie & Jean": sorting and lists without joins; kept by services on save.
    display_name: Mapped[str] = mapped_column(String(300), default="")
    qf_value: Mapped[int | None]
    qf_date: Mapped[date | None]
    qf_source: Mapped[str] = mapped_column(String(30), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Accent- and case-folded words of every name, phone, email and the reference.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    validated_at: Mapped[datetime | None]
    # Incremented by every save: a window holding an older version cannot overwrite a newer one.
    version: Mapped[int] = mapped_column(default=1)
    # The funder of the CAF / MSA hours (rules.caf_hours.Regime: caf, msa, autre; "": not
    # given) and the allocataire number; edited on their own (services.families.funder).
    funder_regime: Mapped[str] = mapped_column(String(10), default="", server_default="")
    funder_number: Mapped[str] = mapped_column(String(20), default="", server_default="")

    members: Mapped[list[Adult]] = relationship(
        back_populates="family", order_by="Adult.position", cascade="all, delete-orphan"
    )
    children: Mapped[list[Child]] = relationship(
        back_populates="family", order_by="Child.position", cascade="all, delete-orphan"
    )


class Adult(UuidPk, Base):
    """An adult of the dossier, or another third party when `third_party` is set."""

    __tablename__ = "adult"
    __table_args__ = (Index("ix_adult_family", "family_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    third_party: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    relation: Mapped[str] = mapped_column(String(50), default="")
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    phone_home: Mapped[str] = mapped_column(String(20), default="")
    phone_mobile: Mapped[str] = mapped_column(String(20), default="")
    phone_work: Mapped[str] = mapped_column(String(20), default="")
    phone_work_mobile: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address1: Mapped[str] = mapped_column(String(200), default="")
    address2: Mapped[str] = mapped_column(String(200), default="")
    address3: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    legal_guardian: Mapped[bool] = mapped_column(default=False)
    billing: Mapped[bool] = mapped_column(default=False)
    emergency_contact: Mapped[bool] = mapped_column(default=False)
    may_pick_up: Mapped[bool] = mapped_column(default=False)
    # « accepte de recevoir les documents par e-mail » (only with a valid e-mail).
    mail_consent: Mapped[bool] = mapped_column(default=False)

    family: Mapped[Family] = relationship(back_populates="members")


class Child(UuidPk, Base):
    __tablename__ = "child"
    __table_args__ = (Index("ix_child_family", "family_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    position: Mapped[int] = mapped_column(default=0)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date | None]
    school_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("school.id"))
    class_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("school_class.id"))
    diet: Mapped[str] = mapped_column(String(20), default="")
    allergies: Mapped[str] = mapped_column(Text, default="")
    pai: Mapped[bool] = mapped_column(default=False)
    treatments: Mapped[str] = mapped_column(Text, default="")
    image_authorised: Mapped[bool] = mapped_column(default=False)
    outing_authorised: Mapped[bool] = mapped_column(default=False)

    family: Mapped[Family] = relationship(back_populates="children")


class PortalAccount(UuidPk, Base):
    """A legal guardian's login on the family portal (one each: separated parents have their
    own, third parties none); the password is the letter's one-time one, hashed.
    `password_changed_at` comes back from the server when the parent chose their own."""

    __tablename__ = "portal_account"
    __table_args__ = (UniqueConstraint("family_id", "adult_id"),)

    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("family.id"))
    adult_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("adult.id"))
    login: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    issued_at: Mapped[datetime]
    issued_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("app_user.id"))
    password_changed_at: Mapped[datetime | None]
