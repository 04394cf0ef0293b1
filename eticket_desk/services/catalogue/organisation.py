"""The organisation's identity (commune, régie, trésorerie) and its schools and classes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields

from sqlalchemy import select

from eticket_desk.models import Organisation, School, SchoolClass
from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.rules.activity import LEVELS
from eticket_desk.rules.contact import normalise_email, normalise_phone, normalise_postcode
from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.payfip import check_mode, check_numcli
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.treasury import ORGANISATION_CHECKS, check_bic
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import PlanningChanged, emit


@dataclass(frozen=True)
class ClassInfo:
    id: uuid.UUID
    name: str
    level: str


@dataclass(frozen=True)
class SchoolInfo:
    id: uuid.UUID
    name: str
    address: str
    classes: tuple[ClassInfo, ...] = field(default_factory=tuple)


def load_organisation(store: Store) -> OrganisationData:
    with store.read() as session:
        return organisation_data(session)


def organisation_data(session) -> OrganisationData:
    """The organisation as read inside a use case's own transaction."""
    org = session.scalar(select(Organisation))
    if org is None:
        return OrganisationData()
    return OrganisationData(**{f.name: getattr(org, f.name) for f in fields(OrganisationData)})


def _checked(data: OrganisationData) -> OrganisationData:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "Le nom de l'organisation est obligatoire."
    for key, check in (
        ("postcode", normalise_postcode),
        ("treasury_postcode", normalise_postcode),
        ("phone", normalise_phone),
        ("email", normalise_email),
    ):
        try:
            setattr(data, key, check(getattr(data, key)))
        except InvalidInput as exc:
            errors[key] = exc.message
    checks = {"payfip_id": check_numcli, "payfip_mode": check_mode, **ORGANISATION_CHECKS}
    for key, check in checks.items():
        try:
            setattr(data, key, check(getattr(data, key)))
        except InvalidInput as exc:
            errors[key] = exc.message
    if data.school_zone not in ("A", "B", "C"):
        errors["school_zone"] = "La zone de vacances scolaires doit être A, B ou C."
    if "sepa_iban" not in errors:
        try:
            data.sepa_bic = check_bic(data.sepa_bic, data.sepa_iban)
        except InvalidInput as exc:
            errors["sepa_bic"] = exc.message
    if not 2 <= data.sepa_debit_delay_days <= 60:
        errors["sepa_debit_delay_days"] = (
            "Le délai avant prélèvement va de 2 à 60 jours après la date de la facture "
            "(la pré-notification doit arriver avant le prélèvement)."
        )
    if data.cash_ceiling_cents < 0:
        errors["cash_ceiling_cents"] = "Le plafond d'encaisse ne peut pas être négatif."
    if errors:
        raise ValidationFailed(errors)
    return data


@changes(Topic.ORGANISATION)
def save_organisation(store: Store, actor: Actor, data: OrganisationData) -> None:
    actor.require(Permission.SETTINGS_EDIT)
    data = _checked(data)
    with store.write(actor) as session:
        org = session.scalar(select(Organisation))
        if org is None:
            org = Organisation(name=data.name)
            session.add(org)
        for f in fields(OrganisationData):
            value = getattr(data, f.name)
            if isinstance(value, str):
                value = value.strip()
            if getattr(org, f.name) != value:
                setattr(org, f.name, value)
        if org in session.new or session.is_modified(org):
            session.flush()
            emit(session, PlanningChanged("organisation", org.id))


def list_schools(store: Store) -> list[SchoolInfo]:
    with store.read() as session:
        schools = session.scalars(select(School).order_by(School.name))
        return [
            SchoolInfo(
                s.id, s.name, s.address, tuple(ClassInfo(c.id, c.name, c.level) for c in s.classes)
            )
            for s in schools
        ]


@changes(Topic.SCHOOLS)
def add_school(
    store: Store, actor: Actor, name: str, address: str = "", levels: tuple[str, ...] = LEVELS
) -> SchoolInfo:
    """A new school, with one class per level by default (PS … CM2)."""
    actor.require(Permission.SETTINGS_EDIT)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Le nom de l'école est obligatoire.")
    with store.write(actor) as session:
        if session.scalar(select(School).where(School.name == name)):
            raise InvalidInput(f"L'école « {name} » existe déjà.")
        school = School(name=name, address=address.strip())
        school.classes = [SchoolClass(name=lv, level=lv, position=i) for i, lv in enumerate(levels)]
        session.add(school)
        session.flush()
        emit(session, PlanningChanged("school", school.id))
    return list_schools_by_id(store)[school.id]


@changes(Topic.SCHOOLS)
def add_class(store: Store, actor: Actor, school_id: uuid.UUID, name: str, level: str) -> None:
    actor.require(Permission.SETTINGS_EDIT)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Le nom de la classe est obligatoire.")
    if level not in LEVELS:
        raise InvalidInput(f"Niveau inconnu : {level}.")
    with store.write(actor) as session:
        school = session.get(School, school_id)
        if school is None:
            raise DomainError("Cette école n'existe plus.")
        if any(c.name == name for c in school.classes):
            raise InvalidInput(f"La classe « {name} » existe déjà dans cette école.")
        school.classes.append(
            SchoolClass(
                name=name, level=level, position=LEVELS.index(level) * 10 + len(school.classes)
            )
        )
        emit(session, PlanningChanged("school", school.id))


def list_schools_by_id(store: Store) -> dict[uuid.UUID, SchoolInfo]:
    return {s.id: s for s in list_schools(store)}
