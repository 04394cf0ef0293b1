"""Money is integer cents; this parses and formats it the French way (babel)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from eticket_desk.rules.errors import InvalidInput


def format_cents(cents: int) -> str:
    """1250 -> '12,50 €' (non-breaking spaces as babel's fr_FR writes them)."""
    if not isinstance(cents, int):
        raise TypeError("money is integer cents")
    return format_currency(Decimal(cents) / 100, "EUR", locale="fr_FR")


def parse_cents(text: str) -> int:
    """'12,50', '12.5', '12,50 €' -> 1250; refuses more than two decimals."""
    cleaned = text.replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"« {text} » n'est pas un montant.") from None
    cents = value * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"« {text} » a plus de deux décimales.")
    return int(cents)
