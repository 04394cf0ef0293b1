"""Payments received: facts, never rejected, never recorded twice.

A payment for an invoice pays what the invoice still needs; the rest (e.g. cash taken offline
for an invoice a parent already paid online) becomes the family's credit. Credit is the sum
of the payments' `to_credit_cents`, so nothing is ever counted twice. A run of a sale's
payments (tickets: no invoice) is written in one statement (sale_payments).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.json_rows import json_array, json_values
from eticket_central.models import Family, Invoice, Payment
from eticket_central.ops.money_data import family_credit, invoice_data, payment_data
from eticket_central.ops.registry import OpContext, handler
from eticket_desk.sync.protocol import OpType, PaymentReceived


def _answer(session: Session, payment: Payment, already: bool) -> dict[str, Any]:
    answer = {
        "payment_id": str(payment.id),
        "to_invoice_cents": payment.to_invoice_cents,
        "to_credit_cents": payment.to_credit_cents,
        "credit_cents": family_credit(session, payment.tenant_id, payment.family_id),
        "already_recorded": already,
    }
    if payment.invoice_id is not None:
        invoice = session.get(Invoice, payment.invoice_id)
        answer["invoice_due_cents"] = (
            invoice.amount_cents - invoice.paid_cents if invoice is not None else None
        )
    return answer


def take_payment(
    session: Session,
    ctx: OpContext,
    *,
    payment_id: uuid.UUID,
    family_id: uuid.UUID,
    invoice_id: uuid.UUID | None,
    method: str,
    amount_cents: int,
    received_at: datetime,
    details: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """Records money received: the invoice gets what it still needs, the rest is credit."""
    existing = session.get(Payment, payment_id)
    if existing is not None:
        return _answer(session, existing, already=True)
    to_invoice = to_sale = 0
    if invoice_id is None:
        to_sale = amount_cents  # tickets: the sale's wallet lines come as their own ops
    else:
        invoice = session.execute(
            select(Invoice).where(Invoice.id == invoice_id).with_for_update()
        ).scalar_one_or_none()
        if invoice is None:
            details = {**details, "unknown_invoice": True}  # a fact: kept as credit
        elif invoice.cancelled_at is not None:
            details = {**details, "cancelled_invoice": True}  # cancelled: all credit
        else:
            to_invoice = min(amount_cents, invoice.amount_cents - invoice.paid_cents)
            if to_invoice:
                invoice.paid_cents += to_invoice
                invoice.updated_at = now
                record(session, "invoice", invoice.id, invoice_data(invoice))
    payment = Payment(
        id=payment_id,
        tenant_id=ctx.tenant_id,
        family_id=family_id,
        invoice_id=invoice_id,
        method=method,
        amount_cents=amount_cents,
        to_invoice_cents=to_invoice,
        to_sale_cents=to_sale,
        to_credit_cents=amount_cents - to_invoice - to_sale,
        received_at=received_at,
        recorded_at=now,
        device_id=ctx.device_id,
        details=details,
    )
    session.add(payment)
    session.flush()
    record(session, "payment", payment.id, payment_data(payment))
    answer = _answer(session, payment, already=False)
    if payment.to_credit_cents:
        record(
            session,
            "family_credit",
            family_id,
            {"family_id": str(family_id), "credit_cents": answer["credit_cents"]},
        )
    return answer


_INSERT_SALE_PAYMENTS = text(
    "INSERT INTO payments (id, tenant_id, family_id, invoice_id, method, amount_cents, "
    "to_invoice_cents, to_sale_cents, to_credit_cents, received_at, recorded_at, device_id, "
    "details) SELECT p.id, :tenant_id, p.family_id, NULL, p.method, p.amount, 0, p.amount, 0, "
    "p.received_at, :recorded_at, :device_id, p.details FROM unnest(CAST(:ids AS uuid[]), "
    "CAST(:family_ids AS uuid[]), CAST(:methods AS text[]), CAST(:amounts AS bigint[]), "
    "CAST(:received AS timestamp[]), " + json_array("details") + ") "
    "AS p(id, family_id, method, amount, received_at, details) "
    "ON CONFLICT DO NOTHING RETURNING id"
)


def _details(payload: PaymentReceived) -> dict[str, Any]:
    details: dict[str, Any] = {"receipt_number": payload.receipt_number}
    if payload.cheque is not None:
        details["cheque"] = payload.cheque.model_dump()
    return details


def sale_payments(
    session: Session, ctxs: list[OpContext], payloads: list[PaymentReceived], now: datetime
) -> list[dict[str, Any]] | None:
    """A run of payments for ticket sales in one statement; invoices go one by one."""
    if any(p.invoice_id is not None for p in payloads):
        return None
    ctx = ctxs[0]
    details = [_details(p) for p in payloads]
    inserted = set(
        session.execute(
            _INSERT_SALE_PAYMENTS,
            {
                "tenant_id": ctx.tenant_id,
                "recorded_at": now,
                "device_id": ctx.device_id,
                "ids": [p.payment_id for p in payloads],
                "family_ids": [p.family_id for p in payloads],
                "methods": [p.method for p in payloads],
                "amounts": [p.amount_cents for p in payloads],
                "received": [p.received_at for p in payloads],
                "details": json_values(details),
            },
        ).scalars()
    )
    if len(inserted) != len(payloads):
        return None  # one was already recorded: its original answer comes one by one
    credits = dict(
        session.execute(
            select(Payment.family_id, func.sum(Payment.to_credit_cents))
            .where(
                Payment.tenant_id == ctx.tenant_id,
                Payment.family_id.in_({p.family_id for p in payloads}),
            )
            .group_by(Payment.family_id)
        ).all()
    )
    results = []
    for payload, detail in zip(payloads, details, strict=True):
        record(
            session,
            "payment",
            payload.payment_id,
            {
                "id": str(payload.payment_id),
                "family_id": str(payload.family_id),
                "invoice_id": None,
                "method": payload.method,
                "amount_cents": payload.amount_cents,
                "to_invoice_cents": 0,
                "to_sale_cents": payload.amount_cents,
                "to_credit_cents": 0,
                "received_at": payload.received_at.isoformat(),
                "details": detail,
            },
        )
        results.append(
            {
                "payment_id": str(payload.payment_id),
                "to_invoice_cents": 0,
                "to_credit_cents": 0,
                "credit_cents": int(credits.get(payload.family_id, 0)),
                "already_recorded": False,
            }
        )
    return results


@handler(
    OpType.PAYMENT_RECEIVED,
    owned_ids=lambda p: (
        [(Payment, p.payment_id), (Family, p.family_id)]
        + ([(Invoice, p.invoice_id)] if p.invoice_id else [])
    ),
    apply_many=sale_payments,
)
def payment_received(
    session: Session, ctx: OpContext, payload: PaymentReceived, now: datetime
) -> dict[str, Any]:
    details = _details(payload)
    return take_payment(
        session,
        ctx,
        payment_id=payload.payment_id,
        family_id=payload.family_id,
        invoice_id=payload.invoice_id,
        method=payload.method,
        amount_cents=payload.amount_cents,
        received_at=payload.received_at,
        details=details,
        now=now,
    )
