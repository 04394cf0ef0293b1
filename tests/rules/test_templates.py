"""Week templates: weekday boxes and even / odd weeks across a year with holidays."""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.templates import Parity, WeekTemplate, template_of_week


def test_every_week_takes_the_ticked_weekdays():
    template = WeekTemplate(frozenset({0, 1, 3, 4}))
    days = template.days_of(date(2026, 9, 14), date(2026, 9, 20))
    assert days == [date(2026, 9, 14), date(2026, 9, 15), date(2026, 9, 17), date(2026, 9, 18)]
    assert template.describe() == "lun., mar., jeu., ven."


def test_even_and_odd_weeks_follow_iso_week_numbers_across_the_new_year():
    thursdays_even = WeekTemplate(frozenset({3}), Parity.EVEN)
    thursdays_odd = WeekTemplate(frozenset({3}), Parity.ODD)
    # ISO weeks: 17 Dec 2026 is week 51, 24 Dec week 52, 31 Dec week 53, 7 Jan 2027 week 1,
    # 14 Jan week 2: two odd weeks follow each other over the new year (53, then 1).
    span = (date(2026, 12, 14), date(2027, 1, 17))
    assert thursdays_odd.days_of(*span) == [
        date(2026, 12, 17),
        date(2026, 12, 31),
        date(2027, 1, 7),
    ]
    assert thursdays_even.days_of(*span) == [date(2026, 12, 24), date(2027, 1, 14)]
    assert thursdays_even.describe() == "jeu. — semaines paires"


def test_even_and_odd_weeks_split_a_year_without_overlap():
    start, end = date(2026, 9, 1), date(2027, 7, 2)
    every = WeekTemplate(frozenset({0, 4})).days_of(start, end)
    even = WeekTemplate(frozenset({0, 4}), Parity.EVEN).days_of(start, end)
    odd = WeekTemplate(frozenset({0, 4}), Parity.ODD).days_of(start, end)
    assert sorted(even + odd) == every
    assert not set(even) & set(odd)


def test_the_week_shown_becomes_the_template():
    booked = [date(2026, 9, 14), date(2026, 9, 17)]
    template = template_of_week(booked)
    assert template.weekdays == {0, 3} and template.parity == Parity.ALL
    assert WeekTemplate.parse(template.text) == template
