"""First launch: an empty town with its commune, schools and first administrator."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from eticket_desk.models import Organisation, School, SchoolClass, User
from eticket_desk.rules.contact import normalise_postcode
from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.passwords import check_password_policy
from eticket_desk.rules.permissions import Role
from eticket_desk.services.access.users import _LOGIN, create_first_admin
from eticket_desk.services.catalogue.organisation import LEVELS
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYSTEM, Actor, Store
from eticket_desk.sync.outbox import PlanningChanged, emit


@dataclass
class FirstSetup:
    commune: str
    postcode: str
    city: str
    admin_login: str
    admin_full_name: str
    admin_password: str
    schools: list[str] = field(default_factory=list)
    school_zone: str = "A"
    admin_civility: str = ""  # « Mme », « M. » or "" (not said): the role's gender


def check_setup(setup: FirstSetup) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not setup.commune.strip():
        errors["commune"] = "Le nom de la commune est obligatoire."
    try:
        normalise_postcode(setup.postcode)
        if not setup.postcode.strip():
            errors["postcode"] = "Le code postal est obligatoire."
    except InvalidInput as exc:
        errors["postcode"] = exc.message
    if not setup.city.strip():
        errors["city"] = "La ville est obligatoire."
    if not _LOGIN.match(setup.admin_login.strip().lower()):
        errors["admin_login"] = (
            "L'identifiant doit faire 2 à 50 caractères : lettres minuscules "
            "sans accent, chiffres, point, tiret."
        )
    if not setup.admin_full_name.strip():
        errors["admin_full_name"] = "Le nom de l'administrateur est obligatoire."
    try:
        check_password_policy(setup.admin_password)
    except InvalidInput as exc:
        errors["admin_password"] = exc.message
    return errors


@changes(Topic.ORGANISATION, Topic.SCHOOLS, Topic.USERS)
def create_empty_town(store: Store, setup: FirstSetup) -> Actor:
    """Organisation, schools (classes PS…CM2) and the first admin, in one transaction."""
    errors = check_setup(setup)
    if errors:
        raise ValidationFailed(errors)
    with store.write(SYSTEM) as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise DomainError("Cette base contient déjà des utilisateurs.")
        organisation = Organisation(
            name=" ".join(setup.commune.split()),
            postcode=normalise_postcode(setup.postcode),
            city=setup.city.strip().upper(),
            school_zone=setup.school_zone,
            regie_name=f"Régie périscolaire de {setup.commune.strip()}",
        )
        session.add(organisation)
        schools = []
        for name in dict.fromkeys(" ".join(s.split()) for s in setup.schools if s.strip()):
            school = School(name=name)
            school.classes = [
                SchoolClass(name=lv, level=lv, position=i) for i, lv in enumerate(LEVELS)
            ]
            session.add(school)
            schools.append(school)
        session.flush()
        emit(session, *(PlanningChanged("school", school.id) for school in schools))
        emit(session, PlanningChanged("organisation", organisation.id))
        admin = create_first_admin(
            session,
            setup.admin_login,
            setup.admin_full_name,
            setup.admin_password,
            session.info["now"],
            setup.admin_civility,
        )
        session.flush()
        actor = Actor(admin.id, admin.login, admin.full_name, Role.ADMIN, admin.civility)
        session.info["actor"] = actor
        record(
            session,
            "setup",
            "organisation",
            "",
            f"Installation de la base pour {setup.commune.strip()}",
        )
    return actor
