"""The pre-filled SEPA mandate form of a family, printed from the dossier to be signed
(reports/sepa_mandate.py); written in the documents folder (Mandats SEPA/<year>/)."""

from __future__ import annotations

import uuid
from pathlib import Path

from schwifty import IBAN

from eticket_desk.models import Family, SepaMandate
from eticket_desk.reports import sepa_mandate
from eticket_desk.reports.sepa_mandate import MandateForm
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store


def mandate_form(store: Store, actor: Actor, mandate_id: uuid.UUID) -> MandateForm:
    actor.require(Permission.FAMILY_VIEW)
    organisation = load_organisation(store)
    with store.read() as session:
        mandate = session.get(SepaMandate, mandate_id)
        if mandate is None:
            raise NotFound("Ce mandat n'existe pas.")
        family = session.get(Family, mandate.family_id)
        street = f"{mandate.building_number} {mandate.street}".strip()
        return MandateForm(
            organisation=organisation,
            rum=mandate.rum,
            debtor_name=mandate.debtor_name,
            street=street,
            postcode=mandate.postcode,
            town=mandate.town,
            country=mandate.country,
            iban=IBAN(mandate.iban).formatted,
            bic=mandate.bic,
            recurrent=mandate.recurrent,
            signed_on=mandate.signed_on,
            family_reference=family.reference if family else "",
        )


def print_mandate(
    store: Store, actor: Actor, mandate_id: uuid.UUID, out: Path | None = None
) -> Path:
    """The mandate's PDF (« Mandat 123456-F00042-000007.pdf » by default)."""
    form = mandate_form(store, actor, mandate_id)
    if out is None:
        year = form.signed_on.year if form.signed_on else store.clock.today().year
        out = document_path(store, "mandate", year, f"Mandat {form.rum}.pdf")
    return sepa_mandate.render(form, out)
