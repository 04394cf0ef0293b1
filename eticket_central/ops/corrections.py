"""Corrections of money already recorded: a credit note cancelling an invoice, a receipt
cancelled at the counter. Facts, applied once; the original rows stay as they were recorded.

A credit note moves what was paid on the invoice to the family's credit (as the desk does);
a payment arriving later for a cancelled invoice is all credit (money.take_payment). A
cancelled receipt is a counter-payment with every part negated, so the sums (an invoice's
paid amount, the family's credit, the day's takings) stay right without a second rule.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Invoice, Payment
from eticket_central.ops.invoice_prints import save_print
from eticket_central.ops.money_data import family_credit, invoice_data, payment_data
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.sync.protocol import InvoiceCancel, OpType, PaymentCancel, RejectCode

_TO_CREDIT = text(
    "UPDATE payments SET to_credit_cents = to_credit_cents + to_invoice_cents, "
    "to_invoice_cents = 0 WHERE tenant_id = :tenant_id AND invoice_id = :invoice_id "
    "AND to_invoice_cents <> 0 RETURNING id"
)


def _credit_changed(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID) -> None:
    credit = family_credit(session, tenant_id, family_id)
    record(
        session,
        "family_credit",
        family_id,
        {"family_id": str(family_id), "credit_cents": credit},
    )


def _invoice_unknown(payload: InvoiceCancel) -> Rejected:
    return Rejected(
        RejectCode.NOT_FOUND,
        f"L'avoir {payload.credit_note_number} annule une facture que le serveur ne "
        "connaît pas encore : elle sera envoyée d'abord.",
    )


def _payment_unknown(_payload: PaymentCancel) -> Rejected:
    return Rejected(
        RejectCode.NOT_FOUND,
        "Le règlement annulé n'est pas connu du serveur : il sera envoyé d'abord.",
    )


@handler(
    OpType.INVOICE_CANCEL,
    owned_ids=lambda p: [(Invoice, p.invoice_id)],
    unknown=_invoice_unknown,
)
def cancel_invoice(
    session: Session, ctx: OpContext, payload: InvoiceCancel, now: datetime
) -> dict[str, Any]:
    invoice = session.execute(
        select(Invoice).where(Invoice.id == payload.invoice_id).with_for_update()
    ).scalar_one_or_none()
    if invoice is None:
        raise _invoice_unknown(payload)
    if invoice.cancelled_at is not None:
        return {"invoice_id": str(invoice.id), "already_recorded": True}
    invoice.cancelled_at = payload.cancelled_at
    invoice.credit_note_number = payload.credit_note_number
    save_print(session, ctx.tenant_id, invoice.id, "credit_note", payload.printed)
    moved = invoice.paid_cents
    invoice.paid_cents = 0
    invoice.updated_at = now
    if moved:
        for (payment_id,) in session.execute(
            _TO_CREDIT, {"tenant_id": ctx.tenant_id, "invoice_id": invoice.id}
        ):
            session.expire(session.get(Payment, payment_id))
            record(session, "payment", payment_id, payment_data(session.get(Payment, payment_id)))
        _credit_changed(session, ctx.tenant_id, invoice.family_id)
    session.flush()
    record(session, "invoice", invoice.id, invoice_data(invoice))
    return {"invoice_id": str(invoice.id), "to_credit_cents": moved, "already_recorded": False}


def reversal_id(payment_id: uuid.UUID) -> uuid.UUID:
    """The counter-payment's id: derived, so a re-sent cancellation is recognised."""
    return uuid.uuid5(payment_id, "cancelled")


@handler(
    OpType.PAYMENT_CANCEL,
    owned_ids=lambda p: [(Payment, p.payment_id)],
    unknown=_payment_unknown,
)
def cancel_payment(
    session: Session, ctx: OpContext, payload: PaymentCancel, now: datetime
) -> dict[str, Any]:
    payment = session.get(Payment, payload.payment_id)
    if payment is None:
        raise _payment_unknown(payload)
    if "cancels" in payment.details:
        raise Rejected(
            RejectCode.INVALID_DATA,
            "Ce règlement est lui-même l'annulation d'une quittance : il ne s'annule pas.",
        )
    reversal = reversal_id(payment.id)
    if session.get(Payment, reversal) is not None:
        return {"payment_id": str(payment.id), "already_recorded": True}
    if payment.invoice_id is not None and payment.to_invoice_cents:
        invoice = session.execute(
            select(Invoice).where(Invoice.id == payment.invoice_id).with_for_update()
        ).scalar_one()
        invoice.paid_cents -= payment.to_invoice_cents
        invoice.updated_at = now
        record(session, "invoice", invoice.id, invoice_data(invoice))
    counter = Payment(
        id=reversal,
        tenant_id=ctx.tenant_id,
        family_id=payment.family_id,
        invoice_id=payment.invoice_id,
        method=payment.method,
        amount_cents=-payment.amount_cents,
        to_invoice_cents=-payment.to_invoice_cents,
        to_sale_cents=-payment.to_sale_cents,
        to_credit_cents=-payment.to_credit_cents,
        received_at=payload.cancelled_at,
        recorded_at=now,
        device_id=ctx.device_id,
        details={"cancels": str(payment.id), "reason": payload.reason},
    )
    session.add(counter)
    session.flush()
    record(session, "payment", counter.id, payment_data(counter))
    if payment.to_credit_cents:
        _credit_changed(session, ctx.tenant_id, payment.family_id)
    return {"payment_id": str(payment.id), "already_recorded": False}
