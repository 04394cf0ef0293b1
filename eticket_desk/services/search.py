"""Family search as you type: reference, names of adults and children, phones, emails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, select

from eticket_desk.models import Adult, Child, Family, SchoolClass
from eticket_desk.rules.contact import format_phone
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import query_terms
from eticket_desk.services.store import Actor, Store


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


def _rank(search_text: str, reference: str, terms: list[str]) -> int:
    if len(terms) == 1 and terms[0] == reference.lower():
        return 0
    words = search_text.split()
    if all(any(w.startswith(t) for w in words) for t in terms):
        return 1
    return 2


def search_families(
    store: Store, actor: Actor, query: str, limit: int = 50, include_archived: bool = True
) -> list[FamilyHit]:
    """Families matching every term, best first (reference, then word starts, then name)."""
    actor.require(Permission.FAMILY_VIEW)
    terms = query_terms(query)
    candidates = select(Family.id, Family.reference, Family.display_name, Family.search_text)
    if terms:
        escaped = [t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms]
        candidates = candidates.where(
            and_(*(Family.search_text.like(f"%{t}%", escape="\\") for t in escaped))
        )
    if not include_archived:
        candidates = candidates.where(Family.status != FamilyStatus.ARCHIVED.value)
    with store.read() as session:
        if not terms:
            rows = session.execute(candidates.order_by(Family.display_name).limit(limit)).all()
        else:
            rows = session.execute(candidates.limit(2000)).all()
            rows.sort(key=lambda r: (_rank(r.search_text, r.reference, terms), r.display_name))
            rows = rows[:limit]
        ids = [r.id for r in rows]
        return _hits(session, ids)


def _hits(session, ids: list[uuid.UUID]) -> list[FamilyHit]:
    if not ids:
        return []
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(ids)))}
    children: dict[uuid.UUID, list[str]] = {i: [] for i in ids}
    for first_name, class_name, family_id in session.execute(
        select(Child.first_name, SchoolClass.name, Child.family_id)
        .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
        .where(Child.family_id.in_(ids))
        .order_by(Child.family_id, Child.position)
    ):
        children[family_id].append(f"{first_name} ({class_name})" if class_name else first_name)
    contact: dict[uuid.UUID, tuple[str, str]] = {}
    for adult in session.scalars(
        select(Adult)
        .where(Adult.family_id.in_(ids), Adult.third_party.is_(False))
        .order_by(Adult.family_id, Adult.legal_guardian.desc(), Adult.position)
    ):
        if adult.family_id not in contact:
            phone = (
                adult.phone_mobile
                or adult.phone_home
                or adult.phone_work_mobile
                or adult.phone_work
            )
            contact[adult.family_id] = (format_phone(phone), adult.city)
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
