"""Portal access for parents: a login and a one-time password, and the letter to hand over."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import select

from eticket_desk.models import Family, PortalAccount
from eticket_desk.reports.inputs import PortalLetter
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.passwords import one_time_password
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.users import hash_password
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.dossiers import load_family_quietly
from eticket_desk.sync.outbox import FamilyChanged, emit


@changes(Topic.FAMILIES, lambda call: FamilyTopic(call["family_id"]))
def issue_portal_access(
    store: Store, actor: Actor, family_id: uuid.UUID, rng: random.Random | None = None
) -> PortalLetter:
    """Create (or renew) the family's portal login; the previous password stops working."""
    actor.require(Permission.PORTAL_CREDENTIALS)
    rng = rng or random.SystemRandom()
    family = load_family_quietly(store, actor, family_id)
    if family.status != FamilyStatus.VALIDATED:
        raise DomainError(
            "Les codes d'accès au portail ne sont remis que pour un dossier validé "
            f"(ce dossier est « {family.status.label} »)."
        )
    payer = next((a for a in family.adults if a.billing and not a.third_party), None)
    if payer is None:
        raise DomainError("Le dossier n'a pas d'adulte de facturation à qui adresser le courrier.")
    password = one_time_password(rng)
    with store.write(actor) as session:
        fam = session.get(Family, family_id)
        if fam is None:
            raise NotFound("Ce dossier famille n'existe plus.")
        account = session.scalar(select(PortalAccount).where(PortalAccount.family_id == family_id))
        if account is None:
            account = PortalAccount(family_id=family_id, login=fam.reference.lower())
            session.add(account)
        account.password_hash = hash_password(password)
        account.must_change_password = True
        account.issued_at = session.info["now"]
        account.issued_by = actor.user_id
        emit(session, FamilyChanged(family_id))
        record(
            session,
            "portal_access",
            "family",
            family_id,
            f"Codes d'accès au portail remis à la famille {fam.reference}",
        )
        issued_on = session.info["now"].date()
        login = account.login
    organisation = load_organisation(store)
    address = tuple(
        line
        for line in (
            payer.address1,
            payer.address2,
            payer.address3,
            f"{payer.postcode} {payer.city.upper()}".strip(),
        )
        if line
    )
    return PortalLetter(
        organisation=organisation,
        family_reference=family.reference,
        addressee=f"{payer.first_name} {payer.last_name.upper()}".strip(),
        address_lines=address,
        children=tuple(c.display_name for c in family.children),
        login=login,
        password=password,
        portal_url=organisation.portal_url,
        issued_on=issued_on,
        agent_name=actor.full_name,
    )
