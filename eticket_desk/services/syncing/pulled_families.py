"""A dossier pulled from the server: created here when another desk made it, or brought up to
the server's version (another desk's edit, a parent's new phone on the portal).

The desk's own edit still waiting to be answered goes first: the server merges it and the
merged dossier comes back in a later pull (pulled.py); once applied, a dossier's state here
becomes its baseline (sync/family_ops.py).
Adults are replaced as the server has them; children are added and updated, never deleted
here (their bookings and invoices stay). A child's school is kept only when this desk knows
it, and its class is the school's class of that level. The portal password never travels
back: a dossier made elsewhere has its portal access there; a desk only learns when a
guardian chose their own password on the portal.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, Child, Family, PortalAccount, School, SchoolClass
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.numbering import family_number
from eticket_desk.services.families.data import family_display_name
from eticket_desk.services.families.dossiers import search_text_for
from eticket_desk.sync.family_ops import ADULT_FIELDS, CHILD_FIELDS


def apply_family(session: Session, change, waiting: set[str]) -> bool:
    if f"family:{change.id}" in waiting:
        return False  # the desk's own edit goes first; the merged dossier comes back after
    data: dict[str, Any] = change.data
    family = session.get(Family, uuid.UUID(change.id))
    now = session.info["now"]
    created = family is None
    if created:
        family = _new_family(session, change.id, data)
        if family is None:
            return False
    changed = created
    values = {"status": data.get("status", family.status), "notes": data.get("notes", "")}
    if "quotient" in data:
        values["qf_value"] = data["quotient"]
    for name, value in values.items():
        if getattr(family, name) != value:
            setattr(family, name, value)
            changed = True
    if family.status == FamilyStatus.VALIDATED and family.validated_at is None:
        family.validated_at = now
    changed |= _adults(session, family, data.get("adults", []))
    changed |= _children(session, family, data.get("children", []))
    _portal_passwords(session, family, data.get("portal_accounts") or [])
    if changed:
        session.flush()
        family.display_name = family_display_name(family.members)
        family.search_text = search_text_for(family.reference, family.members, family.children)
        family.updated_at = now
        if not created:
            family.version += 1  # a window holding the older dossier cannot overwrite this
    return changed


def _new_family(session: Session, family_id: str, data: dict[str, Any]) -> Family | None:
    reference = data.get("reference", "")
    number = family_number(reference)
    if number is None or session.scalar(
        select(Family.id).where(or_(Family.number == number, Family.reference == reference))
    ):
        return None  # not a desk's reference, or this number is another dossier's here
    now = session.info["now"]
    family = Family(
        id=uuid.UUID(family_id),
        number=number,
        reference=reference,
        status=data.get("status", FamilyStatus.DRAFT),
        created_at=now,
        updated_at=now,
    )
    session.add(family)
    return family


def _adults(session: Session, family: Family, items: list[dict[str, Any]]) -> bool:
    changed = False
    known = {adult.id: adult for adult in family.members}
    kept = set()
    for position, item in enumerate(items):
        adult_id = uuid.UUID(item["id"])
        kept.add(adult_id)
        adult = known.get(adult_id)
        if adult is None:
            adult = Adult(id=adult_id, last_name=item.get("last_name", ""))
            family.members.append(adult)
            changed = True
        if adult.position != position:
            adult.position, changed = position, True
        for name in ADULT_FIELDS:
            if name in item and getattr(adult, name) != item[name]:
                setattr(adult, name, item[name])
                changed = True
    for adult in list(family.members):
        if adult.id not in kept:
            session.execute(delete(PortalAccount).where(PortalAccount.adult_id == adult.id))
            family.members.remove(adult)
            changed = True
    return changed


def _children(session: Session, family: Family, items: list[dict[str, Any]]) -> bool:
    changed = False
    known = {child.id: child for child in family.children}
    for position, item in enumerate(items):
        child_id = uuid.UUID(item["id"])
        child = known.get(child_id)
        if child is None:
            child = Child(
                id=child_id,
                last_name=item.get("last_name", ""),
                first_name=item.get("first_name", ""),
            )
            family.children.append(child)
            changed = True
        values = {name: item[name] for name in CHILD_FIELDS if name in item}
        values["position"] = position
        birth = item.get("birth_date")
        values["birth_date"] = date.fromisoformat(birth) if birth else None
        school_id = uuid.UUID(item["school_id"]) if item.get("school_id") else None
        if school_id is not None and session.get(School, school_id) is None:
            school_id = None  # a school this desk does not have
        values["school_id"] = school_id
        values["class_id"] = _class_of(session, school_id, item.get("level"), child)
        for name, value in values.items():
            if getattr(child, name) != value:
                setattr(child, name, value)
                changed = True
    return changed


def _class_of(session: Session, school_id, level: str | None, child: Child):
    """The child's class: unchanged when it already has that school and level."""
    if school_id is None or level is None:
        return None
    if child.class_id is not None:
        current = session.get(SchoolClass, child.class_id)
        if current is not None and (current.school_id, current.level) == (school_id, level):
            return current.id
    return session.scalar(
        select(SchoolClass.id)
        .where(SchoolClass.school_id == school_id, SchoolClass.level == level)
        .order_by(SchoolClass.position, SchoolClass.name)
        .limit(1)
    )


def _portal_passwords(session: Session, family: Family, items: list[dict[str, Any]]) -> None:
    """When each guardian chose their own portal password (the dossier shows it); not an
    edit of the dossier (its version stays)."""
    changed_at = {
        item["adult_id"]: item.get("password_changed_at") for item in items if item.get("adult_id")
    }
    for account in session.scalars(
        select(PortalAccount).where(PortalAccount.family_id == family.id)
    ):
        if str(account.adult_id) not in changed_at:
            continue
        stamp = changed_at[str(account.adult_id)]
        when = datetime.fromisoformat(stamp) if stamp else None
        if when is not None and when < account.issued_at:
            when = None  # the server's news predates this desk's newer letter
        if account.password_changed_at != when:
            account.password_changed_at = when
            account.must_change_password = account.must_change_password and when is None
