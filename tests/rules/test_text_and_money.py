"""Search folding (accents, case) and money as integer cents."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.money import format_cents, parse_cents
from eticket_desk.rules.text import fold, query_terms, search_words


def test_fold_removes_accents_and_case():
    assert fold("Éloïse LE GOFF-Müller") == "eloise le goff-muller"
    assert fold("Cœur") == "coeur"


def test_query_terms_glue_phone_digits():
    assert query_terms("06 12 34") == ["061234"]
    assert query_terms("+33 6 12") == ["0612"]
    assert query_terms("Léa  Dupont") == ["lea", "dupont"]
    assert query_terms("   ") == []


def test_search_words_keep_emails_whole():
    assert search_words("Marie", "marie.dupont@orange.fr") == "marie marie.dupont@orange.fr"


def test_format_cents_in_french():
    assert format_cents(1250).replace("\u202f", " ").replace("\xa0", " ") == "12,50 €"
    assert format_cents(123456).replace("\u202f", " ").replace("\xa0", " ") == "1 234,56 €"


def test_format_refuses_floats():
    with pytest.raises(TypeError):
        format_cents(12.5)


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_inverts_format(cents):
    assert parse_cents(format_cents(cents)) == cents


def test_parse_refuses_three_decimals_and_words():
    with pytest.raises(InvalidInput, match="deux décimales"):
        parse_cents("4,155")
    with pytest.raises(InvalidInput, match="n'est pas un montant"):
        parse_cents("douze")
