"""The organisation (commune or syndicat), its settings and the gapless number series."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eticket_desk.models.base import Base, UuidPk


class Organisation(UuidPk, Base):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    address1: Mapped[str] = mapped_column(String(200), default="")
    address2: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    regie_name: Mapped[str] = mapped_column(String(200), default="")
    payable_to: Mapped[str] = mapped_column(String(200), default="Trésor Public")
    treasury_name: Mapped[str] = mapped_column(String(200), default="")
    treasury_address1: Mapped[str] = mapped_column(String(200), default="")
    treasury_address2: Mapped[str] = mapped_column(String(200), default="")
    treasury_postcode: Mapped[str] = mapped_column(String(10), default="")
    treasury_city: Mapped[str] = mapped_column(String(100), default="")
    payfip_id: Mapped[str] = mapped_column(String(20), default="")
    # PayFiP's saisie: test (T), activation (X) or production (W) — see rules.payfip.
    payfip_mode: Mapped[str] = mapped_column(String(12), default="test", server_default="test")
    invoice_mentions: Mapped[str] = mapped_column(Text, default="")
    cash_ceiling_cents: Mapped[int] = mapped_column(default=0)
    school_zone: Mapped[str] = mapped_column(String(1), default="A")
    portal_url: Mapped[str] = mapped_column(String(300), default="")
    # Money to the Trésor (DESIGN): régie de recettes or titres de recettes (PES V2 to Hélios).
    collection_mode: Mapped[str] = mapped_column(
        String(10), default="regie", server_default="regie"
    )
    siret: Mapped[str] = mapped_column(String(14), default="", server_default="")
    pes_id_post: Mapped[str] = mapped_column(String(7), default="", server_default="")  # poste
    pes_cod_col: Mapped[str] = mapped_column(String(3), default="", server_default="")
    pes_cod_bud: Mapped[str] = mapped_column(String(2), default="", server_default="")
    # SEPA direct debit: the creditor identifier (ICS), the account credited, the pain.008
    # version the bank reads, and how many days after the invoice's date the debit is made.
    sepa_ics: Mapped[str] = mapped_column(String(35), default="", server_default="")
    sepa_iban: Mapped[str] = mapped_column(String(34), default="", server_default="")
    sepa_bic: Mapped[str] = mapped_column(String(11), default="", server_default="")
    sepa_pain_version: Mapped[str] = mapped_column(
        String(20), default="pain.008.001.02", server_default="pain.008.001.02"
    )
    sepa_debit_delay_days: Mapped[int] = mapped_column(default=14, server_default="14")


class Setting(Base):
    """A typed setting stored as JSON text, read through services.settings."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class NumberSeries(Base):
    """One row per gapless series (family numbers, receipts, invoices per year…).

    The next value is taken and incremented inside the writing transaction, so a
    rolled-back write gives its number back: no gap, no duplicate.
    """

    __tablename__ = "number_series"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_value: Mapped[int] = mapped_column(default=1)
