"""What a parent's wallet and invoices pages show, read for one family of one commune: the
balance of each ticket type and the ledger (date, reason, ±, balance after), the invoices
with what is left to pay and their status, the family's credit. Read only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.models import Invoice, WalletEntry
from eticket_central.ops.invoice_prints import debit_days
from eticket_central.ops.money_data import family_credit
from eticket_central.portal.ticket_prices import records

TO_PAY, PAID, CANCELLED = "à payer", "payée", "annulée par avoir"
KIND_LABELS = {
    "purchase": "Achat",
    "booking": "Réservation",
    "cancellation": "Annulation",
    "correction": "Correction",
    "refund": "Remboursement",
}


@dataclass(frozen=True)
class Balance:
    code: str
    name: str
    tickets: int


@dataclass(frozen=True)
class LedgerLine:
    at: datetime
    ticket_name: str
    kind: str
    reason: str
    quantity: int
    balance_after: int


@dataclass(frozen=True)
class InvoiceLine:
    id: uuid.UUID
    number: str
    issued_on: date
    due_on: date
    amount_cents: int
    paid_cents: int
    status: str
    credit_note_number: str
    period_label: str
    debit_on: date | None = None  # debited by SEPA on that day: not paid online

    @property
    def left_cents(self) -> int:
        return 0 if self.status == CANCELLED else self.amount_cents - self.paid_cents


def wallet(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID):
    """(balances of every active ticket type, the ledger newest first)."""
    types = sorted(
        records(session, tenant_id, "ticket_type"), key=lambda t: (t.get("position", 0), t["name"])
    )
    names = {t["code"]: t["name"] for t in types}
    entries = session.execute(
        select(WalletEntry)
        .where(WalletEntry.tenant_id == tenant_id, WalletEntry.family_id == family_id)
        .order_by(WalletEntry.occurred_at, WalletEntry.recorded_at, WalletEntry.id)
    ).scalars()
    running: dict[str, int] = {}
    ledger = []
    for e in entries:
        running[e.ticket_type] = running.get(e.ticket_type, 0) + e.quantity
        ledger.append(
            LedgerLine(
                e.occurred_at,
                names.get(e.ticket_type, e.ticket_type),
                KIND_LABELS.get(e.kind, e.kind),
                e.reason,
                e.quantity,
                running[e.ticket_type],
            )
        )
    balances = [
        Balance(t["code"], t["name"], running.get(t["code"], 0))
        for t in types
        if t.get("active", True) or running.get(t["code"])
    ]
    ledger.reverse()
    return balances, ledger


def invoices(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID):
    """(the family's invoices newest first, its credit in cents)."""
    found = (
        session.execute(
            select(Invoice)
            .where(Invoice.tenant_id == tenant_id, Invoice.family_id == family_id)
            .order_by(Invoice.issued_on.desc(), Invoice.number.desc())
        )
        .scalars()
        .all()
    )
    debited = debit_days(session, (i.id for i in found))
    lines = [
        InvoiceLine(
            i.id,
            i.number,
            i.issued_on,
            i.due_on,
            i.amount_cents,
            i.paid_cents,
            CANCELLED
            if i.cancelled_at is not None
            else PAID
            if i.paid_cents >= i.amount_cents
            else TO_PAY,
            i.credit_note_number,
            i.period_label,
            debited.get(i.id),
        )
        for i in found
    ]
    return lines, family_credit(session, tenant_id, family_id)
