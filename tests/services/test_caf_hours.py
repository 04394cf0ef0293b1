"""CAF / MSA hours on a real store: the declared slot per day present (actual) or booked
(forecast), absences not counted, the Wednesday cap, the sixth birthday, CAF vs MSA."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from eticket_desk.models import Child
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.caf_hours import AgeBand, Regime, format_hours
from eticket_desk.rules.errors import DomainError, ValidationFailed
from eticket_desk.services.attendance.caf_hours import caf_hours
from eticket_desk.services.families.funder import family_funder, save_funder
from eticket_desk.sync.outbox import FamilyChanged, emit
from tests.services.caf_fixtures import (
    MON,
    THU,
    TUE,
    WED,
    booked_child,
    mark,
    morning_garderie,
)

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def matin(store, admin, school_year):
    return morning_garderie(store, admin)


def _past(clock):
    clock.current = datetime(2026, 12, 1, 9, 0)


def test_three_mornings_present_of_four_booked(store, admin, schools, matin, clock):
    lea = booked_child(store, admin, schools, matin, [MON, TUE, THU, date(2026, 11, 6)])
    _past(clock)
    mark(store, admin, lea, [MON, TUE, THU])
    mark(store, admin, lea, [date(2026, 11, 6)], BookingState.ABSENT_UNJUSTIFIED)
    report = caf_hours(store, admin, *NOVEMBER)
    [activity] = report.activities
    assert activity.name == "Garderie matin"
    total = activity.total()
    assert format_hours(total.actual) == "3 h 00"
    assert format_hours(total.forecast) == "4 h 00"
    # Léa (born 3 May 2019) is 7: « 6 ans et plus », CAF.
    cell = activity.cell("2026-11", AgeBand.SIX_AND_OVER, Regime.CAF)
    assert (cell.forecast, cell.actual) == (240, 180)
    [line] = report.children
    assert line.name == "DUPONT Léa"
    assert (line.forecast, line.actual) == (240, 180)
    assert report.commune == "Commune de Neuvecelle"


def test_absent_days_count_nothing(store, admin, schools, matin, clock):
    lea = booked_child(store, admin, schools, matin, [MON, TUE])
    _past(clock)
    mark(store, admin, lea, [MON], BookingState.ABSENT_JUSTIFIED)
    mark(store, admin, lea, [TUE], BookingState.ABSENT_UNJUSTIFIED)
    total = caf_hours(store, admin, *NOVEMBER).activities[0].total()
    assert (total.forecast, total.actual) == (120, 0)


def test_the_wednesday_cap_is_applied(store, admin, schools, matin, clock):
    lea = booked_child(store, admin, schools, matin, [TUE, WED])
    _past(clock)
    mark(store, admin, lea, [TUE, WED])
    total = caf_hours(store, admin, *NOVEMBER).activities[0].total()
    assert format_hours(total.actual) == "1 h 45"  # 60 on Tuesday + 45 (the cap) on Wednesday
    assert (
        "mercredi : 0 h 45 au plus" in caf_hours(store, admin, *NOVEMBER).activities[0].slot_label
    )


def test_a_child_turning_six_is_split_at_the_birthday(store, admin, schools, matin, clock):
    lea = booked_child(store, admin, schools, matin, [MON, TUE, THU])
    with store.write(admin) as session:  # six on Wednesday 4 November (test data)
        session.get(Child, lea.id).birth_date = date(2020, 11, 4)
        emit(session, FamilyChanged(session.get(Child, lea.id).family_id))
    _past(clock)
    mark(store, admin, lea, [MON, TUE, THU])
    activity = caf_hours(store, admin, *NOVEMBER).activities[0]
    assert activity.cell("", AgeBand.UNDER_6, Regime.CAF).actual == 120  # Monday, Tuesday
    assert activity.cell("", AgeBand.SIX_AND_OVER, Regime.CAF).actual == 60  # Thursday


def test_msa_and_caf_families_are_split(store, admin, schools, matin, clock):
    lea = booked_child(store, admin, schools, matin, [MON, TUE])
    tom = booked_child(store, admin, schools, matin, [MON], last_name="Martin", regime="msa")
    sam = booked_child(store, admin, schools, matin, [TUE], last_name="Petit", regime="")
    _past(clock)
    mark(store, admin, lea, [MON, TUE])
    mark(store, admin, tom, [MON])
    mark(store, admin, sam, [TUE])
    activity = caf_hours(store, admin, *NOVEMBER).activities[0]
    assert activity.cell("", AgeBand.SIX_AND_OVER, Regime.CAF).actual == 120
    assert activity.cell("", AgeBand.SIX_AND_OVER, Regime.MSA).actual == 60
    assert activity.cell("", AgeBand.SIX_AND_OVER, Regime.OTHER).actual == 60  # not given


def test_forecast_counts_days_still_to_come(store, admin, schools, matin):
    booked_child(store, admin, schools, matin, [MON, TUE, THU])
    total = caf_hours(store, admin, *NOVEMBER).activities[0].total()
    assert (total.forecast, total.actual) == (180, 0)


def test_an_activity_not_counted_is_not_in_the_report(store, admin, schools, activities, matin):
    report = caf_hours(store, admin, *NOVEMBER)
    assert [a.name for a in report.activities] == ["Garderie matin"]


def test_a_bad_range_is_refused_in_french(store, admin, matin):
    with pytest.raises(DomainError, match="La date de fin doit être le même jour"):
        caf_hours(store, admin, date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(DomainError, match="ne peut pas dépasser un an"):
        caf_hours(store, admin, date(2026, 9, 1), date(2027, 9, 1))
    assert caf_hours(store, admin, date(2026, 9, 1), date(2027, 8, 31)).activities


def test_the_funder_is_saved_and_checked(store, admin, family):
    save_funder(store, admin, family.id, "msa", "12 345 67")
    funder = family_funder(store, admin, family.id)
    assert (funder.regime, funder.number) == ("msa", "1234567")
    with pytest.raises(ValidationFailed) as refused:
        save_funder(store, admin, family.id, "", "1234567")
    assert "Choisissez le régime" in refused.value.errors["funder_regime"]
    assert family_funder(store, admin, family.id).regime == "msa"  # nothing half-written
