"""Portal access for parents: a login and a one-time password, and the letter to hand over."""

from __future__ import annotations

import random
import uuid

from sqlalchemy import select

from eticket_desk.models import Family, PortalAccount
from eticket_desk.reports.inputs import PortalLetter
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.passwords import one_time_password, portal_login
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.users import hash_password
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.data import AdultData, FamilyData
from eticket_desk.services.families.dossiers import load_family_quietly
from eticket_desk.sync.outbox import FamilyChanged, emit


def portal_guardians(family: FamilyData) -> list[AdultData]:
    """Who may get a portal login: the dossier's legal guardians (never a third party)."""
    return [a for a in family.adults if a.legal_guardian and not a.third_party]


@changes(Topic.FAMILIES, lambda call: FamilyTopic(call["family_id"]))
def issue_portal_access(
    store: Store,
    actor: Actor,
    family_id: uuid.UUID,
    adult_id: uuid.UUID,
    rng: random.Random | None = None,
) -> PortalLetter:
    """Create (or renew) one legal guardian's portal login and the letter addressed to them;
    a renewal replaces only that guardian's password (the server closes their sessions)."""
    actor.require(Permission.PORTAL_CREDENTIALS)
    rng = rng or random.SystemRandom()
    family = load_family_quietly(store, actor, family_id)
    if family.status != FamilyStatus.VALIDATED:
        raise DomainError(
            "Les codes d'accès au portail ne sont remis que pour un dossier validé "
            f"(ce dossier est « {family.status.label} »)."
        )
    guardian = next((a for a in family.adults if a.id == adult_id), None)
    if guardian is None:
        raise NotFound("Cet adulte ne fait plus partie du dossier.")
    if guardian not in portal_guardians(family):
        raise DomainError(
            f"{guardian.first_name} {guardian.last_name.upper()} n'est pas responsable légal "
            "de l'enfant : seuls les responsables légaux reçoivent des codes d'accès au portail."
        )
    password = one_time_password(rng)
    with store.write(actor) as session:
        fam = session.get(Family, family_id)
        if fam is None:
            raise NotFound("Ce dossier famille n'existe plus.")
        accounts = session.scalars(
            select(PortalAccount).where(PortalAccount.family_id == family_id)
        ).all()
        account = next((a for a in accounts if a.adult_id == adult_id), None)
        if account is None:
            login = portal_login(fam.reference, {a.login for a in accounts})
            account = PortalAccount(family_id=family_id, adult_id=adult_id, login=login)
            session.add(account)
        account.password_hash = hash_password(password)
        account.must_change_password = True
        account.password_changed_at = None
        account.issued_at = session.info["now"]
        account.issued_by = actor.user_id
        emit(session, FamilyChanged(family_id))
        name = f"{guardian.first_name} {guardian.last_name.upper()}".strip()
        record(
            session,
            "portal_access",
            "family",
            family_id,
            f"Codes d'accès au portail remis à {name} (famille {fam.reference}, "
            f"identifiant {account.login})",
        )
        issued_on = session.info["now"].date()
        login = account.login
    organisation = load_organisation(store)
    address = tuple(
        line
        for line in (
            guardian.address1,
            guardian.address2,
            guardian.address3,
            f"{guardian.postcode} {guardian.city.upper()}".strip(),
        )
        if line
    )
    return PortalLetter(
        organisation=organisation,
        family_reference=family.reference,
        addressee=name,
        address_lines=address,
        children=tuple(c.display_name for c in family.children),
        login=login,
        password=password,
        portal_url=organisation.portal_url,
        issued_on=issued_on,
        agent_name=actor.full_name,
    )
