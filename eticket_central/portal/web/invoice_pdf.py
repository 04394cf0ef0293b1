"""The PDF of a family's invoice or credit note on the portal: the document the desk issued,
rendered by the same report from what the desk sent (portal/invoice_document.py). Another
family's invoice, one the server does not hold, or one without its printed copy (sent by a
desk older than the portal) gets the portal's 404 page, the same answer for each."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response

from eticket_central.portal.invoice_document import family_document
from eticket_central.portal.web.session import WebParentDep
from eticket_desk.reports.invoice import render_bytes

router = APIRouter()


def _pdf(request: Request, parent, invoice_id: uuid.UUID, kind: str) -> Response:
    with request.app.state.sessions.begin() as session:
        data = family_document(session, parent.tenant_id, parent.family_id, invoice_id, kind)
    if data is None:
        raise HTTPException(404)  # the portal's one 404 page (errors.py)
    title = "Avoir" if data.is_credit_note else "Facture"
    return Response(
        render_bytes(data),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{title} {data.number}.pdf"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/factures/{invoice_id}/pdf")
def invoice_pdf(request: Request, parent: WebParentDep, invoice_id: uuid.UUID) -> Response:
    return _pdf(request, parent, invoice_id, "invoice")


@router.get("/factures/{invoice_id}/avoir/pdf")
def credit_note_pdf(request: Request, parent: WebParentDep, invoice_id: uuid.UUID) -> Response:
    """The credit note that cancelled this invoice (the invoice's id: the portal lists it)."""
    return _pdf(request, parent, invoice_id, "credit_note")
