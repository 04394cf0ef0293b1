"""What the change log, pull and the snapshot say of an invoice and a payment, and a
family's credit (the sum of its payments' `to_credit_cents`): shared by invoices.py,
payments.py, the corrections and the portal."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_central.models import Invoice, Payment


def invoice_data(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": str(invoice.id),
        "family_id": str(invoice.family_id),
        "number": invoice.number,
        "amount_cents": invoice.amount_cents,
        "paid_cents": invoice.paid_cents,
        "issued_on": invoice.issued_on.isoformat(),
        "due_on": invoice.due_on.isoformat(),
        "cancelled": invoice.cancelled_at is not None,
        # when: a restored desk dates the credit note it gets back (syncing/recovered_money.py)
        "cancelled_at": invoice.cancelled_at.isoformat() if invoice.cancelled_at else None,
        "credit_note_number": invoice.credit_note_number or "",
        "period_label": invoice.period_label or "",
    }


def family_credit(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID) -> int:
    """The family's credit in cents (PostgreSQL sums bigints as numeric: back to int)."""
    total = session.execute(
        select(func.coalesce(func.sum(Payment.to_credit_cents), 0)).where(
            Payment.tenant_id == tenant_id, Payment.family_id == family_id
        )
    ).scalar_one()
    return int(total)


def payment_data(payment: Payment) -> dict[str, Any]:
    return {
        "id": str(payment.id),
        "family_id": str(payment.family_id),
        "invoice_id": str(payment.invoice_id) if payment.invoice_id else None,
        "method": payment.method,
        "amount_cents": payment.amount_cents,
        "to_invoice_cents": payment.to_invoice_cents,
        "to_sale_cents": payment.to_sale_cents,
        "to_credit_cents": payment.to_credit_cents,
        "received_at": payment.received_at.isoformat(),
        "details": payment.details,
    }
