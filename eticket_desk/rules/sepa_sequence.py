"""Which SEPA sequence type a debit on a mandate takes, and whether a mandate has lapsed.

(To be unified with rules.sepa, written alongside: one decision, one place.)"""

from __future__ import annotations

import calendar
from datetime import date

LAPSE_MONTHS = 36  # a mandate unused for 36 months can no longer be used
SEQUENCE_LABELS = {"FRST": "Premier", "RCUR": "Récurrent", "OOFF": "Ponctuel"}


def bank_of(iban: str) -> str:
    """The country and bank part of an IBAN (for France, the 5-digit bank code)."""
    iban = iban.replace(" ", "").upper()
    return iban[:2] + iban[4:9]


def sequence_type(mandate) -> str:
    """OOFF for a one-off mandate; FRST for the first debit, or after an amendment moving the
    account to another bank; RCUR otherwise. `mandate` has recurrent, first_debit_on,
    amendment_pending, iban and original_iban."""
    if not mandate.recurrent:
        return "OOFF"
    if mandate.first_debit_on is None:
        return "FRST"
    moved = mandate.original_iban and bank_of(mandate.original_iban) != bank_of(mandate.iban)
    return "FRST" if mandate.amendment_pending and moved else "RCUR"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def has_lapsed(signed_on: date, last_debit_on: date | None, on: date) -> bool:
    """Unused for 36 months (since its last debit, or its signature if never used)."""
    return _add_months(last_debit_on or signed_on, LAPSE_MONTHS) < on
