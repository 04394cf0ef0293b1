"""« Mon dossier »: the legal guardians' contacts, one form each (checked and stamped by the
same function as the JSON endpoint, portal/contacts.py), the third parties, the children
read-only, the authorisations, and whom to tell of an error."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from eticket_central.portal.contacts import FIELDS, ContactsRefused, change_contacts_of
from eticket_central.portal.dossier import dossier_view
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import WebParentDep
from eticket_central.portal.web.templating import render

router = APIRouter()
PAGE = "/portail/dossier"
LABELS = {
    "phone_home": "Téléphone du domicile",
    "phone_mobile": "Téléphone portable",
    "phone_work": "Téléphone professionnel",
    "email": "Adresse e-mail",
    "address1": "Adresse",
    "address2": "Complément d'adresse",
    "postcode": "Code postal",
    "city": "Commune",
}
_TYPES = {"email": "email", "phone_home": "tel", "phone_mobile": "tel", "phone_work": "tel"}
_AUTOCOMPLETE = {
    "email": "email",
    "phone_home": "tel",
    "phone_mobile": "tel",
    "phone_work": "tel",
    "address1": "address-line1",
    "address2": "address-line2",
    "postcode": "postal-code",
    "city": "address-level2",
}


def _page(request: Request, parent, status: int = 200, **context) -> Response:
    with request.app.state.sessions.begin() as session:
        view = dossier_view(session, parent.tenant_id, parent.family_id)
    return render(
        request,
        "dossier.html",
        parent,
        active="dossier",
        status=status,
        view=view,
        fields=FIELDS,
        labels=LABELS,
        types=_TYPES,
        autocomplete=_AUTOCOMPLETE,
        errors=context.pop("errors", {}),
        typed=context.pop("typed", {}),
        **context,
    )


@router.get("/dossier")
def dossier_page(request: Request, parent: WebParentDep) -> Response:
    return _page(request, parent)


@router.post("/dossier/coordonnees")
def change_contacts_page(request: Request, parent: WebParentDep, form: CsrfFormDep) -> Response:
    """One guardian's form: saved whole, or shown again with each refused field's reason
    next to it and what was typed kept."""
    adult_id = str(form.get("adulte", ""))
    typed = {name: str(form.get(name, "")) for name in FIELDS}
    try:
        saved = change_contacts_of(
            request.app.state, parent.tenant_id, parent.family_id, adult_id, typed
        )
    except ContactsRefused as refused:
        return _page(
            request,
            parent,
            status=422,
            errors={adult_id: refused.errors},
            typed={adult_id: typed},
            message={
                "kind": "erreur",
                "text": "Rien n'a été modifié : corrigez les champs signalés.",
            },
        )
    if not saved.changed:
        return see_other(PAGE, "Aucun changement : vos coordonnées sont déjà celles-ci.", "info")
    return see_other(PAGE, "Vos coordonnées sont enregistrées : la mairie les reçoit.")
