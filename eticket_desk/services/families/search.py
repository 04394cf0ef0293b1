"""Family search as you type: reference, names of adults and children, phones, emails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, case, literal, select

from eticket_desk.models import Adult, Child, Family, SchoolClass
from eticket_desk.rules.contact import format_phone
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import query_terms
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class FamilyHit:
    id: uuid.UUID
    reference: str
    display_name: str
    status: FamilyStatus
    children: str
    phone: str
    city: str

    @property
    def status_label(self) -> str:
        return self.status.label


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_families(
    store: Store,
    actor: Actor,
    query: str,
    limit: int = 50,
    include_archived: bool = True,
) -> list[FamilyHit]:
    """Families matching every term, best first: the exact reference, then families where
    every term starts a word, then the others; alphabetical within each group."""
    actor.require(Permission.FAMILY_VIEW)
    terms = [_escape(t) for t in query_terms(query)]
    statement = select(Family.id)
    if terms:
        statement = statement.where(
            and_(*(Family.search_text.like(f"%{t}%", escape="\\") for t in terms))
        )
        spaced = literal(" ") + Family.search_text
        word_starts = and_(*(spaced.like(f"% {t}%", escape="\\") for t in terms))
        exact = Family.reference == query.strip().upper()
        statement = statement.order_by(
            case((exact, 0), (word_starts, 1), else_=2), Family.display_name
        )
    else:
        statement = statement.order_by(Family.display_name)
    if not include_archived:
        statement = statement.where(Family.status != FamilyStatus.ARCHIVED.value)
    with store.read() as session:
        ids = list(session.scalars(statement.limit(limit)))
        return _hits(session, ids)


def _hits(session, ids: list[uuid.UUID]) -> list[FamilyHit]:
    if not ids:
        return []
    families = {
        row.id: row
        for row in session.execute(
            select(Family.id, Family.reference, Family.display_name, Family.status).where(
                Family.id.in_(ids)
            )
        )
    }
    children: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    for first_name, class_name, family_id in session.execute(
        select(Child.first_name, SchoolClass.name, Child.family_id)
        .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
        .where(Child.family_id.in_(ids))
        .order_by(Child.family_id, Child.position)
    ):
        children[family_id].append(f"{first_name} ({class_name})" if class_name else first_name)
    contact: dict[uuid.UUID, tuple[str, str]] = {}
    for row in session.execute(
        select(
            Adult.family_id,
            Adult.phone_mobile,
            Adult.phone_home,
            Adult.phone_work_mobile,
            Adult.phone_work,
            Adult.city,
        )
        .where(Adult.family_id.in_(ids), Adult.third_party.is_(False))
        .order_by(Adult.family_id, Adult.legal_guardian.desc(), Adult.position)
    ):
        if row.family_id not in contact:
            phone = row.phone_mobile or row.phone_home or row.phone_work_mobile or row.phone_work
            contact[row.family_id] = (format_phone(phone), row.city)
    hits = []
    for family_id in ids:
        f = families[family_id]
        phone, city = contact.get(family_id, ("", ""))
        hits.append(
            FamilyHit(
                f.id,
                f.reference,
                f.display_name,
                FamilyStatus(f.status),
                ", ".join(children[family_id]),
                phone,
                city,
            )
        )
    return hits
