"""The demo town's recent past, played through the real services up to the demo's today: the
last whole month invoiced and paid in full, in part or not at all, and the counter's till days
(a float, tickets sold and invoices paid in cash, cheque and card, the count at night, the
cheques of each finished week handed over on a deposit slip)."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays
from sqlalchemy import select

from eticket_desk.clock import FrozenClock
from eticket_desk.models import Adult, Family, Invoice, User, WalletEntry
from eticket_desk.rules.calendar import days_between
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.permissions import Role
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.catalogue.tariffs import list_ticket_types
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.settings import AppSettings, save_settings
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.counter.deposit_slips import make_deposit_slip, undeposited_cheques
from eticket_desk.services.counter.sales import SaleRequest, quote_sale, sell_tickets
from eticket_desk.services.counter.till import close_till, current_till, open_till
from eticket_desk.services.invoicing.drafts import RunPeriod, month_period
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.run import RunResult, issue_run, preview_run

DUE_DAYS = 10  # seed 003: « Le délai de paiement des factures est de 10 jours environ »
FLOAT_CENTS = 15_000  # the till's float, every morning
TILL_DAYS = 15  # at most: the counter's last working days before today
PAID, PART_PAID = 0.72, 0.08  # shares of the month's invoices; the rest is still unpaid
# What one counter takes in a day, at most: invoices paid and tickets sold. In a big town most
# families pay online, which a desk learns from the server: its demo shows more unpaid bills.
PAYMENTS_A_DAY, SALES_A_DAY = 100, 30
METHODS = ((Method.CHEQUE, 50), (Method.CASH, 30), (Method.CARD, 20))  # weights
MISCOUNT_CENTS = -50
MISCOUNT_NOTE = "Erreur de rendu de monnaie : 0,50 € rendus en trop à une famille."
BANKS = (
    "Crédit Agricole des Savoie",
    "La Banque Postale",
    "Banque Populaire Auvergne Rhône Alpes",
    "Caisse d'Épargne Rhône Alpes",
    "Banque Laydernier",
    "Crédit Mutuel",
    "Société Générale",
    "CIC Lyonnaise de Banque",
    "LCL",
)


@dataclass(frozen=True)
class History:
    """What the demo's past holds, for the summary line."""

    month: str = ""  # « octobre 2026 », the month invoiced ("" when none fits before today)
    invoices: int = 0
    till_days: int = 0
    slips: int = 0


@dataclass
class _Event:
    """One family at the counter: tickets bought, or an invoice paid (in full or in part)."""

    family_id: uuid.UUID
    payer: str
    amount_cents: int = 0  # what the invoice payment settles (0: a ticket sale)
    invoice_id: uuid.UUID | None = None
    tickets: int = 0
    part: bool = False


def working_days(after: date, before: date) -> list[date]:
    """The mairie's working days strictly between two dates (no weekend, no public holiday)."""
    if before - after < timedelta(days=2):
        return []
    closed = holidays.France(years=range(after.year, before.year + 1))
    return [
        d
        for d in days_between(after + timedelta(days=1), before - timedelta(days=1))
        if d.weekday() < 5 and d not in closed
    ]


@changes(Topic.SETTINGS, Topic.INVOICES, Topic.SALES, Topic.TILL)
def play_history(
    store: Store,
    timeline: FrozenClock,
    today: datetime,
    seed: int,
    say: Callable[[str], None],
) -> History:
    """Moves `timeline` from the town's set-up to `today`, calling the services on the way
    (inside the caller's seeded ids: the same seed gives the same past)."""
    set_up = timeline.now()
    rng = random.Random(seed * 104_729 + 3)  # its own generator: the town drawn stays the same
    actors = _actors(store)
    save_settings(store, actors["admin"], AppSettings(invoice_due_days=DUE_DAYS))
    days = working_days(set_up.date(), today.date())[-TILL_DAYS:]
    plan: dict[date, list[_Event]] = defaultdict(list)
    month, invoices = "", 0
    run = _month_to_invoice(set_up.date(), today.date())
    if run is not None:
        period, issue_day = run
        timeline.current = datetime.combine(issue_day, time(8, 15))
        done = _issue(store, actors["regisseur"], period)
        if done is not None:
            month, invoices = period.label[0].lower() + period.label[1:], done.invoices
            _plan_payments(store, rng, done.run_id, [d for d in days if d > issue_day], plan)
            issued = f"{invoices} factures émises le {issue_day:%d/%m/%Y}"
            say(f"Facturation {of_month(month)} : {issued}")
    _plan_ticket_sales(store, rng, days, plan)
    slips = _till_days(store, timeline, rng, actors, days, plan, say)
    if days:
        say(f"Journées de caisse : {len(days)}, bordereaux de chèques : {slips}")
    timeline.current = today
    return History(month, invoices, len(days), slips)


