"""The DGFiP « paiement de proximité » string: its layout and its four keys, checked against
the values the public implementations publish (docs/datamatrix.md)."""

from __future__ import annotations

import pytest

from eticket_desk.rules.dgfip_datamatrix import (
    LENGTH,
    DatamatrixReference,
    cle2,
    datamatrix_string,
    debt_number,
    key_modulo_11,
    key_weighted,
    pes_period,
    product_digits,
    reference_for,
)
from eticket_desk.rules.errors import InvalidInput

REFERENCE = DatamatrixReference(
    establishment="004",
    period="0",
    product="093",
    year=2024,
    debt_number="1234",
    accountant="035031",
)


def test_the_string_has_its_130_characters_in_place():
    text = datamatrix_string(REFERENCE, 10000)
    assert len(text) == LENGTH == 130
    assert text[:64] == " " * 64
    assert text[64:75] == "00400930024"  # établissement, période, produit, 00, exercice
    assert text[75] == "1"  # key of set 6
    assert text[76:86] == "9400330001"  # émetteur, établissement bancaire
    assert text[86:88] == "60"  # key of set 3
    assert text[88] == " "
    assert text[93:108] == "000000000001234"  # NumDette on 15
    assert text[108:116] == "03503149"  # poste comptable, application 4, document 9
    assert text[116:118] == "47"  # key of set 1
    assert text[118:] == "806    10000"  # nature 8, traitement 06, space, 100,00 €


@pytest.mark.parametrize(
    ("cents", "key"), [(1, "43"), (10, "44"), (100, "45"), (1000, "46"), (2899, "01")]
)
def test_the_amount_key_keeps_two_digits(cents, key):
    text = datamatrix_string(REFERENCE, cents)
    assert text[116:118] == key
    assert text[-8:].strip() == f"{cents:03d}"


def test_the_keys_match_the_published_values():
    assert key_modulo_11("04204930024") == "2"
    assert key_modulo_11("00400930024") == "1"
    assert key_weighted("9400330001") == "60"
    assert cle2(2024, "09", "2456") == "12"
    assert cle2(2026, "1", "210382") == "19"


def test_set_2_carries_its_own_weighted_key():
    text = datamatrix_string(REFERENCE, 10000)
    assert text[89:91] == key_weighted(text[91:116])
    assert text[91:93] == cle2(2024, "0", "1234")


def test_an_invoice_gives_its_reference():
    ref = reference_for("123", "0740000", "7067", 2026, 11, "F-2026-000123")
    assert ref == DatamatrixReference("123", "1", "070", 2026, "123", "740000")
    assert debt_number("F-2026-004600") == "4600"
    assert pes_period(7) == "7"
    assert product_digits("70") == "070"


@pytest.mark.parametrize(
    ("cod_col", "id_post", "product", "message"),
    [
        ("", "0740000", "7067", "Le code collectivité (CodCol, 3 chiffres) n'est pas renseigné."),
        ("123", "", "7067", "Le code du poste comptable (IdPost) n'est pas renseigné."),
        (
            "123",
            "0740000",
            "CANT",
            "Le code produit « CANT » doit commencer par deux chiffres pour le code de paiement "
            "de proximité.",
        ),
    ],
)
def test_a_missing_code_is_refused_in_french(cod_col, id_post, product, message):
    with pytest.raises(InvalidInput) as caught:
        reference_for(cod_col, id_post, product, 2026, 11, "F-2026-000123")
    assert caught.value.message == message


def test_an_amount_out_of_range_is_refused():
    for cents in (0, -5, 100_000_000):
        with pytest.raises(InvalidInput):
            datamatrix_string(REFERENCE, cents)
