"""What an invoice bills (seed 003): booked days of per-day activities over a month, fares
per period from the subscriptions; how the lines read; the due date and the statuses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    days: str = ""  # the days billed: « 3, 4, 6, 10 et 11 novembre » (per-day activities)


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def _day_numbers(days: Sequence[date]) -> list[str]:
    """« 2 », « 1er », and three days or more in a row as « 9–13 »."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    out = []
    for run in runs:
        names = [f"{d.day}er" if d.day == 1 else str(d.day) for d in run]
        out += [f"{names[0]}–{names[-1]}"] if len(run) >= 3 else names
    return out


def dates_text(days: Iterable[date]) -> str:
    """« 3, 4, 6, 10 et 11 novembre », « 30 novembre et 1er décembre », « 2–6 et 9 novembre »."""
    by_month: dict[tuple[int, int], list[date]] = {}
    for day in sorted(set(days)):
        by_month.setdefault((day.year, day.month), []).append(day)
    parts = []
    for (_, month), group in by_month.items():
        parts.append(f"{_and(_day_numbers(group))} {MONTHS[month - 1]}")
    return ", ".join(parts)


def billed_days_text(days: Iterable[date], late: Iterable[date] = ()) -> str:
    """The days an invoice line bills, the late cancellations (billed) named after them:
    « 3, 4, 6, 10 et 11 novembre, dont le 6 novembre annulé hors délai »."""
    days = sorted(set(days))
    text = dates_text(days)
    late = sorted(set(late) & set(days))
    if late and late == days:
        return f"{text}, {'annulé' if len(late) == 1 else 'annulés'} hors délai"
    if len(late) == 1:
        text += f", dont le {dates_text(late)} annulé hors délai"
    elif late:
        text += f", dont les {dates_text(late)} annulés hors délai"
    return text


def day_lines(
    activity: str,
    priced_days: Iterable[tuple[date, int]],
    note: str,
    late: Iterable[date] = (),
) -> list[DraftLine]:
    """One line per unit price over the days billed (a tariff changed in the month gives two
    lines): « 12 jours × 3,85 € (Quotient familial 640 € — tranche 2 sur 4) », with the days
    it bills; `late`: the days among them cancelled after the deadline."""
    by_price: dict[int, list[date]] = {}
    for day, unit in sorted(priced_days):
        by_price.setdefault(unit, []).append(day)
    late = set(late)
    lines = []
    for unit, days in by_price.items():
        count = len(days)
        span = ""
        if len(by_price) > 1:
            span = f", du {days[0]:%d/%m} au {days[-1]:%d/%m}"
        word = "jour" if count == 1 else "jours"
        basis = f"{count} {word} × {format_cents(unit)} ({note}{span})"
        days_text = billed_days_text(days, late)
        lines.append(DraftLine(activity, basis, count, unit, count * unit, days_text))
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
