"""The plain data of a family dossier, as screens read and send it back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from eticket_desk.rules.dossier import DIETS, FamilyStatus  # noqa: F401 (DIETS: read from here too)

RELATIONS = (
    "Mère",
    "Père",
    "Belle-mère",
    "Beau-père",
    "Tuteur",
    "Tutrice",
    "Grand-mère",
    "Grand-père",
    "Oncle",
    "Tante",
    "Frère",
    "Sœur",
    "Assistante maternelle",
    "Voisin(e)",
    "Ami(e)",
    "Autre",
)
QF_SOURCES = ("", "CAF", "MSA", "Avis d'imposition", "Attestation")
PHONE_FIELDS = ("phone_home", "phone_mobile", "phone_work", "phone_work_mobile")


@dataclass
class AdultData:
    last_name: str = ""
    first_name: str = ""
    relation: str = ""
    third_party: bool = False
    phone_home: str = ""
    phone_mobile: str = ""
    phone_work: str = ""
    phone_work_mobile: str = ""
    email: str = ""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    postcode: str = ""
    city: str = ""
    legal_guardian: bool = False
    billing: bool = False
    emergency_contact: bool = False
    may_pick_up: bool = False
    mail_consent: bool = False  # « accepte de recevoir les documents par e-mail »
    id: uuid.UUID | None = None

    @property
    def display_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()


@dataclass
class ChildData:
    last_name: str = ""
    first_name: str = ""
    birth_date: date | None = None
    school_id: uuid.UUID | None = None
    class_id: uuid.UUID | None = None
    diet: str = ""
    # Health data: None when the agent's role may not see it (and then it is kept as is).
    allergies: str | None = ""
    pai: bool | None = False
    treatments: str | None = ""
    image_authorised: bool = False
    outing_authorised: bool = False
    id: uuid.UUID | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.upper()}".strip()


@dataclass(frozen=True)
class PortalLoginData:
    """A guardian's portal login as the dossier shows it; `password_changed_at`: the parent
    chose their own password on the portal (learned from the server)."""

    adult_id: uuid.UUID
    login: str
    issued_at: datetime
    password_changed_at: datetime | None = None


@dataclass
class FamilyData:
    adults: list[AdultData] = field(default_factory=list)
    children: list[ChildData] = field(default_factory=list)
    qf_value: int | None = None
    qf_date: date | None = None
    qf_source: str = ""
    notes: str = ""
    status: FamilyStatus = FamilyStatus.DRAFT
    id: uuid.UUID | None = None
    reference: str = ""
    updated_at: datetime | None = None
    version: int = 0
    health_visible: bool = True
    portal_login: str = ""  # the first guardian's (what the header shows)
    portal_accounts: tuple[PortalLoginData, ...] = ()
    missing: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return family_display_name(self.adults)


def family_display_name(adults: list[AdultData]) -> str:
    """'DUPONT Marie & Jean' or 'DUPONT Marie & MARTIN Paul' from the legal guardians."""
    people = [a for a in adults if not a.third_party]
    guardians = [a for a in people if a.legal_guardian] or people
    if not guardians:
        return "(sans adulte)"
    first = guardians[0]
    name = f"{first.last_name.upper()} {first.first_name}".strip()
    for other in guardians[1:2]:
        if other.last_name.upper() == first.last_name.upper():
            name += f" & {other.first_name}"
        else:
            name += f" & {other.last_name.upper()} {other.first_name}"
    return name
