"""The editor's own checks: the same field rules as the service, run before anything is sent.

Error keys follow the service's ValidationFailed keys ("adults[0].phone_mobile",
"children[1].first_name", "qf_value"), so local and server messages land in the same place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from eticket_desk.rules.dossier import missing_for_validation
from eticket_desk.services.core.fields import (
    InvalidInput,
    check_child_birth_date,
    check_email,
    check_phone,
    check_postcode,
)
from eticket_desk.services.families.data import PHONE_FIELDS, AdultData, ChildData
from eticket_desk.services.families.dossiers import dossier_check

ADULT_TEXT_CHECKS: dict[str, Callable[[str], str]] = {
    **dict.fromkeys(PHONE_FIELDS, check_phone),
    "email": check_email,
    "postcode": check_postcode,
}
ADULT_REQUIRED = {"last_name": "Le nom est obligatoire."}
CHILD_REQUIRED = {
    "last_name": "Le nom est obligatoire.",
    "first_name": "Le prénom est obligatoire.",
}

_KEY = re.compile(r"^(adults|children)\[(\d+)\]\.(\w+)$")


@dataclass
class Entry:
    """One person being edited, with the messages of its wrong fields (field -> message)."""

    data: Any  # AdultData | ChildData, edited in place
    errors: dict[str, str] = field(default_factory=dict)


def check_adult(adult: AdultData) -> dict[str, str]:
    """Every wrong field of an adult; phones, e-mail and postcode are put in their saved form."""
    errors: dict[str, str] = {}
    for name, message in ADULT_REQUIRED.items():
        if not getattr(adult, name).strip():
            errors[name] = message
    for name, check in ADULT_TEXT_CHECKS.items():
        try:
            setattr(adult, name, check(getattr(adult, name)))
        except InvalidInput as exc:
            errors[name] = exc.message
    return errors


def check_child(child: ChildData, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in CHILD_REQUIRED.items():
        if not getattr(child, name).strip():
            errors[name] = message
    try:
        check_child_birth_date(child.birth_date, today)
    except InvalidInput as exc:
        errors["birth_date"] = exc.message
    return errors


def split_key(key: str) -> tuple[str, int, str] | None:
    """'adults[2].email' -> ('adults', 2, 'email'); None for a family-level key."""
    match = _KEY.match(key)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), match.group(3)


def missing_now(adults: list[AdultData], children: list[ChildData]) -> list[str]:
    """What validation would refuse for the dossier as it stands on screen."""
    return missing_for_validation(dossier_check(adults, children))
