"""Cancelling a receipt of tickets the day it was made (a mistake at the counter): the money
handed back and the tickets taken back by reversing rows; the receipt keeps its number."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eticket_desk.ids import new_id
from eticket_desk.models import (
    Family,
    Payment,
    Sale,
    SaleLine,
    TicketType,
    TillSession,
    WalletEntry,
)
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.till import till_of
from eticket_desk.services.counter.wallet import balance_in
from eticket_desk.sync.outbox import PaymentsMade, WalletLines, emit


@dataclass(frozen=True)
class ReceiptRow:
    sale_id: uuid.UUID
    number: str
    at: datetime
    family: str  # « F00042 DUPONT Jean »
    kind: str  # tickets, invoices
    total_cents: int
    cancelled: bool


def open_till_receipts(store: Store, actor: Actor) -> list[ReceiptRow]:
    """The receipts of the open till session, newest first (the ones that may be cancelled)."""
    actor.require(Permission.SALE)
    with store.read() as session:
        till = session.scalar(select(TillSession).where(TillSession.closed_at.is_(None)))
        if till is None:
            return []
        rows = session.execute(
            select(Sale, Family.reference, Family.display_name)
            .join(Family, Family.id == Sale.family_id)
            .where(Sale.till_id == till.id)
            .order_by(Sale.at.desc(), Sale.receipt_number.desc())
        ).all()
        return [
            ReceiptRow(
                sale.id,
                sale.receipt_number,
                sale.at,
                f"{reference} {name}",
                sale.kind,
                sale.total_cents,
                sale.cancelled_at is not None,
            )
            for sale, reference, name in rows
        ]


@changes(Topic.TILL, Topic.SALES)
def cancel_sale(store: Store, actor: Actor, sale_id: uuid.UUID, reason: str) -> str:
    """Only while its till session is open, and only when the family still has every ticket
    it bought (none used for a booking). Returns the money to hand back, as a sentence."""
    actor.require(Permission.SALE)
    if not reason.strip():
        raise InvalidInput("Indiquez le motif de l'annulation.")
    with store.write(actor) as session:
        now = session.info["now"]
        sale = session.get(Sale, sale_id)
        if sale is None:
            raise NotFound("Cette quittance n'existe pas.")
        if sale.cancelled_at is not None:
            raise DomainError(f"La quittance {sale.receipt_number} est déjà annulée.")
        if sale.kind != "tickets":
            raise DomainError(
                "Seule une vente de tickets s'annule ici ; un règlement de facture se corrige "
                "par le régisseur."
            )
        till = till_of(session, actor)
        if sale.till_id != till.id:
            raise DomainError(
                f"La quittance {sale.receipt_number} appartient à une caisse déjà clôturée : "
                "seul le régisseur peut corriger (porte-monnaie et remboursement)."
            )
        lines = session.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id)).all()
        for line in lines:
            left = balance_in(session, sale.family_id, line.ticket_type_id)
            if left < line.quantity:
                name = session.get(TicketType, line.ticket_type_id).name
                raise DomainError(
                    f"La famille n'a plus que {left} ticket(s) « {name} » sur les "
                    f"{line.quantity} achetés : des tickets ont servi, la vente ne s'annule pas."
                )
        for line in lines:
            entry = WalletEntry(
                id=new_id(),
                family_id=sale.family_id,
                ticket_type_id=line.ticket_type_id,
                at=now,
                quantity=-line.quantity,
                kind="correction",
                sale_id=sale.id,
                reason=f"Annulation de la quittance {sale.receipt_number}",
                by=actor.login,
            )
            session.add(entry)
            emit(session, WalletLines((entry.id,)))
        handed_back: dict[str, int] = defaultdict(int)
        for payment in session.scalars(select(Payment).where(Payment.sale_id == sale.id)).all():
            if payment.method == "cheque" and payment.deposit_slip_id is not None:
                raise DomainError(
                    f"Le chèque n° {payment.cheque_number} est déjà remis au Trésor Public "
                    "(bordereau) : la vente ne s'annule plus au guichet."
                )
            reversal = Payment(
                id=new_id(),
                sale_id=sale.id,
                till_id=till.id,
                at=now,
                method=payment.method,
                amount_cents=-payment.amount_cents,
                given_cents=None,
                change_cents=None,
                cheque_number=payment.cheque_number,
                cheque_bank=payment.cheque_bank,
                cheque_drawer=payment.cheque_drawer,
                card_reference=payment.card_reference,
            )
            session.add(reversal)
            emit(session, PaymentsMade((reversal.id,)))
            handed_back[payment.method] += payment.amount_cents
        sale.cancelled_at, sale.cancelled_by, sale.cancel_reason = now, actor.login, reason.strip()
        words = {"cash": "en espèces", "cheque": "le chèque", "card": "sur la carte"}
        back = ", ".join(f"{format_cents(v)} {words[m]}" for m, v in handed_back.items())
        record(
            session,
            "sale_cancel",
            "sale",
            sale.id,
            f"Annulation de la quittance {sale.receipt_number} : {reason.strip()} (rendu : {back})",
            reason=reason.strip(),
        )
        return f"Quittance {sale.receipt_number} annulée. À rendre : {back}."