def of_month(month: str) -> str:
    """« d'octobre 2026 », « de novembre 2026 »."""
    return f"d'{month}" if month[:1] in "aeiouéèâ" else f"de {month}"


def _actors(store: Store) -> dict[str, Actor]:
    """The demo's agents by login, as a login at the counter would make them."""
    with store.read() as session:
        return {
            u.login: Actor(u.id, u.login, u.full_name, Role(u.role))
            for u in session.scalars(select(User))
        }


def _month_to_invoice(set_up: date, today: date) -> tuple[RunPeriod, date] | None:
    """The last whole month before today and the working day it is issued on (the first of
    this month), or None when the town did not live through it or the day has not come."""
    first = today.replace(day=1)
    period = month_period(f"{first - timedelta(days=1):%Y-%m}")
    issue = next(iter(working_days(first - timedelta(days=1), today + timedelta(days=1))), None)
    if period.end < set_up or issue is None or issue >= today:
        return None
    return period, issue


def _issue(store: Store, regisseur: Actor, period: RunPeriod) -> RunResult | None:
    """The month's run, or None when it has nothing to bill (a tiny town, a month without
    school); any other refusal (a missing tariff…) is the demo's own bug and is raised."""
    try:
        return issue_run(store, regisseur, period)
    except DomainError:
        if preview_run(store, regisseur, period).drafts:
            raise
        return None


def _method(rng: random.Random) -> Method:
    return rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]


