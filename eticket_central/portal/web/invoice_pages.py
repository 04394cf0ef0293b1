"""Factures: the family's invoices with their number, dates, amount, what is paid and their
status (« à payer », « payée », « annulée par avoir »), the family's credit, the PDF link
(served by the documents' module) and « Payer en ligne » for the exact amount left — sent to
PayFiP (payment_pages.start_and_leave). A paid invoice has no button; an invoice of another
family is 404, as one that does not exist."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from eticket_central.payfip.requests import payfip_open
from eticket_central.portal.family_money import invoices
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.payment_pages import start_and_leave
from eticket_central.portal.web.session import WebParentDep
from eticket_central.portal.web.templating import render

router = APIRouter()
PAGE = "/portail/factures"


@router.get("/factures")  # under /portail (web/__init__.py)
def invoices_page(request: Request, parent: WebParentDep):
    with request.app.state.sessions.begin() as session:
        lines, credit = invoices(session, parent.tenant_id, parent.family_id)
        is_open = payfip_open(session, parent.tenant_id)
    return render(
        request,
        "factures.html",
        parent,
        active="factures",
        invoices=lines,
        credit_cents=credit,
        payfip_open=is_open,
    )


@router.post("/factures/{invoice_id}/payer")
def pay_invoice(invoice_id: uuid.UUID, request: Request, parent: WebParentDep, form: CsrfFormDep):
    return start_and_leave(request, parent, PAGE, invoice_id=invoice_id)
