"""Issued invoices (never twice).

An invoice names a dossier of the desk's own commune (another commune's is unknown, like one
the server never saw) and may use no more of the family's credit than it has. A run of new
invoices (a first upload's) is issued in a few statements when none of them can be refused
(new_invoices). The payments are in payments.py.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Family, Invoice, Payment
from eticket_central.ops.invoice_prints import save_invoice_prints, save_print
from eticket_central.ops.money_data import family_credit, invoice_data, payment_data
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.money import format_cents
from eticket_desk.sync.protocol import InvoiceIssue, OpType, RejectCode

_INVOICES_TAKEN = text(
    "SELECT 1 FROM invoices WHERE id = ANY(CAST(:ids AS uuid[])) OR (tenant_id = :tenant_id "
    "AND number = ANY(CAST(:numbers AS text[]))) LIMIT 1"
)
_FAMILIES_KNOWN = text(
    "SELECT count(*) FROM families WHERE id = ANY(CAST(:ids AS uuid[])) AND tenant_id = :tenant_id"
)
_NEW_INVOICES = text(
    "INSERT INTO invoices (id, tenant_id, family_id, number, amount_cents, paid_cents, "
    "issued_on, due_on, updated_at, credit_note_number, period_label) SELECT i.id, :tenant_id, "
    "i.f, i.number, i.amount, 0, i.issued, i.due, :updated_at, '', i.period FROM "
    "unnest(CAST(:ids AS uuid[]), CAST(:families AS uuid[]), CAST(:numbers AS text[]), "
    "CAST(:amounts AS bigint[]), CAST(:issued AS date[]), CAST(:due AS date[]), "
    "CAST(:periods AS text[])) AS i(id, f, number, amount, issued, due, period) "
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
            "periods": [p.period_label for p in payloads],
        },
    ).all()
    if len(created) != len(payloads):
        return None  # issued meanwhile elsewhere: each is answered alone
    save_invoice_prints(session, tenant_id, {p.invoice_id: p.printed for p in payloads})
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
                "period_label": p.period_label,
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
        period_label=payload.period_label,
    )
    session.add(invoice)
    session.flush()
    save_print(session, ctx.tenant_id, invoice.id, "invoice", payload.printed)
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
