"""A parent updates their own contact details (checked like at the counter)."""

from __future__ import annotations

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


_CHECKS = {
    "phone_home": normalise_phone,
    "phone_mobile": normalise_phone,
    "phone_work": normalise_phone,
    "email": normalise_email,
    "postcode": normalise_postcode,
}


@router.post("/contacts")
def change_contacts(body: PortalContactChange, request: Request, parent: ParentDep) -> dict:
    """A parent updates their phones, e-mail or address: checked like at the counter, the
    dossier's version goes up, each field changed is stamped as the parent's (a desk that
    changed it too meets a conflict naming them), and the desks receive it at their next pull."""
    state = request.app.state
    now = state.clock.now()
    changes = body.model_dump(exclude={"adult_id"}, exclude_none=True)
    errors = []
    for name, value in changes.items():
        check = _CHECKS.get(name)
        try:
            changes[name] = check(value) if check else value.strip()
        except InvalidInput as error:
            errors.append(str(error))
    if errors:
        raise HTTPException(422, "Rien n'a été modifié : " + " ".join(errors))
    with state.sessions.begin() as session:
        family = session.execute(
            select(Family).where(Family.id == parent.family_id).with_for_update()
        ).scalar_one()
        adults = [dict(adult) for adult in family.data.get("adults", [])]
        mine = next((a for a in adults if a.get("id") == str(body.adult_id)), None)
        if mine is None or mine.get("third_party"):
            raise HTTPException(404, "Cette personne n'est pas un responsable de votre dossier.")
        if all(mine.get(name, "") == value for name, value in changes.items()):
            return {"version": family.version, "changed": False}
        typed = [f"adults/{body.adult_id}/{n}" for n, v in changes.items() if mine.get(n, "") != v]
        mine.update(changes)
        family.data = {**family.data, "adults": adults}
        parent_name = f"{mine.get('first_name', '')} {mine.get('last_name', '')}".strip()
        stamp(family, typed, parent_name, now, PORTAL)
        family.version += 1
        family.updated_at = now
        session.flush()
        record(session, "family", family.id, family_data(family))
        flush_changes(session, parent.tenant_id, None, now)
        return {"version": family.version, "changed": True}
