"""Money pulled from the server: wallet lines written elsewhere (tickets bought online, a
correction at another desk) and payments made online, never counted twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from eticket_desk.models import (
    CreditEntry,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    TicketType,
    WalletEntry,
)
from eticket_desk.sync.money_ops import split_payment_id


def apply_wallet_entry(session, change, _waiting) -> bool:
    data = change.data
    entry_id = uuid.UUID(change.id)
    if session.get(WalletEntry, entry_id) is not None:
        return False
    ticket = session.scalar(select(TicketType).where(TicketType.code == data["ticket_type"]))
    if ticket is None or session.get(Family, uuid.UUID(data["family_id"])) is None:
        return False
    session.add(
        WalletEntry(
            id=entry_id,
            family_id=uuid.UUID(data["family_id"]),
            ticket_type_id=ticket.id,
            at=datetime.fromisoformat(data["occurred_at"]),
            quantity=data["quantity"],
            kind=data["kind"],
            reason=data.get("reason", ""),
            by="serveur",
        )
    )
    return True


def apply_payment(session, change, _waiting) -> bool:
    """A payment made elsewhere (online): the invoice gets what it still needs here, the
    rest is the family's credit (never counted twice)."""
    data = change.data
    payment_id = uuid.UUID(change.id)
    invoice_id = uuid.UUID(data["invoice_id"]) if data["invoice_id"] else None
    if _taken_here(session, payment_id, invoice_id):
        return False  # money taken at this counter (a full reload brings it back)
    family_id = uuid.UUID(data["family_id"])
    if session.get(Family, family_id) is None:
        return False
    invoice = session.get(Invoice, invoice_id) if invoice_id else None
    amount = data["amount_cents"] - data.get("to_sale_cents", 0)
    now, tag = session.info["now"], f"en ligne {payment_id}"
    if session.scalar(select(PaymentAllocation.id).where(PaymentAllocation.by == tag)) or (
        session.scalar(select(CreditEntry.id).where(CreditEntry.by == tag))
    ):
        return False  # already here (a full reload brings it again)
    to_invoice = 0
    if invoice is not None:
        paid = sum(
            session.scalars(
                select(PaymentAllocation.amount_cents).where(
                    PaymentAllocation.invoice_id == invoice.id
                )
            )
        )
        to_invoice = max(0, min(amount, invoice.total_cents - paid))
        if to_invoice:
            session.add(
                PaymentAllocation(invoice_id=invoice.id, amount_cents=to_invoice, at=now, by=tag)
            )
    if amount - to_invoice > 0:
        session.add(
            CreditEntry(
                family_id=family_id,
                at=now,
                amount_cents=amount - to_invoice,
                invoice_id=invoice.id if invoice else None,
                reason=f"Règlement en ligne (déjà payé) {payment_id}",
                by=tag,
            )
        )
    return bool(amount)


def _taken_here(session, payment_id: uuid.UUID, invoice_id: uuid.UUID | None) -> bool:
    """The payment is one this desk took: matched by its identity (its own id, or the id of
    its part for that invoice), never by its receipt number, which another desk of the régie
    may have given too."""
    if session.get(Payment, payment_id) is not None:
        return True
    if invoice_id is None:
        return False
    paid_here = session.scalars(
        select(PaymentAllocation.payment_id).where(PaymentAllocation.invoice_id == invoice_id)
    )
    return any(split_payment_id(own, invoice_id) == payment_id for own in paid_here)
