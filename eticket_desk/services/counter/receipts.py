"""The receipt (quittance) of a sale, as the printed document needs it, and its PDF."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, select

from eticket_desk.models import (
    CreditEntry,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    Sale,
    SaleLine,
    TicketType,
    TillSession,
)
from eticket_desk.reports import receipt
from eticket_desk.reports.receipt_data import ReceiptData, ReceiptLine, ReceiptPayment
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import person_label
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.sales import billing_address
from eticket_desk.services.counter.wallet import balance_in


def _details(payment: Payment) -> str:
    if payment.method == "cash":
        return (
            f"Espèces : reçu {format_cents(payment.given_cents or payment.amount_cents)}, "
            f"rendu {format_cents(payment.change_cents or 0)}"
        )
    if payment.method == "cheque":
        return (
            f"Chèque n° {payment.cheque_number} — {payment.cheque_bank} — tiré par "
            f"{payment.cheque_drawer}"
        )
    return f"Carte bancaire — terminal {payment.card_reference}"


def _invoice_lines(session, payment_ids: list[uuid.UUID]):
    """An invoice payment's receipt: one line per invoice paid, and the credit kept."""

    paid: dict[str, int] = {}
    for number, label, amount in session.execute(
        select(Invoice.number, Invoice.period_label, PaymentAllocation.amount_cents)
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(PaymentAllocation.payment_id.in_(payment_ids))
        .order_by(Invoice.number)
    ):
        key = f"Facture {number} — {label}"
        paid[key] = paid.get(key, 0) + amount
    lines = [ReceiptLine(key, 1, amount, amount) for key, amount in paid.items()]
    credit = session.scalar(
        select(func.coalesce(func.sum(CreditEntry.amount_cents), 0)).where(
            CreditEntry.payment_id.in_(payment_ids)
        )
    )
    if credit:
        lines.append(ReceiptLine("Trop-perçu gardé en avoir sur le compte", 1, credit, credit))
    return tuple(lines)


def receipt_data(store: Store, actor: Actor, sale_id: uuid.UUID):
    """Everything printed on the receipt of a sale (balances as they are now)."""

    actor.require(Permission.SALE)
    organisation = load_organisation(store)
    with store.read() as session:
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound("Cette vente n'existe pas.")
        family = session.get(Family, sale.family_id)
        till = session.get(TillSession, sale.till_id)
        agent = person_label(session, sale.by)
        lines = session.execute(
            select(SaleLine, TicketType.name)
            .join(TicketType, TicketType.id == SaleLine.ticket_type_id)
            .where(SaleLine.sale_id == sale.id)
        ).all()
        payments = session.scalars(select(Payment).where(Payment.sale_id == sale.id)).all()
        printed = tuple(
            ReceiptLine(f"Tickets {name}", line.quantity, line.unit_cents, line.amount_cents)
            for line, name in lines
        )
        if sale.kind == "invoices":
            printed = _invoice_lines(session, [p.id for p in payments])
        return ReceiptData(
            organisation=organisation,
            number=sale.receipt_number,
            issued_at=sale.at,
            agent_name=agent,
            till_label=f"session du {till.opened_at:%d/%m/%Y}, {till.opened_at:%H:%M}",
            family_reference=family.reference,
            family_name=family.display_name,
            address_lines=billing_address(session, family.id),
            lines=printed,
            payments=tuple(ReceiptPayment(p.method, p.amount_cents, _details(p)) for p in payments),
            total_cents=sale.total_cents,
            balances_after=tuple(
                (name, balance_in(session, family.id, line.ticket_type_id)) for line, name in lines
            ),
            qf_text=sale.pricing_note,
            kind=sale.kind,
        )


def print_receipt(
    store: Store, actor: Actor, sale_id: uuid.UUID, out: Path, layout: str = "a4"
) -> Path:
    return receipt.render(receipt_data(store, actor, sale_id), out, layout)
