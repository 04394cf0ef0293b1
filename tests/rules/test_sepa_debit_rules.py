"""The sequence type of a debit, a mandate's lapse, the reject codes in French."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from eticket_desk.rules.sepa_rejects import reject_label, repeated_rejects, suggests_revocation
from eticket_desk.rules.sepa_sequence import has_lapsed, sequence_type

LA_POSTE = "FR1420041010050500013M02606"
BRED = "FR7610107001011234567890129"


def _mandate(**fields):
    values = dict(
        recurrent=True,
        first_debit_on=date(2026, 1, 5),
        amendment_pending=False,
        iban=LA_POSTE,
        original_iban="",
    )
    return SimpleNamespace(**{**values, **fields})


def test_the_sequence_type_of_a_debit():
    assert sequence_type(_mandate(recurrent=False)) == "OOFF"
    assert sequence_type(_mandate(first_debit_on=None)) == "FRST"
    assert sequence_type(_mandate()) == "RCUR"
    moved = _mandate(amendment_pending=True, original_iban=BRED)
    assert sequence_type(moved) == "FRST"  # another bank: a first debit again
    same_bank = _mandate(amendment_pending=True, original_iban=LA_POSTE[:-4] + "0000")
    assert sequence_type(same_bank) == "RCUR"


def test_a_mandate_unused_for_36_months_lapses():
    assert not has_lapsed(date(2023, 1, 10), date(2024, 2, 29), date(2027, 2, 28))
    assert has_lapsed(date(2023, 1, 10), date(2024, 2, 29), date(2027, 3, 1))
    assert has_lapsed(date(2022, 5, 1), None, date(2025, 5, 2))


def test_rejects_in_french_and_what_they_mean():
    assert reject_label("AM04") == "AM04 — Provision insuffisante"
    assert suggests_revocation("MD07") and not suggests_revocation("AM04")
    today = date(2026, 12, 1)
    assert repeated_rejects([date(2026, 3, 1), date(2026, 11, 20)], today)
    assert not repeated_rejects([date(2025, 11, 30), date(2026, 11, 20)], today)
