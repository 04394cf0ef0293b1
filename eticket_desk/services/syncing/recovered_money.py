"""The money a restored desk gets back at its reload (restore.py calls `recover_money` in the
transaction that lifts the mark): the receipts it had taken and the invoices and credit notes
it had issued after the backup, rebuilt from what the server holds, so that its receipts
list, its till journal, its expected cash and its invoice list count them again.

A receipt: the server holds each payment with its receipt number, method, amount, time and
cheque details, and the wallet purchase lines of the same family named after that receipt.
The Sale is rebuilt under its own number (never renumbered), its payments keep the server's
ids (a later pull matches them by identity), its purchase lines are tied to it again, and
its lines' amounts are split over its ticket types in proportion to their quantities (the
total is the server's, to the cent). Its till session is not known to the server. A
régisseur counts the money where it is: the receipts taken after the backup are in the
drawer of the session the backup had open (the base's open session, opened before them), so
they join that session and its expected cash, and its journal says so in a line of its own
(« quittances reprises du serveur après restauration »). A receipt older than the open
session (or with none open) goes to a session of its own, closed at the reload, with no
count: its journal says its money was counted at the closing of a session this copy lost.
Its invoice payments pay the invoices again (what exceeded them is the family's credit, as
the server kept it).

An invoice: the server knows its number, family, amount, dates, the credit it used, the
payments on it and its cancellation by a credit note, not its lines: it comes back without
lines, its `reason` saying so (« Facture reprise du serveur : détail non disponible sur ce
poste »), shown instead of an empty invoice; its period is unknown (its issue date stands
for it). What a pulled online payment had put aside as credit for want of the invoice is
applied again once the invoice is back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time

from sqlalchemy import delete, func, select

from eticket_desk.ids import new_id
from eticket_desk.models import (
    CreditEntry,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    Sale,
    SaleLine,
    TillSession,
    WalletEntry,
)
from eticket_desk.rules.numbering import parse_receipt
from eticket_desk.services.core.numbering import registered_desk
from eticket_desk.services.core.restored import RECOVERED_INVOICE, RECOVERED_SALE
from eticket_desk.services.counter.sales import billing_address
from eticket_desk.services.syncing.pulled_money import apply_payment
from eticket_desk.services.syncing.state import SYNC_ACTOR

RECOVERED_TILL_NOTE = (
    "Session reconstituée après restauration : ces quittances avaient été données dans une "
    "session de caisse absente de la sauvegarde ; leur argent a été compté à la clôture de "
    "cette session-là."
)


def recover_money(session, items: list) -> list[str]:
    """Rebuilds the invoices, credit notes and receipts only the server holds; returns the
    receipt numbers rebuilt."""
    invoices = [item for item in items if item.entity == "invoice"]
    payments = [item for item in items if item.entity == "payment"]
    known = set(session.scalars(select(Invoice.number)))
    # Cancelled by a credit note this base has not: the server moved what they were paid to
    # credit; here they are paid again first, then the credit note moves it (as it did here).
    uncredited = {
        uuid.UUID(item.id)
        for item in invoices
        if item.data.get("cancelled") and item.data.get("credit_note_number") not in known
    }
    recovered = _recover_invoices(session, invoices, payments)
    numbers = _recover_sales(session, payments, items, uncredited)
    _reapply_online(session, payments, recovered)
    _recover_credit_notes(session, invoices)
    return numbers


def _recover_invoices(session, invoices: list, payments: list) -> set[uuid.UUID]:
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
        session.add(_allocation(invoice_id, data["to_invoice_cents"], invoice.issued_at, entry))
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
        "period_label": "période non connue de ce poste",
        "issued_at": datetime.combine(issued, time()),
        "due_date": date.fromisoformat(data["due_on"]),
        "total_cents": data["amount_cents"],
        "billing_name": session.get(Family, family_id).display_name,
        "billing_address": "\n".join(billing_address(session, family_id)),
        "reason": RECOVERED_INVOICE,
        "by": SYNC_ACTOR.login,
    }
    return Invoice(**{**values, **fields})


def _allocation(invoice_id, amount: int, at: datetime, entry=None, payment=None):
    return PaymentAllocation(
        id=new_id(),
        invoice_id=invoice_id,
        payment_id=payment.id if payment is not None else None,
        credit_entry_id=entry.id if entry is not None else None,
        amount_cents=amount,
        at=at,
        by=SYNC_ACTOR.login,
    )


def _recover_sales(session, payments: list, items: list, uncredited: set) -> list[str]:
    """The receipts of this desk's series the server holds and this base has not."""
    desk = registered_desk(session)
    here = set(session.scalars(select(Sale.receipt_number)))
    by_number: dict[str, list] = defaultdict(list)
    for item in payments:
        number = (item.data.get("details") or {}).get("receipt_number")
        parsed = parse_receipt(number or "")
        if parsed is None or parsed[0] != desk or number in here:
            continue
        if item.data["amount_cents"] > 0:
            by_number[number].append(item)
    purchases = defaultdict(list)
    for item in items:
        if item.entity == "wallet_entry" and item.data["kind"] == "purchase":
            purchases[(item.data["family_id"], item.data.get("reason", ""))].append(item.id)
    # A receipt cancelled after the backup: the server holds the reversal of each payment.
    reversals = {
        (item.data.get("details") or {}).get("cancels"): item
        for item in payments
        if (item.data.get("details") or {}).get("cancels")
    }
    numbers = []
    for number, parts in sorted(by_number.items()):
        family_id = uuid.UUID(parts[0].data["family_id"])
        if session.get(Family, family_id) is None:
            continue
        at = min(datetime.fromisoformat(part.data["received_at"]) for part in parts)
        entries = purchases[(str(family_id), number)]
        sale = _rebuild_sale(session, number, family_id, at, parts, entries, uncredited)
        _cancel(session, sale, [reversals[p.id] for p in parts if p.id in reversals])
        numbers.append(number)
    for till in session.scalars(  # the session of its own: its cash as expected, no count
        select(TillSession).where(
            TillSession.closed_at == session.info["now"],
            TillSession.difference_note == RECOVERED_TILL_NOTE,
        )
    ):
        till.expected_cash_cents = session.scalar(
            select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                Payment.till_id == till.id, Payment.method == "cash"
            )
        )
    return numbers


