"""What a family's SEPA mandate looks like to a screen or a PDF, and the mandate that pays an
invoice: read-only queries over `sepa_mandate` (the writes are in mandates.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, SepaMandate
from eticket_desk.rules.sepa import MandateState, lapsed_on, mandate_state, sequence_type
from eticket_desk.rules.treasury import masked_iban


@dataclass
class MandateInput:
    """What the agent types from the signed form (or what a new one is prefilled with)."""

    debtor_name: str = ""
    street: str = ""
    building_number: str = ""
    postcode: str = ""
    town: str = ""
    country: str = "FR"
    iban: str = ""
    bic: str = ""
    signed_on: date | None = None
    recurrent: bool = True


@dataclass(frozen=True)
class MandateInfo:
    id: uuid.UUID
    family_id: uuid.UUID
    rum: str
    signed_on: date
    recurrent: bool
    debtor_name: str
    street: str
    building_number: str
    postcode: str
    town: str
    country: str
    iban: str  # whole: the régisseur's form and the PDF to sign
    bic: str
    account: str  # « FR76 •••• 1234 »: what a list or an invoice shows
    state: MandateState
    lapses_on: date
    next_sequence: str  # FRST, RCUR or OOFF
    amendment_pending: bool
    last_debit_on: date | None
    revoked_on: date | None
    revoked_reason: str

    @property
    def is_active(self) -> bool:
        return self.state is MandateState.ACTIVE

    @property
    def state_label(self) -> str:
        """« actif », « révoqué le 01/12/2026 », « caduc depuis le 15/01/2027 »."""
        if self.state is MandateState.REVOKED and self.revoked_on:
            return f"révoqué le {self.revoked_on:%d/%m/%Y}"
        if self.state is MandateState.USED and self.last_debit_on:
            return f"utilisé le {self.last_debit_on:%d/%m/%Y} (ponctuel)"
        if self.state is MandateState.LAPSED:
            return f"caduc depuis le {self.lapses_on:%d/%m/%Y} (inutilisé 36 mois)"
        return "actif"

    def as_input(self) -> MandateInput:
        return MandateInput(
            self.debtor_name,
            self.street,
            self.building_number,
            self.postcode,
            self.town,
            self.country,
            self.iban,
            self.bic,
            self.signed_on,
            self.recurrent,
        )


def mandate_info(mandate: SepaMandate, today: date) -> MandateInfo:
    return MandateInfo(
        id=mandate.id,
        family_id=mandate.family_id,
        rum=mandate.rum,
        signed_on=mandate.signed_on,
        recurrent=mandate.recurrent,
        debtor_name=mandate.debtor_name,
        street=mandate.street,
        building_number=mandate.building_number,
        postcode=mandate.postcode,
        town=mandate.town,
        country=mandate.country,
        iban=mandate.iban,
        bic=mandate.bic,
        account=masked_iban(mandate.iban),
        state=_state(mandate, today),
        lapses_on=lapsed_on(mandate.signed_on, mandate.last_debit_on),
        next_sequence=sequence_type(
            mandate.recurrent,
            mandate.first_debit_on,
            mandate.amendment_pending,
            mandate.original_iban,
            mandate.iban,
        ).value,
        amendment_pending=mandate.amendment_pending,
        last_debit_on=mandate.last_debit_on,
        revoked_on=mandate.revoked_on,
        revoked_reason=mandate.revoked_reason,
    )


def _state(mandate: SepaMandate, on: date) -> MandateState:
    return mandate_state(
        mandate.signed_on, mandate.last_debit_on, mandate.revoked_on, on, mandate.recurrent
    )


def family_mandates(session: Session, family_id: uuid.UUID) -> list[SepaMandate]:
    """A family's mandates, the latest signed first."""
    return list(
        session.scalars(
            select(SepaMandate)
            .where(SepaMandate.family_id == family_id)
            .order_by(
                SepaMandate.signed_on.desc(), SepaMandate.created_at.desc(), SepaMandate.rum.desc()
            )
        )
    )


def active_mandate(session: Session, family_id: uuid.UUID, on: date) -> SepaMandate | None:
    """The family's mandate in force on `on` (signed by then, neither revoked nor lapsed)."""
    for mandate in family_mandates(session, family_id):
        if mandate.signed_on <= on and _state(mandate, on) is MandateState.ACTIVE:
            return mandate
    return None


def active_mandates(
    session: Session, family_ids: Iterable[uuid.UUID], on: date
) -> dict[uuid.UUID, SepaMandate]:
    """The mandate in force on `on` of each of these families that has one (an invoice run's
    families, read in one statement)."""
    wanted = set(family_ids)
    out: dict[uuid.UUID, SepaMandate] = {}
    query = (
        select(SepaMandate)
        .where(SepaMandate.signed_on <= on)
        .order_by(
            SepaMandate.signed_on.desc(), SepaMandate.created_at.desc(), SepaMandate.rum.desc()
        )
    )
    for mandate in session.scalars(query):
        family = mandate.family_id
        if family in wanted and family not in out and _state(mandate, on) is MandateState.ACTIVE:
            out[family] = mandate
    return out


_NUMBER = re.compile(r"^(\d+\s?(?:bis|ter|quater|[A-Za-z])?)\b[,\s]+(.+)$")


def prefilled(session: Session, family_id: uuid.UUID, today: date) -> MandateInput:
    """A new mandate prefilled from the family's billing adult: name, street and number split
    (« 12 rue des Écoles » -> « 12 », « rue des Écoles »), postcode, town, signed today."""
    adult = session.scalar(
        select(Adult).where(Adult.family_id == family_id, Adult.billing.is_(True)).limit(1)
    )
    if adult is None:
        return MandateInput(signed_on=today)
    number, street = "", adult.address1.strip()
    match = _NUMBER.match(street)
    if match:
        number, street = match.group(1), match.group(2)
    return MandateInput(
        debtor_name=f"{adult.first_name} {adult.last_name.upper()}".strip(),
        street=street,
        building_number=number,
        postcode=adult.postcode,
        town=adult.city.upper(),
        signed_on=today,
    )
