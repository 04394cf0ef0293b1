"""The facts of the tax certificates (attestations de frais de garde) read from the base: for
a year, per family, what was paid on each invoice in that year and the tickets bought, handed
to rules.tax_certificate, which decides what is care for which child."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from eticket_desk.models import (
    Activity,
    Child,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Sale,
    SaleLine,
    TicketType,
    WalletEntry,
)
from eticket_desk.reports.french_text import french_date
from eticket_desk.rules.tax_certificate import (
    ChildCare,
    ChildFacts,
    InvoicePaid,
    LineFacts,
    TicketsPaid,
    care_paid,
)


def _in_year(at: datetime, year: int) -> bool:
    return at.year == year


def _paid_on_invoices(session, year: int, family_ids) -> dict[uuid.UUID, dict[uuid.UUID, int]]:
    """family → invoice → net paid in `year`: allocations dated by their payment (by
    themselves when they apply the family's credit), reversals alike, minus what a credit note
    of the year turned into the family's credit."""
    paid: dict[uuid.UUID, dict[uuid.UUID, int]] = defaultdict(lambda: defaultdict(int))
    query = (
        select(
            Invoice.family_id,
            PaymentAllocation.invoice_id,
            PaymentAllocation.amount_cents,
            PaymentAllocation.at,
            Payment.at,
        )
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .outerjoin(Payment, Payment.id == PaymentAllocation.payment_id)
    )
    if family_ids is not None:
        query = query.where(Invoice.family_id.in_(family_ids))
    allocations: dict[uuid.UUID, list[tuple[datetime, int]]] = defaultdict(list)
    for family_id, invoice_id, amount, allocated_at, paid_at in session.execute(query):
        at = paid_at or allocated_at
        allocations[invoice_id].append((allocated_at, amount))
        if _in_year(at, year):
            paid[family_id][invoice_id] += amount
    notes = select(Invoice.family_id, Invoice.corrects_id, Invoice.issued_at).where(
        Invoice.kind == "credit_note", Invoice.corrects_id.is_not(None)
    )
    if family_ids is not None:
        notes = notes.where(Invoice.family_id.in_(family_ids))
    for family_id, invoice_id, issued_at in session.execute(notes):
        if _in_year(issued_at, year):
            settled = sum(a for at, a in allocations.get(invoice_id, ()) if at <= issued_at)
            if settled:
                paid[family_id][invoice_id] -= settled
    return paid


def _invoice_lines(session, invoice_ids) -> dict[uuid.UUID, tuple[LineFacts, ...]]:
    shares = dict(session.execute(select(Activity.id, Activity.care_share_bp)).all())
    lines: dict[uuid.UUID, list[LineFacts]] = defaultdict(list)
    query = (
        select(InvoiceLine, Invoice.period_label)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    )
    for line, period in session.execute(query):
        lines[line.invoice_id].append(
            LineFacts(
                line.child_id,
                line.label,
                period,
                line.amount_cents,
                shares.get(line.activity_id, 0),
            )
        )
    return {invoice_id: tuple(found) for invoice_id, found in lines.items()}


def _tickets(session, year: int, family_ids) -> dict[uuid.UUID, list[TicketsPaid]]:
    """family → the ticket lines of its receipts of the year (cancelled receipts left out:
    a receipt is cancelled the day it was made), with who used that ticket type."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    query = (
        select(Sale.family_id, Sale.at, SaleLine.amount_cents, TicketType)
        .join(SaleLine, SaleLine.sale_id == Sale.id)
        .join(TicketType, TicketType.id == SaleLine.ticket_type_id)
        .where(
            Sale.kind == "tickets",
            Sale.cancelled_at.is_(None),
            Sale.at >= start,
            Sale.at < end,
            TicketType.care_share_bp > 0,
        )
        .order_by(Sale.at)
    )
    if family_ids is not None:
        query = query.where(Sale.family_id.in_(family_ids))
    rows = session.execute(query).all()
    if not rows:
        return {}
    used: dict[tuple[uuid.UUID, uuid.UUID], dict[uuid.UUID, int]] = defaultdict(
        lambda: defaultdict(int)
    )
    wallet = select(
        WalletEntry.family_id,
        WalletEntry.ticket_type_id,
        WalletEntry.child_id,
        WalletEntry.quantity,
    ).where(
        WalletEntry.kind.in_(("booking", "cancellation")),
        WalletEntry.child_id.is_not(None),
        WalletEntry.at >= start,
        WalletEntry.at < end,
    )
    if family_ids is not None:
        wallet = wallet.where(WalletEntry.family_id.in_(family_ids))
    for family_id, ticket_type_id, child_id, quantity in session.execute(wallet):
        used[family_id, ticket_type_id][child_id] -= quantity
    found: dict[uuid.UUID, list[TicketsPaid]] = defaultdict(list)
    for family_id, at, amount, ticket in rows:
        found[family_id].append(
            TicketsPaid(
                ticket.name,
                f"achat du {french_date(at.date())}",
                amount,
                ticket.care_share_bp,
                tuple(used.get((family_id, ticket.id), {}).items()),
            )
        )
    return found


def care_by_family(
    session, year: int, family_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, tuple[ChildCare, ...]]:
    """Per family with something to certify for `year`: its children's care paid in it
    (None: every family)."""
    paid = _paid_on_invoices(session, year, family_ids)
    tickets = _tickets(session, year, family_ids)
    invoice_ids = [i for invoices in paid.values() for i, cents in invoices.items() if cents]
    lines = _invoice_lines(session, invoice_ids) if invoice_ids else {}
    concerned = {f for f, invoices in paid.items() if any(invoices.values())} | set(tickets)
    children: dict[uuid.UUID, list[ChildFacts]] = defaultdict(list)
    if concerned:
        query = select(Child).where(Child.family_id.in_(concerned))
        for child in session.scalars(query.order_by(Child.family_id, Child.position)):
            name = f"{child.first_name} {child.last_name.upper()}".strip()
            children[child.family_id].append(ChildFacts(child.id, name, child.birth_date))
    result = {}
    for family_id in concerned:
        invoices = [
            InvoicePaid(lines[invoice_id], cents)
            for invoice_id, cents in paid.get(family_id, {}).items()
            if cents and invoice_id in lines
        ]
        cares = care_paid(year, children[family_id], invoices, tickets.get(family_id, ()))
        if cares:
            result[family_id] = cares
    return result
