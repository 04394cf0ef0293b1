"""The days an invoice line bills, in the words a family reads them."""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.billing import billed_days_text, dates_text, day_lines


def _nov(*days: int) -> list[date]:
    return [date(2026, 11, d) for d in days]


def test_days_are_listed_the_french_way():
    assert dates_text(_nov(3, 4, 6, 10, 11)) == "3, 4, 6, 10 et 11 novembre"
    assert dates_text(_nov(12)) == "12 novembre"
    assert dates_text([date(2026, 12, 1), date(2026, 12, 3)]) == "1er et 3 décembre"
    assert dates_text(_nov(30) + [date(2026, 12, 1)]) == "30 novembre, 1er décembre"


def test_three_days_in_a_row_or_more_read_as_a_range():
    assert dates_text(_nov(2, 3, 4, 5, 6, 9, 10, 12)) == "2–6, 9, 10 et 12 novembre"
    assert dates_text(_nov(9, 10)) == "9 et 10 novembre"  # two days: both named


def test_late_cancellations_are_named_after_the_days():
    assert billed_days_text(_nov(3, 4, 6), _nov(6)) == (
        "3, 4 et 6 novembre, dont le 6 novembre annulé hors délai"
    )
    assert billed_days_text(_nov(3, 4, 6, 10), _nov(4, 10)) == (
        "3, 4, 6 et 10 novembre, dont les 4 et 10 novembre annulés hors délai"
    )
    assert billed_days_text(_nov(19), _nov(19)) == "19 novembre, annulé hors délai"
    assert billed_days_text(_nov(3), _nov(5)) == "3 novembre"  # a day not billed is not named


def test_each_price_line_has_its_own_days():
    priced = [(d, 385) for d in _nov(2, 3, 5)] + [(d, 395) for d in _nov(16, 17)]
    lines = day_lines("Cantine", priced, "tranche 2", late=_nov(17))
    assert [(line.quantity, line.days) for line in lines] == [
        (3, "2, 3 et 5 novembre"),
        (2, "16 et 17 novembre, dont le 17 novembre annulé hors délai"),
    ]
