"""The invoices and credit notes a restored desk gets back at its reload (recovered_money.py
calls them, around the receipts it rebuilds).

An invoice: the server knows its number, family, amount, dates, the credit it used, the
payments on it and its cancellation by a credit note, not its lines: it comes back without
lines, its `reason` saying so (« Facture reprise du serveur : détail non disponible sur ce
poste »), shown instead of an empty invoice; its period is unknown (its issue date stands
for it). What a pulled online payment had put aside as credit for want of the invoice is
applied again once the invoice is back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import delete, func, select

from eticket_desk.ids import new_id
from eticket_desk.models import CreditEntry, Family, Invoice, Payment, PaymentAllocation
from eticket_desk.services.core.restored import RECOVERED_INVOICE
from eticket_desk.services.counter.sales import billing_address
from eticket_desk.services.invoicing.run import credit_note_of
from eticket_desk.services.syncing.pulled_money import apply_payment
from eticket_desk.services.syncing.state import SYNC_ACTOR


def recover_invoices(session, invoices: list, payments: list) -> set[uuid.UUID]:
    known = set(session.scalars(select(Invoice.number)))
    recovered = set()
    for item in invoices:
        data, invoice_id = item.data, uuid.UUID(item.id)
        family_id = uuid.UUID(data["family_id"])
        if data["number"] in known or session.get(Family, family_id) is None:
            continue
        issued = date.fromisoformat(data["issued_on"])
        session.add(_invoice(session, invoice_id, data, family_id, issued))
        session.flush()
        recovered.add(invoice_id)
    for item in payments:  # the family's credit it used
        data = item.data
        if data["method"] != "credit" or data["invoice_id"] is None:
            continue
        invoice_id = uuid.UUID(data["invoice_id"])
        if invoice_id not in recovered or not data["to_invoice_cents"]:
            continue
        invoice = session.get(Invoice, invoice_id)
        entry = CreditEntry(
            id=new_id(),
            family_id=invoice.family_id,
            at=invoice.issued_at,
            amount_cents=-data["to_invoice_cents"],
            invoice_id=invoice_id,
            reason=f"Avoir déduit de la facture {invoice.number}",
            by=SYNC_ACTOR.login,
        )
        session.add(entry)
        session.flush()
        session.add(allocation(invoice_id, data["to_invoice_cents"], invoice.issued_at, entry))
    return recovered


def _invoice(session, invoice_id, data: dict, family_id, issued: date, **fields) -> Invoice:
    values = {
        "id": invoice_id,
        "number": data["number"],
        "kind": "invoice",
        "family_id": family_id,
        "period_kind": "month",
        "period_start": issued,
        "period_end": issued,
        "period_label": data.get("period_label") or "période non connue de ce poste",
        "issued_at": datetime.combine(issued, time()),
        "due_date": date.fromisoformat(data["due_on"]),
        "total_cents": data["amount_cents"],
        "billing_name": session.get(Family, family_id).display_name,
        "billing_address": "\n".join(billing_address(session, family_id)),
        "reason": RECOVERED_INVOICE,
        "by": SYNC_ACTOR.login,
    }
    return Invoice(**{**values, **fields})


def allocation(invoice_id, amount: int, at: datetime, entry=None, payment=None):
    return PaymentAllocation(
        id=new_id(),
        invoice_id=invoice_id,
        payment_id=payment.id if payment is not None else None,
        credit_entry_id=entry.id if entry is not None else None,
        amount_cents=amount,
        at=at,
        by=SYNC_ACTOR.login,
    )


def forget_online(session, payment_id: uuid.UUID) -> None:
    tag = f"en ligne {payment_id}"
    session.execute(delete(PaymentAllocation).where(PaymentAllocation.by == tag))
    session.execute(delete(CreditEntry).where(CreditEntry.by == tag))


def reapply_online(session, payments: list, recovered: set[uuid.UUID]) -> None:
    """The online payments of a recovered invoice, applied again now that it is here."""
    for item in payments:
        invoice_id = item.data["invoice_id"]
        if not invoice_id or uuid.UUID(invoice_id) not in recovered:
            continue
        if item.data["method"] == "credit" or session.get(Payment, uuid.UUID(item.id)):
            continue
        forget_online(session, uuid.UUID(item.id))
        session.flush()
        apply_payment(session, item, set())


def recover_credit_notes(session, invoices: list) -> None:
    """The credit notes issued after the backup: what the invoice had been paid becomes
    the family's credit, as at the desk that issued it."""
    known = set(session.scalars(select(Invoice.number)))
    for item in invoices:
        data = item.data
        number = data.get("credit_note_number") or ""
        if not data.get("cancelled") or not number or number in known:
            continue
        invoice = session.get(Invoice, uuid.UUID(item.id))
        if invoice is None:
            continue
        at = data.get("cancelled_at")
        issued = datetime.fromisoformat(at) if at else session.info["now"]
        note = credit_note_of(invoice, number, issued, RECOVERED_INVOICE, SYNC_ACTOR.login)
        note.id = new_id()
        session.add(note)
        settled = session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0)).where(
                PaymentAllocation.invoice_id == invoice.id
            )
        )
        if settled:
            session.add(
                CreditEntry(
                    id=new_id(),
                    family_id=invoice.family_id,
                    at=issued,
                    amount_cents=settled,
                    invoice_id=invoice.id,
                    reason=f"Déjà réglé sur la facture {invoice.number}, annulée par {number}",
                    by=SYNC_ACTOR.login,
                )
            )
