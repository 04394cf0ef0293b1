"""Family dossiers: load, create, save, validate and archive, with every field checked."""

from __future__ import annotations

import uuid
from dataclasses import fields, replace
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from eticket_desk.models import Adult, Child, Family, PortalAccount, SchoolClass
from eticket_desk.rules.contact import (
    check_birth_date,
    check_qf,
    clean_name,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    phone_digits,
)
from eticket_desk.rules.dossier import (
    ChildCheck,
    DossierCheck,
    FamilyStatus,
    PersonCheck,
    missing_for_validation,
    status_after_save,
)
from eticket_desk.rules.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    ValidationFailed,
)
from eticket_desk.rules.numbering import family_reference
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import search_words
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.numbering import take_family_numbers
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.data import (
    DIETS,
    PHONE_FIELDS,
    AdultData,
    ChildData,
    FamilyData,
    PortalLoginData,
    family_display_name,
)
from eticket_desk.sync.outbox import FamilyChanged, emit

_ADULT_FIELDS = [f.name for f in fields(AdultData) if f.name != "id"]
_CHILD_PLAIN = [
    "last_name",
    "first_name",
    "birth_date",
    "school_id",
    "class_id",
    "diet",
    "image_authorised",
    "outing_authorised",
]
_HEALTH = ["allergies", "pai", "treatments"]


# ---------------------------------------------------------------- reading


def _adult_data(adult: Adult) -> AdultData:
    return AdultData(id=adult.id, **{name: getattr(adult, name) for name in _ADULT_FIELDS})


def _child_data(child: Child, health: bool) -> ChildData:
    data = ChildData(id=child.id, **{name: getattr(child, name) for name in _CHILD_PLAIN})
    if health:
        data.allergies, data.pai, data.treatments = child.allergies, child.pai, child.treatments
    else:
        data.allergies = data.pai = data.treatments = None
    return data


def dossier_check(adults: list[AdultData], children: list[ChildData]) -> DossierCheck:
    return DossierCheck(
        adults=tuple(
            PersonCheck(
                name=a.display_name or "(sans nom)",
                third_party=a.third_party,
                legal_guardian=a.legal_guardian,
                billing=a.billing,
                emergency_contact=a.emergency_contact,
                phones=tuple(p for p in (getattr(a, f) for f in PHONE_FIELDS) if p),
                email=a.email,
                address1=a.address1,
                postcode=a.postcode,
                city=a.city,
            )
            for a in adults
        ),
        children=tuple(
            ChildCheck(
                c.display_name or "(sans nom)",
                c.school_id is not None,
                c.class_id is not None,
                c.birth_date is not None,
            )
            for c in children
        ),
    )


def _load(session: Session, family_id: uuid.UUID, actor: Actor) -> FamilyData:
    family = session.scalar(
        select(Family)
        .where(Family.id == family_id)
        .options(selectinload(Family.members), selectinload(Family.children))
    )
    if family is None:
        raise NotFound("Ce dossier famille n'existe pas (ou plus).")
    health = actor.can(Permission.HEALTH_VIEW)
    adults = [_adult_data(a) for a in family.members]
    children = [_child_data(c, health) for c in family.children]
    positions = {a.id: a.position for a in family.members}
    portals = sorted(
        (
            PortalLoginData(p.adult_id, p.login, p.issued_at, p.password_changed_at)
            for p in session.scalars(
                select(PortalAccount).where(PortalAccount.family_id == family.id)
            )
        ),
        key=lambda p: positions.get(p.adult_id, 99),
    )
    return FamilyData(
        id=family.id,
        reference=family.reference,
        status=FamilyStatus(family.status),
        qf_value=family.qf_value,
        qf_date=family.qf_date,
        qf_source=family.qf_source,
        notes=family.notes,
        updated_at=family.updated_at,
        version=family.version,
        adults=adults,
        children=children,
        health_visible=health,
        portal_login=portals[0].login if portals else "",
        portal_accounts=tuple(portals),
        missing=missing_for_validation(dossier_check(adults, children)),
    )


def load_family_in(session: Session, actor: Actor, family_id: uuid.UUID) -> FamilyData:
    """The dossier as seen inside the caller's session (an import merging a row into it)."""
    actor.require(Permission.FAMILY_VIEW)
    return _load(session, family_id, actor)