def _plan_payments(store: Store, rng: random.Random, run_id, days: list[date], plan) -> None:
    """Each invoice of the run paid in full, in part or not at all, on a day after its issue;
    most are paid by the due date, some a little late."""
    with store.read() as session:
        rows = session.execute(
            select(Invoice.id, Invoice.family_id, Invoice.total_cents, Invoice.billing_name)
            .where(Invoice.run_id == run_id)
            .order_by(Invoice.number)
        ).all()
        due = session.scalar(select(Invoice.due_date).where(Invoice.run_id == run_id).limit(1))
    if not days:
        return
    early = [d for d in days if d <= due] or days
    for invoice_id, family_id, total, payer in rows:
        draw = rng.random()
        if draw >= PAID + PART_PAID:
            continue  # not paid yet: past its due date, a reminder is due
        if draw < PAID:
            day = rng.choice(early if rng.random() < 0.85 else days)
            amount, part = total, False
        else:
            day = rng.choice(days)
            amount = max(100, total * rng.randrange(30, 70) // 100 // 100 * 100)
            amount, part = min(amount, total - 1), True
        day = _free_day(plan, days, day)
        if amount > 0 and day is not None:
            plan[day].append(_Event(family_id, payer, amount, invoice_id, part=part))


def _free_day(plan, days: list[date], wanted: date) -> date | None:
    """The day wanted, or the next one with room at the counter (None: the counter was full
    every day, the family has not paid yet)."""
    start = days.index(wanted)
    for day in days[start:] + days[:start]:
        if len(plan[day]) < PAYMENTS_A_DAY:
            return day
    return None


def _plan_ticket_sales(store: Store, rng: random.Random, days: list[date], plan) -> None:
    """A few families each day buy garderie tickets for the weeks ahead."""
    with store.read() as session:
        buyers = list(
            session.execute(
                select(Family.id, Adult.first_name, Adult.last_name)
                .join(Adult, (Adult.family_id == Family.id) & Adult.billing.is_(True))
                .where(Family.id.in_(select(WalletEntry.family_id).distinct()))
                .order_by(Family.number)
            ).all()
        )
    if not buyers:
        return
    per_day = min(SALES_A_DAY, max(2, len(buyers) // 60))
    for day in days:
        for _ in range(rng.randint(max(1, per_day // 2), per_day + 1)):
            family_id, first, last = rng.choice(buyers)
            tickets = rng.choice((5, 10, 10, 20))
            plan[day].append(_Event(family_id, f"{first} {last.upper()}", tickets=tickets))


def _payment(rng: random.Random, event: _Event, amount: int) -> PaymentInput:
    """How the family pays `amount`: a cheque, a card, or cash (often a note to change)."""
    method = _method(rng)
    if method == Method.CHEQUE:
        number = f"{rng.randrange(1_000_000, 9_999_999)}"
        return PaymentInput(method, amount, number, rng.choice(BANKS), event.payer)
    if method == Method.CARD:
        return PaymentInput(method, amount, card_reference=f"{rng.randrange(1, 999_999):06d}")
    if event.part or rng.random() < 0.4:
        return PaymentInput(method, amount)
    note = rng.choice((1_000, 2_000, 5_000))
    return PaymentInput(method, -(-amount // note) * note)  # the change is given back


def _till_days(store, timeline, rng, actors, days: list[date], plan, say) -> int:
    """Each day: the till opened, the families served, the cash counted (once a small
    difference, explained); the cheques of each finished week on a slip. Returns the slips."""
    tickets = next((t for t in list_ticket_types(store) if t.active), None)
    miscount = rng.choice(days[1:] or days) if days else None
    final_week = days[-1].isocalendar()[:2] if days else None
    slips = 0
    for index, day in enumerate(days):
        agent = actors["regisseur" if day.weekday() == 2 else "agent"]  # Wednesday: the régisseur
        timeline.current = datetime.combine(day, time(8, 30))
        open_till(store, agent, FLOAT_CENTS)
        events = plan.get(day, [])
        say(f"Journée de caisse du {day:%d/%m/%Y} : {len(events)} passage(s) au guichet")
        minutes = sorted(rng.randrange(5, 500) for _ in events)  # 8:35 to 16:50
        for minute, event in zip(minutes, events, strict=True):
            timeline.current = datetime.combine(day, time(8, 30)) + timedelta(minutes=minute)
            if event.invoice_id is not None:
                request = InvoicePaymentRequest(
                    event.family_id,
                    (event.invoice_id,),
                    (_payment(rng, event, event.amount_cents),),
                    accept_difference=event.part,
                )
                pay_invoices(store, agent, request)
            elif tickets is not None:
                _sell(store, agent, rng, tickets.id, event)
        timeline.current = datetime.combine(day, time(17, 0))
        expected = current_till(store).expected_cash_cents
        if day == miscount:
            close_till(store, agent, expected + MISCOUNT_CENTS, MISCOUNT_NOTE)
        else:
            close_till(store, agent, expected)
        last_of_week = (
            index + 1 == len(days) or days[index + 1].isocalendar()[:2] != (day.isocalendar()[:2])
        )
        if last_of_week and day.isocalendar()[:2] != final_week:
            timeline.current = datetime.combine(day, time(17, 20))
            regisseur = actors["regisseur"]
            cheques = [c.payment_id for c in undeposited_cheques(store, regisseur)]
            if cheques:
                make_deposit_slip(store, regisseur, cheques)
                slips += 1
    return slips


def _sell(store: Store, agent: Actor, rng: random.Random, ticket_type_id, event: _Event) -> None:
    """Tickets sold at the price of the family's bracket, paid as the family likes."""
    lines = ((ticket_type_id, event.tickets),)
    total = quote_sale(store, agent, event.family_id, lines).total_cents
    sell_tickets(store, agent, SaleRequest(event.family_id, lines, (_payment(rng, event, total),)))
