"""Field checks for screens: the same rules the services apply on save, for live messages.

Each check takes what the agent typed and returns the value as it will be shown once saved,
or raises InvalidInput with the French message to display beside the field.
"""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.contact import (
    check_birth_date,
    format_phone,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.passwords import check_password_policy

__all__ = [
    "InvalidInput",
    "check_birth_date",
    "check_email",
    "check_password",
    "check_phone",
    "check_postcode",
    "format_phone",
]


def check_phone(text: str) -> str:
    """'0612345678' -> '06 12 34 56 78'."""
    return format_phone(normalise_phone(text))


def check_email(text: str) -> str:
    return normalise_email(text)


def check_postcode(text: str) -> str:
    return normalise_postcode(text)


def check_password(text: str) -> str:
    check_password_policy(text)
    return text


def check_child_birth_date(birth: date | None, today: date) -> None:
    check_birth_date(birth, today)
