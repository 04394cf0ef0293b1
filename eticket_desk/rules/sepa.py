"""SEPA direct-debit rules for a family's mandate: the RUM's format and how one is made, when
an unused mandate lapses, the sequence type of its next debit and the day an invoice is
debited. Pure: the dates come from the caller (the clock is the service's).

Choices (docs/sepa_mandates.md says why):
- RUM = « {national part of the ICS}-{family reference}-{n:06d} », n from one gapless series
  of the desk, e.g. « 123456-F00042-000007 »: at most 35 characters of the SEPA set, unique
  because the family reference is, readable at the counter.
- Lapse (EPC SDD Core rulebook, 4.5 / CT-12): a mandate with no debit presented for 36
  months may not be used again; the 36 months run from the last debit, or from the signature
  when it was never used. `lapsed_on` is the first day it is lapsed (36 months to the day).
- Sequence type: OOFF for a one-off mandate; FRST for the first debit of a recurrent one, and
  again after the debtor moved to another bank (amendment « SMNDA »: the rulebook lets FRST
  or RCUR follow since 2016; FRST is the one every bank accepts); RCUR otherwise, an
  amendment within the same bank included (it is announced by the amendment details).
- Debit day: the invoice's issue date + the organisation's delay, moved to the next TARGET2
  business day (the `holidays` package's ECB calendar: weekends, 1 Jan, Good Friday, Easter
  Monday, 1 May, 25-26 Dec)."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from eticket_desk.rules.errors import InvalidInput

RUM_MAX = 35
LAPSE_MONTHS = 36
MANDATE_SERIES = "sepa-mandate"  # the gapless counter the RUMs are numbered from
# The SEPA character set (EPC217-08) without the space, which a RUM must not hold.
_RUM = re.compile(r"[A-Za-z0-9/\-?:().,'+]{1,35}")


class SequenceType(StrEnum):
    OOFF = "OOFF"  # one-off
    FRST = "FRST"  # first of a recurrent series
    RCUR = "RCUR"  # recurrent


SEQUENCE_LABELS = {"FRST": "Premier", "RCUR": "Récurrent", "OOFF": "Ponctuel"}


class MandateState(StrEnum):
    ACTIVE = "actif"
    REVOKED = "révoqué"
    LAPSED = "caduc"
    USED = "utilisé"  # a one-off mandate once debited: it serves once


def ics_national_part(ics: str) -> str:
    """« FR12ZZZ123456 » -> « 123456 »: what follows the country, key and business code."""
    return ics[7:]


def make_rum(ics: str, family_reference: str, number: int) -> str:
    """The RUM of the `number`th mandate of the desk's series (see the module's docstring)."""
    if not ics:
        raise InvalidInput(
            "L'identifiant créancier SEPA (ICS) de la commune n'est pas renseigné : "
            "saisissez-le dans Paramètres › Organisation avant de créer un mandat."
        )
    tail = f"-{family_reference}-{number:06d}"
    head = ics_national_part(ics)[: max(0, RUM_MAX - len(tail))]
    rum = f"{head}{tail}".lstrip("-")
    return check_rum(rum)


def check_rum(value: str) -> str:
    """A RUM as the SEPA files accept it: 1 to 35 characters of the SEPA set, no space, no
    leading or trailing « / », no « // »."""
    value = value.strip()
    if not _RUM.fullmatch(value) or value.startswith("/") or value.endswith("/") or "//" in value:
        raise InvalidInput(
            "La référence unique du mandat (RUM) compte 1 à 35 lettres, chiffres ou signes "
            "« - / ? : ( ) . , ' + », sans espace."
        )
    return value


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lapsed_on(signed_on: date, last_debit_on: date | None) -> date:
    """The first day the mandate is lapsed: 36 months to the day after its last debit, or
    after its signature when it was never used."""
    return add_months(last_debit_on or signed_on, LAPSE_MONTHS)


def mandate_state(
    signed_on: date,
    last_debit_on: date | None,
    revoked_on: date | None,
    on: date,
    recurrent: bool = True,
) -> MandateState:
    """The mandate's state on a day: revoked (from its revocation day), used (a one-off
    mandate once debited), lapsed, or active."""
    if revoked_on is not None and revoked_on <= on:
        return MandateState.REVOKED
    if not recurrent and last_debit_on is not None:
        return MandateState.USED
    if on >= lapsed_on(signed_on, last_debit_on):
        return MandateState.LAPSED
    return MandateState.ACTIVE


def bank_of(iban: str) -> str:
    """The bank part of an IBAN (country and national bank code) that tells a move to another
    bank from a new account at the same one. France: « FR » + the 5-digit code banque."""
    try:
        parsed = IBAN(iban)
    except SchwiftyException:
        return iban[:9]
    return f"{parsed.country_code}{parsed.bank_code}"


def sequence_type(
    recurrent: bool,
    first_debit_on: date | None,
    amendment_pending: bool = False,
    original_iban: str = "",
    iban: str = "",
) -> SequenceType:
    """The sequence type of the mandate's next debit (see the module's docstring)."""
    if not recurrent:
        return SequenceType.OOFF
    if first_debit_on is None:
        return SequenceType.FRST
    if amendment_pending and original_iban and bank_of(original_iban) != bank_of(iban):
        return SequenceType.FRST  # SMNDA: the debtor moved to another bank
    return SequenceType.RCUR


def is_target_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _target_holidays(day.year)


@lru_cache(maxsize=16)
def _target_holidays(year: int) -> holidays.HolidayBase:
    return holidays.financial_holidays("XECB", years=year)


def debit_day(issued_on: date, delay_days: int) -> date:
    """The day an invoice is debited: issue date + the organisation's delay, moved on to the
    next TARGET2 business day."""
    day = issued_on + timedelta(days=max(0, delay_days))
    while not is_target_business_day(day):
        day += timedelta(days=1)
    return day
