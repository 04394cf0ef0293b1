"""What a family paid in a year for the care of its children under six: the amounts of the
tax certificate (attestation de frais de garde, article 200 quater B of the CGI).

The rule, in the order it is applied (docs/tax_certificates.md):
- a child counts when under six on 1 January of the year (born after 1 January of year − 6;
  a child born during the year counts too);
- money counts in the year it was paid (the payment's date, never the invoice's): the
  service gives, per invoice, what was paid on it in the year, net of reversals (a rejected
  debit, a cancelled receipt) and of what a credit note turned into the family's credit;
- what was paid on an invoice is spread over its lines pro rata of their amounts, the
  remainder cents to the last line; of each line's part, the care share of its activity is
  care (rounded half up), the rest (meals) is excluded;
- tickets bought at the counter are spread the same way over the children who used that
  ticket type in the year (by tickets used; equally over every child when none was used);
- a child's yearly total never goes below zero (a refund of an earlier year's payment).
Pure: integer cents, no I/O."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

FULL_SHARE_BP = 10000  # basis points: 10000 = 100 %
CARE_AGE_LIMIT = 6


def under_six_on_first_january(birth_date: date | None, year: int) -> bool:
    """Under six on 1 January of `year` (art. 200 quater B of the CGI): born after 1 January
    of year − 6. A child six on that very day is not; unknown birth date: not."""
    if birth_date is None:
        return False
    return birth_date > date(year - CARE_AGE_LIMIT, 1, 1)


def care_part(amount_cents: int, share_bp: int) -> int:
    """The care part of an amount (negative amounts alike), rounded half up on its size."""
    if not 0 <= share_bp <= FULL_SHARE_BP:
        raise ValueError("a care share is between 0 and 10000 basis points")
    size = (abs(amount_cents) * share_bp * 2 + FULL_SHARE_BP) // (2 * FULL_SHARE_BP)
    return size if amount_cents >= 0 else -size


def spread(amount_cents: int, weights: Sequence[int]) -> list[int]:
    """`amount_cents` split pro rata of `weights` (rounded down on its size), the remainder
    cents to the last line of non-zero weight; all zero weights: nothing spread."""
    total = sum(weights)
    parts = [0] * len(weights)
    if total <= 0 or not amount_cents:
        return parts
    sign, size = (1 if amount_cents > 0 else -1), abs(amount_cents)
    last = max(i for i, w in enumerate(weights) if w > 0)
    for i, weight in enumerate(weights):
        if weight > 0:
            parts[i] = size * weight // total
    parts[last] += size - sum(parts)
    return [sign * part for part in parts]


@dataclass(frozen=True)
class ChildFacts:
    id: uuid.UUID
    name: str  # « Léa MARTIN »
    birth_date: date | None


@dataclass(frozen=True)
class LineFacts:
    """A line of an invoice as issued, with its activity's care share."""

    child_id: uuid.UUID | None
    label: str  # the activity: « Garderie matin »
    period: str  # the invoice's period: « novembre 2026 »
    amount_cents: int
    care_share_bp: int


@dataclass(frozen=True)
class InvoicePaid:
    """What was paid on one invoice in the year, net (may be negative: a reversal)."""

    lines: tuple[LineFacts, ...]
    paid_cents: int


@dataclass(frozen=True)
class TicketsPaid:
    """Tickets of one type bought in the year (net of cancelled receipts), and who used
    them: tickets used in the year by child."""

    label: str  # « Tickets garderie »
    period: str  # « achat du 12 mars 2026 »
    paid_cents: int
    care_share_bp: int
    used_by_child: tuple[tuple[uuid.UUID, int], ...]


@dataclass(frozen=True)
class ActivityCare:
    label: str
    periods: tuple[str, ...]
    amount_cents: int


@dataclass(frozen=True)
class ChildCare:
    child: ChildFacts
    activities: tuple[ActivityCare, ...]

    @property
    def amount_cents(self) -> int:
        return sum(a.amount_cents for a in self.activities)


def _add(found: dict, child_id, label: str, period: str, cents: int) -> None:
    periods, total = found.setdefault(child_id, {}).get(label, ([], 0))
    if period and period not in periods:
        periods.append(period)
    found[child_id][label] = (periods, total + cents)


def care_paid(
    year: int,
    children: Sequence[ChildFacts],
    invoices: Sequence[InvoicePaid],
    tickets: Sequence[TicketsPaid] = (),
) -> tuple[ChildCare, ...]:
    """Per eligible child (in the given order) with something to certify: the care paid in
    `year` by activity. Children with nothing (or a negative total) are left out."""
    eligible = {c.id: c for c in children if under_six_on_first_january(c.birth_date, year)}
    found: dict[uuid.UUID, dict[str, tuple[list[str], int]]] = {}
    for invoice in invoices:
        shares = spread(invoice.paid_cents, [line.amount_cents for line in invoice.lines])
        for line, share in zip(invoice.lines, shares, strict=True):
            if line.child_id in eligible and line.care_share_bp:
                cents = care_part(share, line.care_share_bp)
                _add(found, line.child_id, line.label, line.period, cents)
    for sale in tickets:
        users = [(cid, n) for cid, n in sale.used_by_child if n > 0]
        if not users:
            users = [(c.id, 1) for c in children]
        care = care_part(sale.paid_cents, sale.care_share_bp)
        for (child_id, _), cents in zip(users, spread(care, [n for _, n in users]), strict=True):
            if child_id in eligible and cents:
                _add(found, child_id, sale.label, sale.period, cents)
    result = []
    for child in children:
        if child.id not in found:
            continue
        activities = tuple(
            ActivityCare(label, tuple(periods), cents)
            for label, (periods, cents) in found[child.id].items()
            if cents
        )
        care = ChildCare(child, activities)
        if care.amount_cents > 0:
            result.append(care)
    return tuple(result)
