"""A parent's invoices (JSON), and a parent's own claim of a payment, refused.

A payment counts only when the payment provider confirms it server to server
(confirmations.py, payfip/notifications.py): a parent's own POST records nothing; paying
online goes through PayFiP from the Factures page (portal/web/invoice_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from eticket_central.models import Invoice
from eticket_central.ops.money_data import family_credit, invoice_data
from eticket_central.portal.parents import ParentDep
from eticket_desk.sync.protocol import OnlinePayment

router = APIRouter()
NOT_OPEN = (
    "Un paiement en ligne se fait sur PayFiP, le service de paiement de la DGFiP, depuis la "
    "page « Factures » du portail : rien n'a été enregistré ici, seule la confirmation de "
    "PayFiP compte."
)


@router.get("/invoices")
def invoices(request: Request, parent: ParentDep) -> dict:
    with request.app.state.sessions.begin() as session:
        found = session.execute(
            select(Invoice)
            .where(Invoice.tenant_id == parent.tenant_id, Invoice.family_id == parent.family_id)
            .order_by(Invoice.issued_on, Invoice.number)
        ).scalars()
        return {
            "invoices": [invoice_data(i) for i in found],
            "credit_cents": family_credit(session, parent.tenant_id, parent.family_id),
        }


@router.post("/payments")
def pay_online(body: OnlinePayment, request: Request, parent: ParentDep) -> dict:
    """Refused: the parent's word is not a payment (only the provider's confirmation is)."""
    with request.app.state.sessions.begin() as session:
        invoice = session.get(Invoice, body.invoice_id)
        if invoice is None or (invoice.tenant_id, invoice.family_id) != (
            parent.tenant_id,
            parent.family_id,
        ):
            raise HTTPException(404, "Facture introuvable.")
    raise HTTPException(409, NOT_OPEN)
