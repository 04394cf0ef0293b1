"""A parent updates the contact details of a legal guardian of their dossier: checked like at
the counter, stamped for conflicts. One function (`change_contacts_of`) for the JSON endpoint
and the dossier page (web/dossier_pages.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from eticket_central.changes import flush_changes, record
from eticket_central.models import Family
from eticket_central.ops.families import family_data
from eticket_central.ops.family_edits import PORTAL, stamp
from eticket_central.portal.parents import ParentDep
from eticket_desk.rules.contact import normalise_email, normalise_phone, normalise_postcode
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.sync.protocol import PortalContactChange

router = APIRouter()

# The fields a parent may change, in the order the page shows them.
FIELDS = (
    "phone_home",
    "phone_mobile",
    "phone_work",
    "email",
    "address1",
    "address2",
    "postcode",
    "city",
)
_CHECKS = {
    "phone_home": normalise_phone,
    "phone_mobile": normalise_phone,
    "phone_work": normalise_phone,
    "email": normalise_email,
    "postcode": normalise_postcode,
}
MAX_LENGTH = 200
NOT_YOURS = "Cette personne n'est pas un responsable de votre dossier."


class ContactsRefused(Exception):
    """Nothing was changed: the French message of each field refused, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class ContactsSaved:
    version: int
    changed: bool


def checked_contacts(changes: dict[str, str]) -> dict[str, str]:
    """The values as the counter keeps them (phones in E.164…), or ContactsRefused."""
    cleaned, errors = {}, {}
    for name, value in changes.items():
        if name not in FIELDS:
            continue
        if len(value) > MAX_LENGTH or "\x00" in value:
            errors[name] = f"Ce champ dépasse {MAX_LENGTH} caractères."
            continue
        check = _CHECKS.get(name)
        try:
            cleaned[name] = check(value) if check else value.strip()
        except InvalidInput as error:
            errors[name] = str(error)
    if errors:
        raise ContactsRefused(errors)
    return cleaned


def change_contacts_of(
    state, tenant_id: uuid.UUID, family_id: uuid.UUID, adult_id, changes: dict[str, str]
) -> ContactsSaved:
    """Checks, then writes in one transaction: the dossier's version goes up, each field
    changed is stamped as the parent's (a desk that changed it too meets a conflict naming
    them), and the desks receive it at their next pull. A person who is not a legal guardian
    of this dossier (another family's, a third party) is 404, like one that does not exist."""
    now = state.clock.now()
    changes = checked_contacts(changes)
    with state.sessions.begin() as session:
        family = session.execute(
            select(Family)
            .where(Family.id == family_id, Family.tenant_id == tenant_id)
            .with_for_update()
        ).scalar_one_or_none()
        if family is None:
            raise HTTPException(404, NOT_YOURS)
        adults = [dict(adult) for adult in family.data.get("adults", [])]
        mine = next((a for a in adults if a.get("id") == str(adult_id)), None)
        if mine is None or mine.get("third_party"):
            raise HTTPException(404, NOT_YOURS)
        typed = [f"adults/{adult_id}/{n}" for n, v in changes.items() if mine.get(n, "") != v]
        if not typed:
            return ContactsSaved(family.version, False)
        mine.update(changes)
        family.data = {**family.data, "adults": adults}
        parent_name = f"{mine.get('first_name', '')} {mine.get('last_name', '')}".strip()
        stamp(family, typed, parent_name, now, PORTAL)
        family.version += 1
        family.updated_at = now
        session.flush()
        record(session, "family", family.id, family_data(family))
        flush_changes(session, tenant_id, None, now)
        return ContactsSaved(family.version, True)


@router.post("/contacts")
def change_contacts(body: PortalContactChange, request: Request, parent: ParentDep) -> dict:
    """A parent updates their phones, e-mail or address (fields left out stay as they are)."""
    changes = body.model_dump(exclude={"adult_id"}, exclude_none=True)
    try:
        saved = change_contacts_of(
            request.app.state, parent.tenant_id, parent.family_id, body.adult_id, changes
        )
    except ContactsRefused as refused:
        raise HTTPException(422, "Rien n'a été modifié : " + str(refused)) from None
    return {"version": saved.version, "changed": saved.changed}
