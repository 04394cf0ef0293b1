"""Invoices paid at the counter: a receipt of the régie's journal, the payments, what each
pays of which invoice (oldest first), an overpayment kept as the family's credit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eticket_desk.ids import new_id
from eticket_desk.models import CreditEntry, Family, Invoice, PaymentAllocation, Sale
from eticket_desk.rules.billing import kept_amount
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import PaymentInput, settle
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.numbering import take_receipt_number
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.sales import write_payments
from eticket_desk.services.counter.till import till_of
from eticket_desk.services.invoicing.run import settled_by_invoice


class AmountDiffers(DomainError):
    """What is handed over is not what the invoices ask: the agent confirms (a partial
    payment, or an overpayment kept as credit) or corrects the amount."""

    def __init__(self, message: str, difference_cents: int) -> None:
        super().__init__(message)
        self.difference_cents = difference_cents


@dataclass(frozen=True)
class InvoicePaymentRequest:
    family_id: uuid.UUID
    invoice_ids: tuple[uuid.UUID, ...]
    payments: tuple[PaymentInput, ...]
    accept_difference: bool = False


@dataclass(frozen=True)
class InvoicePaymentDone:
    sale_id: uuid.UUID
    receipt_number: str
    at: datetime
    received_cents: int  # kept: applied to the invoices + credit
    applied: tuple[tuple[str, int], ...]  # (invoice number, amount)
    credit_cents: int  # overpayment kept as the family's credit
    change_cents: int  # cash given back
    left_cents: int  # still to pay on these invoices


@changes(
    Topic.SALES, Topic.INVOICES, Topic.TILL, lambda call: FamilyTopic(call["request"].family_id)
)
def pay_invoices(store: Store, actor: Actor, request: InvoicePaymentRequest) -> InvoicePaymentDone:
    """One transaction: the receipt (Q-YYYY-NNNNNN), the payments, the allocations and the
    credit, the audit entry. The exact amount is expected; a difference must be accepted."""
    actor.require(Permission.SALE)
    if not request.invoice_ids:
        raise InvalidInput("Choisissez au moins une facture à régler.")
    with store.write(actor) as session:
        now = session.info["now"]
        family = session.get(Family, request.family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe pas (ou plus).")
        invoices = session.scalars(
            select(Invoice)
            .where(Invoice.id.in_(request.invoice_ids))
            .order_by(Invoice.due_date, Invoice.number)
        ).all()
        if len(invoices) != len(set(request.invoice_ids)):
            raise NotFound("Une des factures choisies n'existe plus.")
        if any(i.family_id != family.id or i.kind != "invoice" for i in invoices):
            raise DomainError("Une des factures choisies n'est pas une facture de cette famille.")
        cancelled = set(
            session.scalars(
                select(Invoice.corrects_id).where(Invoice.corrects_id.in_(request.invoice_ids))
            )
        )
        settled = settled_by_invoice(session, [i.id for i in invoices])
        left = {
            i.id: 0 if i.id in cancelled else i.total_cents - settled.get(i.id, 0) for i in invoices
        }
        expected = sum(max(0, v) for v in left.values())
        if expected == 0:
            raise DomainError("Ces factures sont déjà réglées (ou annulées par un avoir).")
        target = kept_amount(expected, request.payments)
        settlement = settle(target, list(request.payments))
        difference = target - expected
        if difference and not request.accept_difference:
            if difference < 0:
                text = (
                    f"Il manque {format_cents(-difference)} sur {format_cents(expected)} : "
                    "confirmez un règlement partiel."
                )
            else:
                text = (
                    f"{format_cents(difference)} de plus que les {format_cents(expected)} dus : "
                    "confirmez pour les garder en avoir sur le compte de la famille."
                )
            raise AmountDiffers(text, difference)
        till = till_of(session, actor)
        number = take_receipt_number(session, now.year)
        sale = Sale(
            id=new_id(),
            receipt_number=number,
            family_id=family.id,
            till_id=till.id,
            at=now,
            by=actor.login,
            total_cents=target,
            pricing_note="",
            kind="invoices",
        )
        session.add(sale)
        session.flush()
        payments = write_payments(session, sale, settlement, now)
        session.flush()
        # allocate payment by payment to the invoices, oldest due date first
        queue = [[i, max(0, left[i.id])] for i in invoices]
        applied: dict[str, int] = {}
        for payment in payments:
            available = payment.amount_cents
            for item in queue:
                if not available:
                    break
                take = min(available, item[1])
                if not take:
                    continue
                session.add(
                    PaymentAllocation(
                        invoice_id=item[0].id,
                        payment_id=payment.id,
                        credit_entry_id=None,
                        amount_cents=take,
                        at=now,
                        by=actor.login,
                    )
                )
                item[1] -= take
                available -= take
                applied[item[0].number] = applied.get(item[0].number, 0) + take
            if available:  # beyond every invoice: the family's credit
                session.add(
                    CreditEntry(
                        family_id=family.id,
                        at=now,
                        amount_cents=available,
                        payment_id=payment.id,
                        invoice_id=None,
                        reason=f"Trop-perçu sur la quittance {number}",
                        by=actor.login,
                    )
                )
        credit = max(0, difference)
        record(
            session,
            "invoice_payment",
            "sale",
            sale.id,
            f"Règlement {number} de {family.reference} : {format_cents(target)} sur "
            f"{', '.join(applied) or 'aucune facture'}"
            + (f", {format_cents(credit)} en avoir" if credit else ""),
            total_cents=target,
            credit_cents=credit,
        )
        return InvoicePaymentDone(
            sale.id,
            number,
            now,
            target,
            tuple(applied.items()),
            credit,
            settlement.change_cents,
            sum(item[1] for item in queue),
        )