@changes(unseen="the audit line of a dossier showing health data")
def load_family(store: Store, actor: Actor, family_id: uuid.UUID) -> FamilyData:
    """The whole dossier; a view of children's health data is written in the audit log."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        data = _load(session, family_id, actor)
    if data.health_visible and any(c.allergies or c.pai or c.treatments for c in data.children):
        with store.write(actor) as session:
            record(
                session,
                "health_view",
                "family",
                data.id,
                f"Consultation des données de santé de la famille {data.reference}",
            )
    return data


# ---------------------------------------------------------------- checking


def _check(
    data: FamilyData,
    today: date,
    session: Session,
    classes: dict[uuid.UUID, uuid.UUID] | None = None,
) -> FamilyData:
    """A normalised copy of the dossier, or ValidationFailed naming every bad field.

    `classes` (class id -> school id) may be given by a caller that saves many dossiers."""
    errors: dict[str, str] = {}

    def guard(key: str, fn, *args):
        try:
            return fn(*args)
        except InvalidInput as exc:
            errors[key] = exc.message
            return args[0] if args else None

    guard("qf_value", check_qf, data.qf_value, data.qf_date, today)
    adults = []
    for i, adult in enumerate(data.adults):
        a = replace(
            adult, last_name=clean_name(adult.last_name), first_name=clean_name(adult.first_name)
        )
        key = f"{'tiers' if a.third_party else 'adulte'} {i + 1}"
        if not a.last_name:
            errors[f"adults[{i}].last_name"] = f"{key} : le nom est obligatoire."
        for phone in PHONE_FIELDS:
            setattr(a, phone, guard(f"adults[{i}].{phone}", normalise_phone, getattr(a, phone)))
        a.email = guard(f"adults[{i}].email", normalise_email, a.email)
        a.postcode = guard(f"adults[{i}].postcode", normalise_postcode, a.postcode)
        if a.mail_consent and not a.email and f"adults[{i}].email" not in errors:
            errors[f"adults[{i}].mail_consent"] = (
                f"{a.display_name} : sans adresse e-mail valide, il ne peut pas recevoir les "
                "documents par e-mail."
            )
        if a.third_party and (a.billing or a.legal_guardian):
            errors[f"adults[{i}].billing"] = (
                f"{a.display_name} : un tiers ne peut être ni responsable légal ni payeur."
            )
        adults.append(a)
    if classes is None:
        classes = school_classes_in(session)
    children = []
    for i, child in enumerate(data.children):
        c = replace(
            child, last_name=clean_name(child.last_name), first_name=clean_name(child.first_name)
        )
        if not c.last_name:
            errors[f"children[{i}].last_name"] = f"Enfant {i + 1} : le nom est obligatoire."
        if not c.first_name:
            errors[f"children[{i}].first_name"] = f"Enfant {i + 1} : le prénom est obligatoire."
        guard(f"children[{i}].birth_date", check_birth_date, c.birth_date, today)
        if c.class_id is not None and classes.get(c.class_id) != c.school_id:
            errors[f"children[{i}].class_id"] = (
                f"{c.display_name} : la classe n'est pas dans cette école."
            )
        if c.diet not in DIETS:
            errors[f"children[{i}].diet"] = f"{c.display_name} : régime inconnu."
        children.append(c)
    if errors:
        raise ValidationFailed(errors)
    return replace(data, adults=adults, children=children)


# ---------------------------------------------------------------- writing


def search_text_for(reference: str, adults: list[AdultData], children: list[ChildData]) -> str:
    """The folded words a family is found by: reference, names, emails and phone digits."""
    values = [reference]
    for a in adults:
        values += [a.last_name, a.first_name, a.email]
        values += [phone_digits(getattr(a, p)) for p in PHONE_FIELDS]
    for c in children:
        values += [c.last_name, c.first_name]
    return search_words(*values)


def _sync_rows(existing, wanted, make, copy) -> list:
    by_id = {row.id: row for row in existing}
    rows = []
    for position, item in enumerate(wanted):
        row = by_id.pop(item.id, None) if item.id else None
        if row is None:
            row = make()
        copy(row, item)
        row.position = position
        rows.append(row)
    return rows


def school_classes_in(session: Session) -> dict[uuid.UUID, uuid.UUID]:
    """Class id -> school id: what the checks need to refuse a class of another school."""
    return {c: s for c, s in session.execute(select(SchoolClass.id, SchoolClass.school_id))}


@changes(Topic.FAMILIES, lambda call: FamilyTopic(call.result.id))
def save_family(store: Store, actor: Actor, data: FamilyData) -> FamilyData:
    """Create or update a dossier in one transaction; nothing is written if a field is wrong."""
    actor.require(Permission.FAMILY_EDIT)
    with store.write(actor) as session:
        family_id = save_family_in(session, actor, data)
    return load_family_quietly(store, actor, family_id)


def save_family_in(
    session: Session,
    actor: Actor,
    data: FamilyData,
    *,
    validate: bool = False,
    classes: dict[uuid.UUID, uuid.UUID] | None = None,
    number: int | None = None,
    flush: bool = True,
) -> uuid.UUID:
    """Create or update a dossier inside the caller's write transaction (an import saves
    many); the same checks as `save_family`. With `validate`, a complete dossier is
    validated in the same write. Returns the family's id.

    A caller saving many new dossiers may give each its `number` (taken with
    `take_family_numbers`) and leave the `flush` to later, so that they are inserted together."""
    actor.require(Permission.FAMILY_EDIT)
    if validate:
        actor.require(Permission.FAMILY_VALIDATE)
    now = session.info["now"]
    data = _check(data, now.date(), session, classes)
    if data.id is None:
        if number is None:
            number = take_family_numbers(session)
        family = Family(
            id=uuid.uuid4(),
            number=number,
            reference=family_reference(number),
            status=FamilyStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        session.add(family)
    else:
        family = session.scalar(
            select(Family)
            .where(Family.id == data.id)
            .options(selectinload(Family.members), selectinload(Family.children))
        )
        if family is None:
            raise NotFound("Ce dossier famille n'existe plus.")
        if family.version != data.version:
            raise Conflict(
                "Ce dossier a été modifié ailleurs entre-temps. Fermez-le et rouvrez-le "
                "pour voir la dernière version."
            )
        if family.status == FamilyStatus.ARCHIVED:
            raise DomainError("Ce dossier est archivé : désarchivez-le avant de le modifier.")

    def copy_adult(row: Adult, item: AdultData) -> None:
        for name in _ADULT_FIELDS:
            if getattr(row, name, None) != getattr(item, name):
                setattr(row, name, getattr(item, name))

    def copy_child(row: Child, item: ChildData) -> None:
        for name in _CHILD_PLAIN + _HEALTH:
            value = getattr(item, name)
            if name in _HEALTH and value is None:
                continue  # hidden from this role: keep what is stored
            if getattr(row, name, None) != value:
                setattr(row, name, value)
        if row.allergies is None:
            row.allergies, row.treatments, row.pai = "", "", False

    if family.members:  # a guardian taken off the dossier loses their portal login
        session.execute(
            delete(PortalAccount).where(
                PortalAccount.family_id == family.id,
                PortalAccount.adult_id.not_in([a.id for a in data.adults if a.id]),
            )
        )
    family.members = _sync_rows(family.members, data.adults, lambda: Adult(), copy_adult)
    family.children = _sync_rows(family.children, data.children, lambda: Child(), copy_child)
    for field_name in ("qf_value", "qf_date", "qf_source", "notes"):
        if getattr(family, field_name) != getattr(data, field_name):
            setattr(family, field_name, getattr(data, field_name))
    missing = missing_for_validation(dossier_check(data.adults, data.children))
    status = status_after_save(FamilyStatus(family.status), missing)
    if validate and status != FamilyStatus.VALIDATED:
        status = FamilyStatus.INCOMPLETE if missing else FamilyStatus.VALIDATED
        if not missing:
            family.validated_at = now
    family.status = status.value
    family.display_name = family_display_name(data.adults)
    family.search_text = search_text_for(family.reference, data.adults, data.children)
    if session.new or session.deleted or any(session.is_modified(o) for o in session.dirty):
        family.updated_at = now
        family.version = (family.version or 0) + 1
    emit(session, FamilyChanged(family.id))
    if flush:
        session.flush()
    return family.id


def load_family_quietly(store: Store, actor: Actor, family_id: uuid.UUID) -> FamilyData:
    """Reload after a save: the agent is still looking at the data they just typed."""
    with store.read() as session:
        return _load(session, family_id, actor)


@changes(Topic.FAMILIES, lambda call: FamilyTopic(call["family_id"]))
def validate_family(store: Store, actor: Actor, family_id: uuid.UUID) -> list[str]:
    """Validate the dossier, or return what is missing (it is then marked incomplete)."""
    actor.require(Permission.FAMILY_VALIDATE)
    with store.write(actor) as session:
        data = _load(session, family_id, actor)
        family = session.get(Family, family_id)
        if family.status == FamilyStatus.ARCHIVED:
            raise DomainError("Ce dossier est archivé : désarchivez-le avant de le valider.")
        if data.missing:
            family.status = FamilyStatus.INCOMPLETE.value
            record(
                session,
                "validate",
                "family",
                family.id,
                f"Validation refusée de la famille {family.reference}",
                missing=data.missing,
            )
        else:
            family.status = FamilyStatus.VALIDATED.value
            family.validated_at = session.info["now"]
            record(session, "validate", "family", family.id, f"Dossier {family.reference} validé")
        family.updated_at = session.info["now"]
        family.version += 1
        emit(session, FamilyChanged(family.id))
        return data.missing


@changes(Topic.FAMILIES, lambda call: FamilyTopic(call["family_id"]))
def set_archived(store: Store, actor: Actor, family_id: uuid.UUID, archived: bool) -> None:
    actor.require(Permission.FAMILY_ARCHIVE)
    with store.write(actor) as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe plus.")
        family.status = (FamilyStatus.ARCHIVED if archived else FamilyStatus.INCOMPLETE).value
        family.updated_at = session.info["now"]
        family.version += 1
        emit(session, FamilyChanged(family.id))
