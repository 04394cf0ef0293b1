"""The ops of money: wallet lines, invoices and credit notes, payments and cancelled receipts.

Facts the server records once; the outbox builds them from the rows' final state at the end of
the transaction that emitted them (and the first upload, from every row).
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    DebitItem,
    Invoice,
    Payment,
    PaymentAllocation,
    Sale,
    TicketType,
    WalletEntry,
)
from eticket_desk.sync.printed_invoices import printed_invoices
from eticket_desk.sync.wire import OpType

_WALLET_KINDS = {"purchase", "booking", "cancellation", "correction", "refund"}


def wallet_ops(session: Session, entry_ids: list[uuid.UUID]) -> list:
    ops = []
    for start in range(0, len(entry_ids), 500):
        rows = session.execute(
            select(WalletEntry, TicketType.code)
            .join(TicketType, TicketType.id == WalletEntry.ticket_type_id)
            .where(WalletEntry.id.in_(entry_ids[start : start + 500]))
        ).all()
        for entry, code in rows:
            payload = {
                "entry_id": entry.id,
                "family_id": entry.family_id,
                "ticket_type": code,
                "quantity": entry.quantity,
                "kind": entry.kind if entry.kind in _WALLET_KINDS else "correction",
                "reason": (entry.reason or "")[:200],
                "occurred_at": entry.at,
            }
            ops.append((OpType.WALLET_ENTRY, payload, f"wallet_entry:{entry.id}", ""))
    return ops


def invoice_ops(session: Session, invoice_ids: list[uuid.UUID]) -> list:
    """invoice.issue of invoices, invoice.cancel of credit notes (the invoice they cancel)."""
    ops = []
    for start in range(0, len(invoice_ids), 500):
        chunk = invoice_ids[start : start + 500]
        credit_used = dict(
            session.execute(
                select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount_cents))
                .where(
                    PaymentAllocation.invoice_id.in_(chunk),
                    PaymentAllocation.credit_entry_id.is_not(None),
                )
                .group_by(PaymentAllocation.invoice_id)
            ).all()
        )
        invoices = list(
            session.scalars(
                select(Invoice)
                .where(Invoice.id.in_(chunk))
                .order_by(Invoice.kind.desc(), Invoice.number)  # invoices before credit notes
            )
        )
        printed = printed_invoices(session, invoices)
        for invoice in invoices:
            if invoice.kind != "invoice":
                if invoice.corrects_id is not None:
                    payload = {
                        "invoice_id": invoice.corrects_id,
                        "credit_note_number": invoice.number,
                        "reason": (invoice.reason or "")[:200],
                        "cancelled_at": invoice.issued_at,
                        "printed": printed[invoice.id],
                    }
                    key = f"invoice:{invoice.corrects_id}"
                    ops.append((OpType.INVOICE_CANCEL, payload, key, invoice.number))
                continue
            payload = {
                "invoice_id": invoice.id,
                "family_id": invoice.family_id,
                "number": invoice.number,
                "amount_cents": max(invoice.total_cents, 0),
                "issued_on": invoice.issued_at.date(),
                "due_on": invoice.due_date,
                "credit_used_cents": credit_used.get(invoice.id, 0),
                "period_label": invoice.period_label,
                "printed": printed[invoice.id],
            }
            ops.append((OpType.INVOICE_ISSUE, payload, f"invoice:{invoice.id}", invoice.number))
    return ops


def _cancel_ops(session: Session, sale_ids: set) -> list:
    """payment.cancel of each payment of the receipts cancelled (their reversals are new,
    negative payments; the server reverses the original ones by id)."""
    ops = []
    for sale_id in sorted(sale_ids):
        sale = session.get(Sale, sale_id)
        if sale is None or sale.cancelled_at is None:
            continue
        originals = session.scalars(
            select(Payment.id).where(Payment.sale_id == sale_id, Payment.amount_cents > 0)
        )
        for payment_id in originals:
            payload = {
                "payment_id": payment_id,
                "reason": (sale.cancel_reason or "Quittance annulée")[:200],
                "cancelled_at": sale.cancelled_at,
            }
            key = f"payment:{payment_id}"
            ops.append((OpType.PAYMENT_CANCEL, payload, key, sale.receipt_number))
    return ops


def payment_ops(session: Session, payment_ids: list[uuid.UUID]) -> list:
    ops = []
    cancelled_sales = set()
    debits = []
    for start in range(0, len(payment_ids), 500):  # read 500 at a time (a first upload)
        chunk = payment_ids[start : start + 500]
        payments = {
            payment.id: payment
            for payment in session.scalars(select(Payment).where(Payment.id.in_(chunk)))
        }
        sale_ids = {payment.sale_id for payment in payments.values()} - {None}
        sales = {
            sale.id: sale for sale in session.scalars(select(Sale).where(Sale.id.in_(sale_ids)))
        }
        allocations = defaultdict(list)
        for payment_id, invoice_id, amount in session.execute(
            select(
                PaymentAllocation.payment_id,
                PaymentAllocation.invoice_id,
                PaymentAllocation.amount_cents,
            )
            .where(PaymentAllocation.payment_id.in_(chunk))
            .order_by(PaymentAllocation.payment_id, PaymentAllocation.invoice_id)
        ):
            allocations[payment_id].append((invoice_id, amount))
        for payment_id in chunk:
            payment = payments.get(payment_id)
            if payment is not None and payment.method == "debit" and payment.sale_id is None:
                debits.append(payment)
                continue
            if payment is not None and payment.amount_cents < 0 and payment.sale_id is not None:
                cancelled_sales.add(payment.sale_id)
                continue
            sale = sales.get(payment.sale_id) if payment and payment.sale_id else None
            if payment is None or sale is None or payment.amount_cents <= 0:
                continue
            ops += _received_ops(payment, sale, allocations[payment_id])
    return ops + _cancel_ops(session, cancelled_sales) + _debit_ops(session, debits)


def _debit_ops(session: Session, payments: list[Payment]) -> list:
    """A debit batch's payments (no receipt: the family and invoice come from the batch's
    item): payment.received of a debit; payment.cancel of the debit a reject reversed."""
    ops = []
    for start in range(0, len(payments), 500):
        chunk = {payment.id: payment for payment in payments[start : start + 500]}
        items = session.execute(
            select(DebitItem).where(
                DebitItem.payment_id.in_(chunk) | DebitItem.reversal_payment_id.in_(chunk)
            )
        ).scalars()
        for item in items:
            if item.payment_id in chunk:
                payment = chunk[item.payment_id]
                payload = {
                    "payment_id": payment.id,
                    "family_id": item.family_id,
                    "method": "debit",
                    "amount_cents": payment.amount_cents,
                    "invoice_id": item.invoice_id,
                    "received_at": payment.at,
                    "receipt_number": item.end_to_end_id,
                }
                ops.append((OpType.PAYMENT_RECEIVED, payload, f"payment:{payment.id}", ""))
            if item.reversal_payment_id in chunk:
                payload = {
                    "payment_id": item.payment_id,
                    "reason": (f"Prélèvement rejeté : {item.reject_reason}")[:200],
                    "cancelled_at": chunk[item.reversal_payment_id].at,
                }
                key = f"payment:{item.payment_id}"
                ops.append((OpType.PAYMENT_CANCEL, payload, key, item.end_to_end_id))
    return ops


def split_payment_id(payment_id: uuid.UUID, invoice_id: uuid.UUID) -> uuid.UUID:
    """The server's id of the part of a desk's payment that pays `invoice_id` (a payment
    split over several invoices travels as one op per invoice)."""
    return uuid.uuid5(payment_id, str(invoice_id))


def _received_ops(payment: Payment, sale: Sale, allocations: list[tuple]) -> list:
    """payment.received of one payment: one op per invoice it pays (or one for tickets)."""
    base = {
        "family_id": sale.family_id,
        "method": payment.method,
        "received_at": payment.at,
        "receipt_number": sale.receipt_number,
    }
    if payment.method == "cheque":
        base["cheque"] = {
            "number": payment.cheque_number[:200] or "?",
            "bank": payment.cheque_bank[:200],
            "drawer": payment.cheque_drawer[:200],
        }
    parts = [(invoice_id, amount) for invoice_id, amount in allocations if amount > 0]
    rest = payment.amount_cents - sum(amount for _, amount in parts)
    if not parts:
        parts = [(None, payment.amount_cents)]  # tickets
    elif rest > 0:
        # An overpayment rides on the last invoice: the server pays what that invoice
        # still needs and keeps the rest as credit, as the desk did.
        parts[-1] = (parts[-1][0], parts[-1][1] + rest)
    ops = []
    for invoice_id, amount in parts:
        # One op per invoice paid: the first keeps the payment's id, so a re-sent op
        # is recognised; the others get ids derived from it.
        op_payment_id = payment.id if len(parts) == 1 else split_payment_id(payment.id, invoice_id)
        payload = {
            **base,
            "payment_id": op_payment_id,
            "amount_cents": amount,
            "invoice_id": invoice_id,
        }
        ops.append((OpType.PAYMENT_RECEIVED, payload, f"payment:{payment.id}", ""))
    return ops
