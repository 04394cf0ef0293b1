"""Paying online: the request sent to PayFiP and the parent's browser sent after it, and the
return page. The return page only reads our record of the attempt (pending until PayFiP's
notification, then paid, refused or abandoned), never what its address or PayFiP's browser
redirect claims; another family's attempt is 404."""

from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from eticket_central.payfip.receipts import what_was_paid
from eticket_central.payfip.requests import Payer, start_payment, transaction_of
from eticket_central.payfip.soap import PayfipError
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import WebParent, WebParentDep
from eticket_central.portal.web.templating import render
from eticket_desk.rules.errors import DomainError, NotFound

router = APIRouter()
RETURN_PAGE = "/portail/paiements/{id}"
UNREACHABLE = (
    "PayFiP, le service de paiement de la DGFiP, n'a pas pu prendre votre paiement : rien "
    "n'a été payé. Réessayez dans quelques minutes ; si cela se répète, payez au guichet."
)
log = logging.getLogger(__name__)


def _payer(parent: WebParent) -> Payer:
    return Payer(parent.tenant_id, parent.family_id, parent.adult_id)


def start_and_leave(request: Request, parent: WebParent, back: str, **what):
    """Asks PayFiP for the operation and sends the browser to PayFiP's page (303); a refusal
    goes back to `back` with its French message, nothing written."""
    try:
        started = start_payment(request.app.state, _payer(parent), str(request.base_url), **what)
    except NotFound:
        raise HTTPException(404, "Facture introuvable.") from None
    except DomainError as refusal:
        return see_other(back, refusal.message, kind="erreur")
    except PayfipError as error:
        log.warning("PayFiP request refused or unreachable: %s", error)
        return see_other(back, UNREACHABLE, kind="erreur")
    return RedirectResponse(started.payment_page, status_code=303)


@router.post("/paiements/tickets")  # under /portail (web/__init__.py)
def pay_tickets(request: Request, parent: WebParentDep, form: CsrfFormDep):
    quantity = str(form.get("quantite", ""))
    return start_and_leave(
        request,
        parent,
        "/portail/porte-monnaie",
        ticket_type=str(form.get("type", "")),
        quantity=int(quantity) if quantity.isdigit() else 0,
    )


@router.get("/paiements/{transaction_id}")
def return_page(transaction_id: uuid.UUID, request: Request, parent: WebParentDep):
    with request.app.state.sessions.begin() as session:
        try:
            attempt = transaction_of(session, _payer(parent), transaction_id)
        except NotFound:
            raise HTTPException(404, "Paiement introuvable.") from None
        what = what_was_paid(session, attempt)
        session.expunge(attempt)
    return render(
        request,
        "paiement_retour.html",
        parent,
        active="",
        attempt=attempt,
        state=attempt.state,
        what=what[0].upper() + what[1:],
    )


@router.post("/paiements/{transaction_id}")
def return_from_payfip(transaction_id: uuid.UUID):
    """PayFiP may send the browser back with a POST: it writes nothing, so the page is
    fetched again with a GET (where the login cookie is sent)."""
    return RedirectResponse(RETURN_PAGE.format(id=transaction_id), status_code=303)
