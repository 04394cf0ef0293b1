"""What a family dossier must hold before it is validated (and so may book)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FamilyStatus(StrEnum):
    DRAFT = "draft"
    INCOMPLETE = "incomplete"
    VALIDATED = "validated"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


# A child's diet at the canteen, as the dossier holds it, and how people read it.
DIETS = {
    "": "Aucun régime",
    "sans_porc": "Sans porc",
    "vegetarien": "Végétarien",
    "sans_gluten": "Sans gluten",
}

STATUS_LABELS = {
    FamilyStatus.DRAFT: "Brouillon",
    FamilyStatus.INCOMPLETE: "Incomplet",
    FamilyStatus.VALIDATED: "Validé",
    FamilyStatus.ARCHIVED: "Archivé",
}


@dataclass(frozen=True)
class PersonCheck:
    name: str
    third_party: bool = False
    legal_guardian: bool = False
    billing: bool = False
    emergency_contact: bool = False
    phones: tuple[str, ...] = ()
    email: str = ""
    address1: str = ""
    postcode: str = ""
    city: str = ""


@dataclass(frozen=True)
class ChildCheck:
    name: str
    has_school: bool
    has_class: bool
    has_birth_date: bool = True


@dataclass(frozen=True)
class DossierCheck:
    adults: tuple[PersonCheck, ...] = field(default_factory=tuple)
    children: tuple[ChildCheck, ...] = field(default_factory=tuple)


def missing_for_validation(dossier: DossierCheck) -> list[str]:
    """Every reason the dossier cannot be validated yet, in French; empty when it can."""
    missing: list[str] = []
    adults = [a for a in dossier.adults if not a.third_party]
    billing = [a for a in adults if a.billing]
    emergency = [a for a in dossier.adults if a.emergency_contact]
    guardians = [a for a in adults if a.legal_guardian]

    if not adults:
        missing.append("Aucun adulte dans le dossier.")
    if not billing:
        missing.append("Aucun adulte n'est désigné pour l'adresse de facturation.")
    elif len(billing) > 1:
        names = ", ".join(a.name for a in billing)
        missing.append(f"Une seule adresse de facturation est permise ({names}).")
    else:
        payer = billing[0]
        if not (payer.address1 and payer.postcode and payer.city):
            missing.append(f"L'adresse de facturation de {payer.name} est incomplète.")
    if not emergency:
        missing.append("Aucun contact d'urgence n'est désigné.")
    elif len(emergency) > 1:
        names = ", ".join(a.name for a in emergency)
        missing.append(f"Un seul contact d'urgence est permis ({names}).")
    elif not emergency[0].phones:
        missing.append(f"Le contact d'urgence {emergency[0].name} n'a pas de téléphone.")
    if not guardians:
        missing.append("Aucun responsable légal n'est désigné.")
    elif not any(g.phones or g.email for g in guardians):
        missing.append("Aucun responsable légal n'est joignable (téléphone ou e-mail).")
    if not dossier.children:
        missing.append("Aucun enfant dans le dossier.")
    for child in dossier.children:
        if not child.has_school:
            missing.append(f"{child.name} : école non renseignée.")
        elif not child.has_class:
            missing.append(f"{child.name} : classe non renseignée.")
        if not child.has_birth_date:
            missing.append(f"{child.name} : date de naissance non renseignée.")
    return missing


def status_after_save(current: FamilyStatus, missing: list[str]) -> FamilyStatus:
    """A validated dossier edited into an incomplete one falls back to 'incomplet'."""
    if current == FamilyStatus.VALIDATED and missing:
        return FamilyStatus.INCOMPLETE
    return current
