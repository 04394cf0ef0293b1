"""Money facts: issued invoices and payments received (never twice).

An invoice names a dossier of the desk's own commune (another commune's is unknown, like one
the server never saw) and may use no more of the family's credit than it has. Payments
received are facts: never rejected. A run of new invoices (a first upload's) is issued in a
few statements when none of them can be refused (new_invoices).

A payment for an invoice pays what the invoice still needs; the rest (e.g. cash taken offline
for an invoice a parent already paid online) becomes the family's credit. Credit is the sum
of the payments' `to_credit_cents`, so nothing is ever counted twice.
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
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.money import format_cents
from eticket_desk.sync.protocol import (
    InvoiceIssue,
    OpType,
    PaymentReceived,
    RejectCode,
)


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
        "credit_note_number": invoice.credit_note_number or "",
    }


_INVOICES_TAKEN = text(
    "SELECT 1 FROM invoices WHERE id = ANY(CAST(:ids AS uuid[])) OR (tenant_id = :tenant_id "
    "AND number = ANY(CAST(:numbers AS text[]))) LIMIT 1"
)
_FAMILIES_KNOWN = text(
    "SELECT count(*) FROM families WHERE id = ANY(CAST(:ids AS uuid[])) AND tenant_id = :tenant_id"
)
_NEW_INVOICES = text(
    "INSERT INTO invoices (id, tenant_id, family_id, number, amount_cents, paid_cents, "
    "issued_on, due_on, updated_at, credit_note_number) SELECT i.id, :tenant_id, i.f, "
    "i.number, i.amount, 0, i.issued, i.due, :updated_at, '' FROM unnest(CAST(:ids AS uuid[]), "
    "CAST(:families AS uuid[]), CAST(:numbers AS text[]), CAST(:amounts AS bigint[]), "
    "CAST(:issued AS date[]), CAST(:due AS date[])) AS i(id, f, number, amount, issued, due) "
    "ON CONFLICT DO NOTHING RETURNING id"
)


def new_invoices(
    session: Session, ctxs: list[OpContext], payloads: list[InvoiceIssue], now: datetime
) -> list[dict[str, Any]] | None:
    """invoice.issue's `apply_run`: new invoices using no credit, of known dossiers, their
    numbers free, in a few statements, each answered and recorded as `issue_invoice` would;
    else None (a first upload's 5,880 invoices are such)."""
    tenant_id = ctxs[0].tenant_id
    ids = [p.invoice_id for p in payloads]
    numbers = [p.number for p in payloads]
    families = list({p.family_id for p in payloads})
    if (
        any(p.credit_used_cents > 0 for p in payloads)
        or len(set(ids)) != len(ids)
        or len(set(numbers)) != len(numbers)
    ):
        return None
    common = {"tenant_id": tenant_id, "ids": ids, "numbers": numbers}
    if session.execute(_INVOICES_TAKEN, common).first() is not None:
        return None
    known = {"tenant_id": tenant_id, "ids": families}
    if session.execute(_FAMILIES_KNOWN, known).scalar_one() != len(families):
        return None
    created = session.execute(
        _NEW_INVOICES,
        {
            **common,
            "updated_at": now,
            "families": [p.family_id for p in payloads],
            "amounts": [p.amount_cents for p in payloads],
            "issued": [p.issued_on for p in payloads],
            "due": [p.due_on for p in payloads],
        },
    ).all()
    if len(created) != len(payloads):
        return None  # issued meanwhile elsewhere: each is answered alone
    for p in payloads:
        record(
            session,
            "invoice",
            p.invoice_id,
            {
                "id": str(p.invoice_id),
                "family_id": str(p.family_id),
                "number": p.number,
                "amount_cents": p.amount_cents,
                "paid_cents": 0,
                "issued_on": p.issued_on.isoformat(),
                "due_on": p.due_on.isoformat(),
                "cancelled": False,
                "credit_note_number": "",
            },
        )
    return [{"invoice_id": str(i), "already_recorded": False} for i in ids]


@handler(
    OpType.INVOICE_ISSUE, owned_ids=lambda p: [(Invoice, p.invoice_id)], apply_run=new_invoices
)
def issue_invoice(
    session: Session, ctx: OpContext, payload: InvoiceIssue, now: datetime
) -> dict[str, Any]:
    existing = session.get(Invoice, payload.invoice_id)
    if existing is not None:
        if (existing.number, existing.amount_cents) != (payload.number, payload.amount_cents):
            raise Rejected(
                RejectCode.INVALID_DATA,
                f"La facture {existing.number} est déjà émise : une facture émise ne se "
                "modifie plus (faites un avoir).",
            )
        return {"invoice_id": str(existing.id), "already_recorded": True}
    # Locked: two invoices cannot spend the same credit.
    family = session.get(Family, payload.family_id, with_for_update=True)
    if family is None or family.tenant_id != ctx.tenant_id:
        raise Rejected(
            RejectCode.NOT_FOUND,
            f"La facture {payload.number} désigne un dossier inconnu du serveur : recevez les "
            "changements puis refaites la facturation de ce dossier.",
        )
    _check_credit_used(session, ctx, payload)
    taken = session.execute(
        select(Invoice.id).where(
            Invoice.tenant_id == ctx.tenant_id, Invoice.number == payload.number
        )
    ).first()
    if taken is not None:
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"Le numéro {payload.number} est déjà celui d'une autre facture de la commune : "
            "la facturation se fait sur un seul poste, celui de la régie.",
        )
    invoice = Invoice(
        id=payload.invoice_id,
        tenant_id=ctx.tenant_id,
        family_id=payload.family_id,
        number=payload.number,
        amount_cents=payload.amount_cents,
        paid_cents=0,
        issued_on=payload.issued_on,
        due_on=payload.due_on,
        updated_at=now,
    )
    session.add(invoice)
    session.flush()
    credit = min(payload.credit_used_cents, payload.amount_cents)
    if credit:
        # The desk set the family's credit against it: the credit goes to the invoice.
        invoice.paid_cents = credit
        used = Payment(
            id=uuid.uuid5(invoice.id, "credit"),
            tenant_id=ctx.tenant_id,
            family_id=payload.family_id,
            invoice_id=invoice.id,
            method="credit",
            amount_cents=0,
            to_invoice_cents=credit,
            to_sale_cents=0,
            to_credit_cents=-credit,
            received_at=datetime.combine(payload.issued_on, datetime.min.time()),
            recorded_at=now,
            device_id=ctx.device_id,
            details={"credit_used": True},
        )
        session.add(used)
        session.flush()
        record(session, "payment", used.id, payment_data(used))
    record(session, "invoice", invoice.id, invoice_data(invoice))
    return {"invoice_id": str(invoice.id), "already_recorded": False}


def _check_credit_used(session: Session, ctx: OpContext, payload: InvoiceIssue) -> None:
    """The credit an invoice uses is the family's, and never more than it has."""
    if payload.credit_used_cents <= 0:
        return
    available = family_credit(session, ctx.tenant_id, payload.family_id)
    if payload.credit_used_cents > available:
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"La facture {payload.number} déduit {format_cents(payload.credit_used_cents)} "
            f"d'avoir, mais la famille n'en a que {format_cents(available)} sur le serveur : "
            "recevez les changements puis refaites la facture.",
        )


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
