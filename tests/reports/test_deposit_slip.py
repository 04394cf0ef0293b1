"""The cheque deposit slip, read back as the trésorerie would, and amounts written in words."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from eticket_desk.reports import deposit_slip
from eticket_desk.reports.deposit_slip import (
    DepositSlipData,
    SlipCheque,
    amount_in_words,
    number_in_words,
)
from eticket_desk.rules.money import format_cents
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import COMMUNE

ORGANISATION = OrganisationData(**COMMUNE)
HEADER = "N° de chèque Banque Tireur Quittance Montant"


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (50, "cinquante centimes"),
        (100, "un euro"),
        (8000, "quatre-vingts euros"),
        (31250, "trois cent douze euros et cinquante centimes"),
        (
            199_999_999,
            "un million neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf "
            "euros et quatre-vingt-dix-neuf centimes",
        ),
        (0, "zéro euro"),
        (1, "un centime"),
        (80, "quatre-vingts centimes"),
        (101, "un euro et un centime"),
        (2100, "vingt et un euros"),
        (7100, "soixante et onze euros"),
        (7700, "soixante-dix-sept euros"),
        (8100, "quatre-vingt-un euros"),
        (9100, "quatre-vingt-onze euros"),
        (1700, "dix-sept euros"),
        (20000, "deux cents euros"),
        (20100, "deux cent un euros"),
        (100_000, "mille euros"),
        (8_000_000, "quatre-vingt mille euros"),
        (20_000_000, "deux cent mille euros"),
        (100_000_000, "un million d'euros"),
        (8_000_000_000, "quatre-vingts millions d'euros"),
        (200_100_000, "deux millions mille euros"),
    ],
)
def test_amounts_in_words(cents, words):
    assert amount_in_words(cents) == words


_VALUES = {word: value for value, word in enumerate(deposit_slip._UNITS)}
_VALUES.update({"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50})
_VALUES.update({"soixante": 60})


def _read_back(words: str) -> int:
    """The number that French words say (the reverse of number_in_words, for the property)."""
    total = current = 0
    previous = ""
    for token in re.split(r"[ -]", words):
        if token == "et":
            continue
        if token in ("cent", "cents"):
            current = (current or 1) * 100  # 'cent' follows the hundreds digit, if any
        elif token == "mille":
            total += (current or 1) * 1000
            current = 0
        elif token in ("million", "millions"):
            total += current * 10**6
            current = 0
        elif token in ("milliard", "milliards"):
            total += current * 10**9
            current = 0
        elif token in ("vingt", "vingts") and previous == "quatre":
            current += 80 - 4
        else:
            current += _VALUES[token]
        previous = token
    return total + current


@given(st.integers(min_value=0, max_value=999_999_999_999))
def test_numbers_in_words_read_back_to_the_number(n):
    words = number_in_words(n)
    assert _read_back(words) == n
    assert "  " not in words and words == words.strip()


def _slip(count: int) -> DepositSlipData:
    cheques = tuple(
        SlipCheque(
            number=f"{4_000_000 + i * 13:07d}",
            bank=("Crédit Agricole des Savoie", "La Banque Postale", "CIC Lyonnaise")[i % 3],
            drawer=f"M. ou Mme TIREUR-{i} Éloïse",
            amount_cents=1000 + (i * 251) % 9000,
            receipt_number=f"Q-2026-{200 + i:06d}",
        )
        for i in range(count)
    )
    return DepositSlipData(
        organisation=ORGANISATION,
        slip_number="B-2026-0007",
        made_at=datetime(2026, 11, 23, 18, 20),
        agent_name="Jérôme Buttay",
        cheques=cheques,
        total_cents=sum(c.amount_cents for c in cheques),
    )


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _pages(pdf: Path) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(str(pdf)).pages]


def test_the_slip_lists_each_cheque_and_the_total_in_figures_and_words(tmp_path):
    data = _slip(3)
    pages = _pages(deposit_slip.render(data, tmp_path / "bordereau.pdf"))
    text = " ".join(pages)
    total = _flat(format_cents(data.total_cents))

    assert len(pages) == 1
    assert "BORDEREAU DE REMISE DE CHÈQUES" in text and "N° B-2026-0007" in text
    assert "Régie périscolaire de Val-d'Arve-les-Bains" in text
    assert "à l'ordre du Trésor Public" in text
    assert "Service de gestion comptable de Thonon-les-Bains" in text
    assert "15 avenue du Général-de-Gaulle, CS 50203" in text
    assert "74200 THONON-LES-BAINS CEDEX" in text
    assert HEADER in text
    for index, c in enumerate(data.cheques, start=1):
        row = f"{index} {c.number} {c.bank} {c.drawer} {c.receipt_number} "
        assert row + _flat(format_cents(c.amount_cents)) in text
    assert f"Total 3 chèques {total}" in text
    assert f"Nombre de chèques : 3 — montant total : {total}" in text
    words = amount_in_words(data.total_cents)
    assert f"Arrêté le présent bordereau à la somme de {words} ({total})." in text
    assert "Val-d'Arve-les-Bains, le 23 novembre 2026" in text
    assert "Le régisseur Jérôme Buttay" in text


def test_a_long_slip_repeats_its_header_and_ends_with_the_total(tmp_path):
    data = _slip(120)
    pages = _pages(deposit_slip.render(data, tmp_path / "bordereau.pdf"))
    text = " ".join(pages)

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in page
    listing = [page for page in pages if "Q-2026-" in page]
    assert all(HEADER in page for page in listing)
    assert all("Bordereau de remise de chèques n° B-2026-0007 (suite)" in p for p in pages[1:])
    assert sorted(re.findall(r"Q-2026-\d{6}", text)) == [c.receipt_number for c in data.cheques]
    total = _flat(format_cents(data.total_cents))
    assert f"Total 120 chèques {total}" in listing[-1]
    assert amount_in_words(data.total_cents) in pages[-1]


def test_a_total_that_is_not_the_sum_of_the_cheques_is_refused():
    data = _slip(2)
    with pytest.raises(ValueError, match="sum of its cheques"):
        DepositSlipData(
            data.organisation, "B-1", data.made_at, "X", data.cheques, data.total_cents + 1
        )


def test_a_regisseuse_signs_as_such(tmp_path):
    from dataclasses import replace

    data = replace(_slip(2), agent_name="Marie Durand", signer_title="La régisseuse")
    text = " ".join(_pages(deposit_slip.render(data, tmp_path / "bordereau.pdf")))
    assert "La régisseuse Marie Durand" in text and "Le régisseur" not in text
