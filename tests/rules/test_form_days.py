"""A form's days as its terms plus exceptions: whatever the days, the desk's encoding expands
back to exactly them, on the server and on another desk (the same code)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.form_days import DaySet
from eticket_desk.rules.templates import Parity, WeekTemplate

START, END = date(2026, 9, 1), date(2027, 7, 3)
SCHOOL_DAYS = WeekTemplate(frozenset({0, 1, 3, 4}))


def test_a_year_form_is_its_terms_and_its_holidays():
    christmas = {date(2026, 12, 21) + timedelta(days=n) for n in range(14)}
    days = [d for d in SCHOOL_DAYS.days_of(START, END) if d not in christmas]
    encoded = DaySet.of(days, SCHOOL_DAYS, START, END)
    assert encoded.has_terms and (encoded.start, encoded.end) == (START, date(2027, 7, 2))
    assert encoded.added == () and len(encoded.removed) == 8  # Mon/Tue/Thu/Fri of 2 weeks
    assert encoded.to_json()["removed"][0] == "2026-12-21"
    assert DaySet.from_json(encoded.to_json()).days() == days


def test_days_that_hardly_follow_the_terms_are_listed():
    days = [date(2026, 9, 7), date(2026, 9, 21)]  # two Mondays out of the period's many
    encoded = DaySet.of(days, SCHOOL_DAYS, START, END)
    assert not encoded.has_terms and encoded.added == tuple(days)
    assert encoded.to_json() == {"added": ["2026-09-07", "2026-09-21"]}


def test_terms_over_more_than_two_school_years_are_refused():
    with pytest.raises(InvalidInput, match="deux années"):
        DaySet(SCHOOL_DAYS, date(2026, 9, 1), date(2029, 9, 1))


@given(
    st.sets(st.integers(0, 320), max_size=120),
    st.frozensets(st.integers(0, 6), min_size=1),
    st.sampled_from(list(Parity)),
)
def test_any_days_come_back_exactly(offsets, weekdays, parity):
    days = [START + timedelta(days=n) for n in offsets]
    template = WeekTemplate(weekdays, parity)
    encoded = DaySet.of(days, template, START, END)
    assert DaySet.from_json(encoded.to_json()).days() == sorted(days)
    assert len(encoded.added) + len(encoded.removed) <= len(days)
