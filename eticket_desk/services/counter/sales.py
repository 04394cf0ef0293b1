"""Selling tickets at the counter: price by QF, payments, wallet credit and the receipt, in
one transaction with the next number of this desk's gapless receipt series (« Q2-2026-… »
at desk 2: services/core/numbering.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from eticket_desk.ids import new_id
from eticket_desk.models import Adult, Family, Payment, Sale, SaleLine, TicketType, WalletEntry
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import METHOD_LABELS, Method, PaymentInput, settle
from eticket_desk.services.catalogue.tariffs import price_for
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.numbering import take_receipt_number
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.till import till_of
from eticket_desk.services.counter.wallet import balance_in
from eticket_desk.sync.outbox import PaymentsMade, WalletLines, emit

MAX_TICKETS = 500  # a line beyond this is a typing mistake (a year is ~180 days)


@dataclass(frozen=True)
class SaleRequest:
    family_id: uuid.UUID
    lines: tuple[tuple[uuid.UUID, int], ...]  # (ticket type, quantity)
    payments: tuple[PaymentInput, ...]


@dataclass(frozen=True)
class QuoteLine:
    ticket_type_id: uuid.UUID
    name: str
    quantity: int
    unit_cents: int
    amount_cents: int


@dataclass(frozen=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    total_cents: int
    pricing_note: str


@dataclass(frozen=True)
class SaleDone:
    sale_id: uuid.UUID
    receipt_number: str
    at: datetime
    quote: Quote
    change_cents: int
    balances_after: tuple[tuple[str, int], ...]


def _quote(session, family_id: uuid.UUID, lines, today) -> Quote:
    if not lines or all(quantity == 0 for _, quantity in lines):
        raise InvalidInput("Indiquez le nombre de tickets à vendre.")
    quoted, note = [], ""
    for ticket_type_id, quantity in lines:
        if quantity == 0:
            continue
        if not 0 < quantity <= MAX_TICKETS:
            raise InvalidInput(f"Le nombre de tickets doit être compris entre 1 et {MAX_TICKETS}.")
        ticket = session.get(TicketType, ticket_type_id)
        if ticket is None or not ticket.active:
            raise NotFound("Ce type de ticket n'est plus vendu.")
        price = price_for(session, family_id, ticket_type_id, today)
        note = price.note
        quoted.append(
            QuoteLine(
                ticket.id, ticket.name, quantity, price.unit_cents, price.unit_cents * quantity
            )
        )
    return Quote(tuple(quoted), sum(q.amount_cents for q in quoted), note)


def quote_sale(store: Store, actor: Actor, family_id: uuid.UUID, lines) -> Quote:
    """The price of the tickets for this family today (nothing written)."""
    actor.require(Permission.SALE)
    with store.read() as session:
        return _quote(session, family_id, lines, store.clock.today())


@changes(Topic.SALES, Topic.TILL, lambda call: FamilyTopic(call["request"].family_id))
def sell_tickets(store: Store, actor: Actor, request: SaleRequest) -> SaleDone:
    """Sale, payments, wallet credit, receipt number and audit entry: all or nothing."""
    actor.require(Permission.SALE)
    with store.write(actor) as session:
        now: datetime = session.info["now"]
        family = session.get(Family, request.family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe pas (ou plus).")
        if family.status == "archived":
            raise DomainError("Ce dossier est archivé : aucune vente n'est possible.")
        till = till_of(session, actor)
        quote = _quote(session, family.id, request.lines, now.date())
        settlement = settle(quote.total_cents, list(request.payments))
        sale = Sale(
            id=new_id(),
            receipt_number=take_receipt_number(session, now.year),
            family_id=family.id,
            till_id=till.id,
            at=now,
            by=actor.login,
            total_cents=quote.total_cents,
            pricing_note=quote.pricing_note,
        )
        session.add(sale)
        session.flush()  # the lines, entries and payments refer to it (no ORM relationship)
        for line in quote.lines:
            session.add(
                SaleLine(
                    sale_id=sale.id,
                    ticket_type_id=line.ticket_type_id,
                    quantity=line.quantity,
                    unit_cents=line.unit_cents,
                    amount_cents=line.amount_cents,
                )
            )
            entry = WalletEntry(
                id=new_id(),
                family_id=family.id,
                ticket_type_id=line.ticket_type_id,
                at=now,
                quantity=line.quantity,
                kind="purchase",
                sale_id=sale.id,
                reason=sale.receipt_number,
                by=actor.login,
            )
            session.add(entry)
            emit(session, WalletLines((entry.id,)))
        write_payments(session, sale, settlement, now)
        session.flush()
        methods = ", ".join(
            f"{METHOD_LABELS[p.method]} {format_cents(share)}"
            for p, share in settlement.paid
            if share
        )
        record(
            session,
            "sale",
            "sale",
            sale.id,
            f"Vente {sale.receipt_number} à {family.reference} : {format_cents(quote.total_cents)} "
            f"({methods})",
            total_cents=quote.total_cents,
            change_cents=settlement.change_cents,
        )

        after = tuple(
            (line.name, balance_in(session, family.id, line.ticket_type_id)) for line in quote.lines
        )
        return SaleDone(sale.id, sale.receipt_number, now, quote, settlement.change_cents, after)


def write_payments(session, sale: Sale, settlement, now) -> list[Payment]:
    """The payments of a receipt as settled: what each one settles, the cash handed over and
    the change given back (a cash payment fully covered by cheques is not written)."""
    written = []
    change_left = settlement.change_cents
    for given, share in settlement.paid:
        if share == 0:
            continue  # cash handed over when cheques already covered the total
        cash = given.method == Method.CASH
        change = min(change_left, given.amount_cents - share) if cash else None
        if cash:
            change_left -= change
        payment = Payment(
            id=new_id(),
            sale_id=sale.id,
            till_id=sale.till_id,
            at=now,
            method=given.method.value,
            amount_cents=share,
            given_cents=given.amount_cents if cash else None,
            change_cents=change,
            cheque_number=given.cheque_number.strip(),
            cheque_bank=given.cheque_bank.strip(),
            cheque_drawer=given.cheque_drawer.strip(),
            card_reference=given.card_reference.strip(),
        )
        session.add(payment)
        written.append(payment)
    emit(session, PaymentsMade(tuple(payment.id for payment in written)))
    return written


def billing_address(session, family_id: uuid.UUID) -> tuple[str, ...]:
    adult = session.scalar(
        select(Adult).where(Adult.family_id == family_id, Adult.billing.is_(True))
    )
    if adult is None:
        return ()
    lines = [f"{adult.first_name} {adult.last_name.upper()}".strip(), adult.address1]
    lines += [adult.address2, adult.address3, f"{adult.postcode} {adult.city}".strip()]
    return tuple(line for line in lines if line)
