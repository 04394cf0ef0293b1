"""The CAF / MSA counting rules alone: minutes per day, the Wednesday cap, the age band on a
day, the French hours, the decimal comma, the slot and period checks."""

from __future__ import annotations

from datetime import date, time

import pytest

from eticket_desk.rules.caf_hours import (
    AgeBand,
    Regime,
    age_band,
    caf_slot_errors,
    check_range,
    counted_minutes,
    decimal_hours,
    format_hours,
    parse_slot_time,
    regime_of,
)
from eticket_desk.rules.errors import DomainError

MORNING = (time(7, 30), time(8, 30))
ALSH = (time(8, 0), time(18, 0))


def test_a_day_counts_its_slot_and_a_wednesday_its_cap():
    assert counted_minutes(MORNING, None, date(2026, 11, 2)) == 60
    assert counted_minutes(ALSH, 8 * 60, date(2026, 11, 4)) == 480  # Wednesday: capped
    assert counted_minutes(ALSH, 8 * 60, date(2026, 11, 5)) == 600  # Thursday: not


def test_the_age_band_changes_on_the_sixth_birthday():
    birth = date(2020, 11, 4)
    assert age_band(birth, date(2026, 11, 3)) == AgeBand.UNDER_6
    assert age_band(birth, date(2026, 11, 4)) == AgeBand.SIX_AND_OVER
    assert age_band(date(2020, 2, 29), date(2026, 2, 28)) == AgeBand.UNDER_6
    assert age_band(date(2020, 2, 29), date(2026, 3, 1)) == AgeBand.SIX_AND_OVER
    assert age_band(None, date(2026, 11, 3)) == AgeBand.SIX_AND_OVER


def test_hours_are_written_the_french_way():
    assert format_hours(750) == "12 h 30"
    assert format_hours(45) == "0 h 45"
    assert decimal_hours(750) == "12,50"
    assert decimal_hours(20) == "0,33"
    assert decimal_hours(10) == "0,17"
    assert decimal_hours(0) == "0,00"


def test_slot_checks_are_french():
    assert caf_slot_errors(True, None, None) == {
        "caf_slot": "Une activité comptée pour la CAF doit indiquer son créneau horaire."
    }
    assert "après l'heure de début" in caf_slot_errors(True, (time(9), time(8)), None)["caf_slot"]
    assert "plafond" in caf_slot_errors(True, MORNING, 0)["caf_wednesday_cap"]
    assert caf_slot_errors(False, None, None) == {}


def test_a_period_is_at_most_a_year():
    check_range(date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(DomainError, match="La date de fin"):
        check_range(date(2026, 2, 1), date(2026, 1, 31))
    with pytest.raises(DomainError, match="dépasser un an"):
        check_range(date(2026, 1, 1), date(2027, 1, 1))


def test_slot_times_and_regimes_are_read():
    assert parse_slot_time("7:30") == time(7, 30)
    assert parse_slot_time("07h30") == time(7, 30)
    assert parse_slot_time("18 h") == time(18, 0)
    assert parse_slot_time("25:00") is None
    assert regime_of("msa") == Regime.MSA
    assert regime_of("") == Regime.OTHER
