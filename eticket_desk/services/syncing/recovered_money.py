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
The invoices and credit notes: recovered_invoices.py.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select

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
from eticket_desk.services.core.restored import RECOVERED_SALE
from eticket_desk.services.syncing.recovered_invoices import (
    allocation,
    forget_online,
    reapply_online,
    recover_credit_notes,
    recover_invoices,
)
from eticket_desk.services.syncing.state import SYNC_ACTOR

RECOVERED_TILL_NOTE = (
    "Session reconstituée après restauration : ces quittances avaient été données dans une "
    "session de caisse absente de la sauvegarde ; leur argent a été compté à la clôture de "
    "cette session-là."
)


def recover_money(session, items: list) -> tuple[list[str], list[str]]:
    """Rebuilds the invoices, credit notes and receipts only the server holds; returns the
    receipt numbers rebuilt, and the invoice and credit note numbers."""
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
    recovered = recover_invoices(session, invoices, payments)
    numbers = _recover_sales(session, payments, items, uncredited)
    reapply_online(session, payments, recovered)
    recover_credit_notes(session, invoices)
    documents = sorted(set(session.scalars(select(Invoice.number))) - known)
    return numbers, documents


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
    forget_online(session, payment.id)  # the reload took it for money paid elsewhere
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
        session.add(allocation(invoice_id, to_invoice, payment.at, payment=payment))
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
