"""What an invoice bills (seed 003): booked days of per-day activities over a month, fares
per period from the subscriptions; how the lines read; the due date and the statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import Method, PaymentInput

# Billed: a seat held (booked, present, absent without justification) and a cancellation
# after the deadline. Not billed: an absence justified by a medical certificate, a timely
# cancellation, the waiting list.
_BILLED = frozenset({BookingState.BOOKED, BookingState.PRESENT, BookingState.ABSENT_UNJUSTIFIED})


def is_billed(state: str, late: bool) -> bool:
    """Whether a booking in this state is billed (a late cancellation is)."""
    if state == BookingState.CANCELLED:
        return late
    return state in _BILLED


@dataclass(frozen=True)
class DraftLine:
    activity: str
    basis: str
    quantity: int
    unit_cents: int
    amount_cents: int


def day_lines(activity: str, priced_days: Iterable[tuple[date, int]], note: str) -> list[DraftLine]:
    """One line per unit price over the days billed (a tariff changed in the month gives two
    lines): « 12 jours × 3,85 € (Quotient familial 640 € — tranche 2 sur 4) »."""
    by_price: dict[int, list[date]] = {}
    for day, unit in sorted(priced_days):
        by_price.setdefault(unit, []).append(day)
    lines = []
    for unit, days in by_price.items():
        count = len(days)
        span = ""
        if len(by_price) > 1:
            span = f", du {days[0]:%d/%m} au {days[-1]:%d/%m}"
        word = "jour" if count == 1 else "jours"
        basis = f"{count} {word} × {format_cents(unit)} ({note}{span})"
        lines.append(DraftLine(activity, basis, count, unit, count * unit))
    return lines


def fare_line(activity: str, option_label: str, period_label: str, unit: int, note: str):
    return DraftLine(activity, f"Forfait {option_label} — {period_label} ({note})", 1, unit, unit)


def due_date(issued: date, days: int) -> date:
    return issued + timedelta(days=days)


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    InvoiceStatus.ISSUED: "Émise",
    InvoiceStatus.PARTLY_PAID: "Partiellement réglée",
    InvoiceStatus.PAID: "Réglée",
    InvoiceStatus.CANCELLED: "Annulée par avoir",
}


def status(total_cents: int, settled_cents: int, cancelled: bool) -> InvoiceStatus:
    """`settled_cents`: payments and credit applied to the invoice."""
    if cancelled:
        return InvoiceStatus.CANCELLED
    if settled_cents >= total_cents:
        return InvoiceStatus.PAID
    return InvoiceStatus.PARTLY_PAID if settled_cents > 0 else InvoiceStatus.ISSUED


def is_invoice_code(text: str) -> bool:
    """« F-2026-000123 », as the scanner types the coupon's barcode (case and spaces forgiven)."""
    parts = text.strip().upper().split("-")
    return len(parts) == 3 and parts[0] == "F" and parts[1].isdigit() and parts[2].isdigit()


def kept_amount(expected_cents: int, payments: Iterable[PaymentInput]) -> int:
    """What the régie keeps of the payments handed over for invoices: cheques and cards whole
    (beyond what is due it becomes the family's credit), cash up to what is still due (the
    rest is change)."""
    payments = list(payments)
    others = sum(p.amount_cents for p in payments if p.method != Method.CASH)
    cash = sum(p.amount_cents for p in payments if p.method == Method.CASH)
    if others >= expected_cents:
        return others
    return min(expected_cents, others + cash)
