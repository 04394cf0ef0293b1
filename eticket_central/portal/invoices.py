"""A parent's invoices and paying one online."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from eticket_central.changes import flush_changes
from eticket_central.models import Invoice, Payment
from eticket_central.ops.money import family_credit, invoice_data, take_payment
from eticket_central.ops.registry import OpContext
from eticket_central.portal.parents import ParentDep
from eticket_desk.rules.money import format_cents
from eticket_desk.sync.protocol import OnlinePayment

router = APIRouter()
_PAYMENT_IDS = uuid.UUID("6f1d2c1e-55a8-4c1b-9d0e-7b7c6a3c2f10")


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
    """Records an online payment (the bank's transaction reference makes it idempotent)."""
    state = request.app.state
    now = state.clock.now()
    payment_id = uuid.uuid5(_PAYMENT_IDS, f"{parent.tenant_id}:{body.transaction_ref}")
    ctx = OpContext(parent.tenant_id, None, payment_id)
    with state.sessions.begin() as session:
        invoice = session.execute(
            select(Invoice).where(Invoice.id == body.invoice_id).with_for_update()
        ).scalar_one_or_none()
        if invoice is None:
            raise HTTPException(404, "Facture introuvable.")
        if (invoice.tenant_id, invoice.family_id) != (parent.tenant_id, parent.family_id):
            raise HTTPException(403, "Cette facture n'est pas celle de votre famille.")
        if invoice.cancelled_at is not None and session.get(Payment, payment_id) is None:
            raise HTTPException(
                409,
                f"Cette facture a été annulée par l'avoir {invoice.credit_note_number} : "
                "il n'y a rien à payer.",
            )
        due = invoice.amount_cents - invoice.paid_cents
        if session.get(Payment, payment_id) is None and body.amount_cents > due:
            raise HTTPException(
                409,
                "Cette facture est déjà réglée."
                if due == 0
                else f"Le montant dépasse le reste à payer ({format_cents(due)}).",
            )
        answer = take_payment(
            session,
            ctx,
            payment_id=payment_id,
            family_id=parent.family_id,
            invoice_id=invoice.id,
            method="online",
            amount_cents=body.amount_cents,
            received_at=now,
            details={"transaction_ref": body.transaction_ref},
            now=now,
        )
        flush_changes(session, parent.tenant_id, None, now)
        return answer