def _rebuild_sale(
    session, number: str, family_id, at: datetime, parts: list, entries: list, uncredited: set
):
    invoiced = any(part.data["invoice_id"] for part in parts)
    sale = Sale(
        id=new_id(),
        receipt_number=number,
        family_id=family_id,
        till_id=_till_for(session, at).id,
        at=at,
        by=SYNC_ACTOR.login,
        total_cents=sum(part.data["amount_cents"] for part in parts),
        pricing_note=RECOVERED_SALE,
        kind="invoices" if invoiced else "tickets",
    )
    session.add(sale)
    session.flush()
    for part in parts:
        payment = _payment(session, sale, part)
        if part.data["invoice_id"]:
            _settle(session, sale, payment, part.data, uncredited)
    wallet = session.scalars(
        select(WalletEntry).where(WalletEntry.id.in_([uuid.UUID(e) for e in entries]))
    ).all()
    _lines(session, sale, wallet)
    return sale


def _cancel(session, sale: Sale, reversals: list) -> None:
    """The receipt cancelled after the backup: cancelled here too, its money handed back."""
    for item in reversals:
        reversal = _payment(session, sale, item)
        sale.cancelled_at = max(sale.cancelled_at or reversal.at, reversal.at)
        sale.cancel_reason = item.data["details"].get("reason", "")
        sale.cancelled_by = SYNC_ACTOR.login


def _payment(session, sale: Sale, part) -> Payment:
    data = part.data
    cheque = (data.get("details") or {}).get("cheque") or {}
    payment = Payment(
        id=uuid.UUID(part.id),
        sale_id=sale.id,
        till_id=sale.till_id,
        at=datetime.fromisoformat(data["received_at"]),
        method=data["method"],
        amount_cents=data["amount_cents"],
        cheque_number="" if cheque.get("number") == "?" else cheque.get("number", ""),
        cheque_bank=cheque.get("bank", ""),
        cheque_drawer=cheque.get("drawer", ""),
    )
    _forget_online(session, payment.id)  # the reload took it for money paid elsewhere
    session.add(payment)
    session.flush()
    return payment


