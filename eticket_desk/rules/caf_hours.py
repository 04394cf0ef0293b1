"""CAF / MSA hours (heures réalisées): how many minutes a presence or a booking counts for
the funders, in which age band and regime, and the checks on a slot and a period.

The CAF's rule for the PSO ALSH (accueil périscolaire and extrascolaire): the hours of an
act are the declared opening slot of the activity for each day a child attends, capped per
child and per day (here: a Wednesday cap per activity). Forecast hours count the booked
days, actual hours the days marked present (an absence counts nothing). See
docs/caf_hours.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from eticket_desk.rules.errors import InvalidInput

WEDNESDAY = 2
SIX = 6  # the age band split: « moins de 6 ans » / « 6 ans et plus »


class Regime(StrEnum):
    CAF = "caf"
    MSA = "msa"
    OTHER = "autre"


REGIME_LABELS = {Regime.CAF: "CAF", Regime.MSA: "MSA", Regime.OTHER: "Autre"}


def regime_of(stored: str) -> Regime:
    """The family's regime as counted: a regime not given counts under « Autre »."""
    try:
        return Regime(stored)
    except ValueError:
        return Regime.OTHER


class AgeBand(StrEnum):
    UNDER_6 = "moins_6"
    SIX_AND_OVER = "6_et_plus"


BAND_LABELS = {AgeBand.UNDER_6: "Moins de 6 ans", AgeBand.SIX_AND_OVER: "6 ans et plus"}


def age_band(birth: date | None, day: date) -> AgeBand:
    """The band on `day`: under 6 until the sixth birthday (born a 29 February: 1 March).
    A child without a birth date counts as 6 and over (the PSO's general case)."""
    if birth is None:
        return AgeBand.SIX_AND_OVER
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return AgeBand.UNDER_6 if age < SIX else AgeBand.SIX_AND_OVER


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def slot_minutes(slot: tuple[time, time]) -> int:
    return _minutes(slot[1]) - _minutes(slot[0])


def caf_slot_errors(
    counted: bool, slot: tuple[time, time] | None, wednesday_cap: int | None
) -> dict[str, str]:
    """What is wrong with an activity's CAF settings (French, by field), or nothing."""
    errors: dict[str, str] = {}
    if slot is not None and slot_minutes(slot) <= 0:
        errors["caf_slot"] = "L'heure de fin du créneau doit être après l'heure de début."
    elif counted and slot is None:
        errors["caf_slot"] = "Une activité comptée pour la CAF doit indiquer son créneau horaire."
    if wednesday_cap is not None and not 1 <= wednesday_cap <= 24 * 60:
        errors["caf_wednesday_cap"] = "Le plafond du mercredi va de 1 minute à 24 heures."
    return errors


def counted_minutes(slot: tuple[time, time], wednesday_cap: int | None, day: date) -> int:
    """The minutes one day of presence counts: the declared slot, capped on a Wednesday."""
    minutes = slot_minutes(slot)
    if day.weekday() == WEDNESDAY and wednesday_cap is not None:
        minutes = min(minutes, wednesday_cap)
    return minutes


def format_hours(minutes: int) -> str:
    """« 12 h 30 », « 3 h 00 », « 0 h 45 »."""
    return f"{minutes // 60} h {minutes % 60:02d}"


def decimal_hours(minutes: int) -> str:
    """Hours with a decimal comma and two decimals for the partner's site: « 12,50 »."""
    whole, rest = divmod(minutes * 100 // 60, 100)
    if (minutes * 100) % 60 * 2 >= 60:  # round half up on the hundredths
        rest += 1
        if rest == 100:
            whole, rest = whole + 1, 0
    return f"{whole},{rest:02d}"


def add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def check_range(first: date, last: date) -> None:
    """Refuses a period that ends before it starts or covers more than a year (French)."""
    if last < first:
        raise InvalidInput("La date de fin doit être le même jour que la date de début ou après.")
    if last >= add_year(first):
        raise InvalidInput("La période ne peut pas dépasser un an : choisissez au plus 12 mois.")


@dataclass(frozen=True)
class DayFact:
    """One booked day of a counted activity, as the count needs it."""

    activity_id: object
    child_id: object
    day: date
    present: bool  # marked present (actual); every fact is a booked day (forecast)
    birth: date | None
    regime: Regime


@dataclass(frozen=True)
class CafSlot:
    slot: tuple[time, time]
    wednesday_cap: int | None = None


@dataclass
class Hours:
    forecast: int = 0  # minutes
    actual: int = 0

    def add(self, other: Hours) -> None:
        self.forecast += other.forecast
        self.actual += other.actual


# (activity_id, child_id, month "YYYY-MM", band, regime)
Key = tuple[object, object, str, AgeBand, Regime]


def tally(facts: Iterable[DayFact], slots: dict[object, CafSlot]) -> dict[Key, Hours]:
    """The minutes forecast and actual per activity, child, month, age band and regime.
    A fact of an activity without a slot counts nothing."""
    out: dict[Key, Hours] = defaultdict(Hours)
    for fact in facts:
        slot = slots.get(fact.activity_id)
        if slot is None:
            continue
        minutes = counted_minutes(slot.slot, slot.wednesday_cap, fact.day)
        key = (
            fact.activity_id,
            fact.child_id,
            f"{fact.day:%Y-%m}",
            age_band(fact.birth, fact.day),
            fact.regime,
        )
        hours = out[key]
        hours.forecast += minutes
        if fact.present:
            hours.actual += minutes
    return dict(out)


def parse_slot_time(text: str) -> time | None:
    """« 7:30 », « 07h30 », « 7 h 30 », « 18 » → a time; None when it is not one."""
    cleaned = text.strip().lower().replace(" ", "").replace("h", ":")
    if not cleaned:
        return None
    if cleaned.endswith(":"):
        cleaned += "00"
    if ":" not in cleaned:
        cleaned += ":00"
    try:
        return datetime.strptime(cleaned, "%H:%M").time()
    except ValueError:
        return None
