"""Checks and formats of contact details: phones, emails, postcodes, names, dates."""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from eticket_desk.rules.errors import InvalidInput

_POSTCODE = re.compile(r"^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$")
# Overseas departments and collectivities share the national numbering plan: 0696… typed in
# France is a Martinique mobile. They are tried when a number is not a metropolitan one.
_OVERSEAS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
_OVERSEAS_CODES = {262, 269, 508, 590, 594, 596}


def normalise_phone(text: str) -> str:
    """A French (or international) phone typed any way -> E.164 ('+33612345678'); '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise InvalidInput(f"« {text} » n'est pas un numéro de téléphone.") from None
    if not phonenumbers.is_valid_number(number) and text.startswith("0"):
        for region in _OVERSEAS:
            overseas = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(overseas):
                number = overseas
                break
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"« {text} » n'est pas un numéro valide (10 chiffres en France, ex. 06 12 34 56 78)."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """'+33612345678' -> '06 12 34 56 78'; a foreign number keeps its international form."""
    if not e164:
        return ""
    if len(e164) == 12 and e164.startswith("+33") and e164[3:].isdigit():
        national = "0" + e164[3:]  # fast path: the common case, formatted without parsing
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    try:
        number = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33 or number.country_code in _OVERSEAS_CODES:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_digits(e164: str) -> str:
    """The digits an agent would type to find this phone ('0612345678')."""
    return re.sub(r"\D", "", format_phone(e164))


def normalise_email(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(f"« {text} » n'est pas une adresse e-mail valide.") from None
    return result.normalized


def normalise_postcode(text: str) -> str:
    text = text.replace(" ", "").strip()
    if not text:
        return ""
    if not _POSTCODE.match(text):
        raise InvalidInput(f"« {text} » n'est pas un code postal français (5 chiffres).")
    return text


def check_birth_date(birth: date | None, today: date) -> None:
    """A child of the school services is born 2 to 14 years ago (with some slack)."""
    if birth is None:
        return
    if birth > today:
        raise InvalidInput("La date de naissance est dans le futur.")
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < 1 or age > 16:
        raise InvalidInput(f"Date de naissance peu plausible pour un enfant scolarisé ({age} ans).")


def check_qf(value: int | None, qf_date: date | None, today: date) -> None:
    if value is None:
        return
    if value < 0 or value > 10000:
        raise InvalidInput("Le quotient familial doit être compris entre 0 et 10 000.")
    if qf_date is not None and qf_date > today:
        raise InvalidInput("La date du quotient familial est dans le futur.")


def clean_name(text: str) -> str:
    return " ".join(text.split())