def _settle(session, sale: Sale, payment: Payment, data: dict, uncredited: set) -> None:
    """An invoice payment: the invoice gets what the server gave it (what it still needed,
    for one cancelled since), the rest is credit."""
    invoice_id = uuid.UUID(data["invoice_id"])
    invoice = session.get(Invoice, invoice_id)
    to_invoice = data["to_invoice_cents"] if invoice is not None else 0
    if invoice is not None and invoice_id in uncredited:
        session.flush()
        paid = session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0)).where(
                PaymentAllocation.invoice_id == invoice_id
            )
        )
        to_invoice = max(0, min(payment.amount_cents, invoice.total_cents - paid))
    if to_invoice:
        session.add(_allocation(invoice_id, to_invoice, payment.at, payment=payment))
    if payment.amount_cents - to_invoice > 0:
        session.add(
            CreditEntry(
                id=new_id(),
                family_id=sale.family_id,
                at=payment.at,
                amount_cents=payment.amount_cents - to_invoice,
                payment_id=payment.id,
                reason=f"Trop-perçu sur la quittance {sale.receipt_number}",
                by=SYNC_ACTOR.login,
            )
        )


def _lines(session, sale: Sale, wallet: list[WalletEntry]) -> None:
    """The sale's lines from its purchase lines: the total split by quantity, to the cent."""
    quantities: dict[uuid.UUID, int] = defaultdict(int)
    for entry in wallet:
        entry.sale_id = sale.id
        quantities[entry.ticket_type_id] += entry.quantity
    left, count = sale.total_cents, sum(quantities.values())
    for index, (ticket_type_id, quantity) in enumerate(sorted(quantities.items())):
        last = index == len(quantities) - 1
        amount = left if last else sale.total_cents * quantity // count
        left -= amount
        session.add(
            SaleLine(
                id=new_id(),
                sale_id=sale.id,
                ticket_type_id=ticket_type_id,
                quantity=quantity,
                unit_cents=amount // quantity if quantity else amount,
                amount_cents=amount,
            )
        )


def _till_for(session, at: datetime) -> TillSession:
    """The open session when it was opened before the receipt; else the session of the
    receipts recovered at this reload (closed, with no count)."""
    open_till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
    if open_till is not None and open_till.opened_at <= at:
        return open_till
    now = session.info["now"]
    own = session.scalar(
        select(TillSession).where(
            TillSession.closed_at == now, TillSession.difference_note == RECOVERED_TILL_NOTE
        )
    )
    if own is None:
        own = TillSession(
            id=new_id(),
            opened_at=at,
            opened_by=SYNC_ACTOR.login,
            float_cents=0,
            closed_at=now,
            closed_by=SYNC_ACTOR.login,
            expected_cash_cents=0,
            difference_note=RECOVERED_TILL_NOTE,
        )
        session.add(own)
        session.flush()
    own.opened_at = min(own.opened_at, at)
    return own


def _forget_online(session, payment_id: uuid.UUID) -> None:
    tag = f"en ligne {payment_id}"
    session.execute(delete(PaymentAllocation).where(PaymentAllocation.by == tag))
    session.execute(delete(CreditEntry).where(CreditEntry.by == tag))


def _reapply_online(session, payments: list, recovered: set[uuid.UUID]) -> None:
    """The online payments of a recovered invoice, applied again now that it is here."""
    for item in payments:
        invoice_id = item.data["invoice_id"]
        if not invoice_id or uuid.UUID(invoice_id) not in recovered:
            continue
        if item.data["method"] == "credit" or session.get(Payment, uuid.UUID(item.id)):
            continue
        _forget_online(session, uuid.UUID(item.id))
        session.flush()
        apply_payment(session, item, set())


def _recover_credit_notes(session, invoices: list) -> None:
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
        note = Invoice(
            id=new_id(),
            number=number,
            kind="credit_note",
            family_id=invoice.family_id,
            corrects_id=invoice.id,
            period_kind=invoice.period_kind,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            period_label=invoice.period_label,
            issued_at=issued,
            due_date=issued.date(),
            total_cents=invoice.total_cents,
            billing_name=invoice.billing_name,
            billing_address=invoice.billing_address,
            reason=RECOVERED_INVOICE,
            by=SYNC_ACTOR.login,
        )
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
