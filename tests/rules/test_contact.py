"""Phone, e-mail, postcode and date checks give French messages and normalised values."""

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from eticket_desk.rules.contact import (
    check_birth_date,
    format_phone,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    phone_digits,
)
from eticket_desk.rules.errors import InvalidInput


@pytest.mark.parametrize(
    "typed", ["0612345678", "06 12 34 56 78", "06.12.34.56.78", "+33 6 12 34 56 78"]
)
def test_a_mobile_typed_any_way_is_stored_once(typed):
    assert normalise_phone(typed) == "+33612345678"
    assert format_phone(normalise_phone(typed)) == "06 12 34 56 78"


def test_a_short_phone_is_refused_in_french():
    with pytest.raises(InvalidInput, match="n'est pas un numéro valide"):
        normalise_phone("06 12")


def test_letters_are_not_a_phone():
    with pytest.raises(InvalidInput, match="n'est pas un numéro"):
        normalise_phone("pas de tel")


def test_a_foreign_number_keeps_its_international_form():
    assert format_phone(normalise_phone("+41 22 345 67 89")) == "+41 22 345 67 89"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_valid_mobile_round_trips(n):
    typed = f"06{n:08d}"
    try:
        stored = normalise_phone(typed)
    except InvalidInput as refused:  # a range no operator was given (e.g. 0639 9…)
        assert "n'est pas un numéro valide" in refused.message
        assume(False)
    assert phone_digits(stored) == typed


def test_email_is_checked_without_network():
    assert normalise_email(" Marie.Dupont@Example.fr ") == "Marie.Dupont@example.fr"
    with pytest.raises(InvalidInput, match="adresse e-mail"):
        normalise_email("marie.dupont@")


@pytest.mark.parametrize("bad", ["7450", "745000", "00100", "99000", "ABCDE"])
def test_bad_postcodes(bad):
    with pytest.raises(InvalidInput, match="code postal"):
        normalise_postcode(bad)


def test_good_postcodes():
    assert normalise_postcode("74 500") == "74500"
    assert normalise_postcode("20000") == "20000"
    assert normalise_postcode("97400") == "97400"


def test_birth_dates_must_be_plausible_for_a_pupil():
    today = date(2026, 9, 14)
    check_birth_date(date(2020, 5, 1), today)
    with pytest.raises(InvalidInput, match="futur"):
        check_birth_date(date(2027, 1, 1), today)
    with pytest.raises(InvalidInput, match="peu plausible"):
        check_birth_date(date(1990, 1, 1), today)


def test_overseas_mobiles_typed_nationally_are_accepted():
    # Martinique and La Réunion share the national plan: 0696… and 0692… dial from France.
    assert normalise_phone("06 96 12 34 56") == "+596696123456"
    assert phone_digits(normalise_phone("0692 12 34 56")) == "0692123456"
