"""The reject codes in French and what they mean (sequence types and lapses: test_sepa.py)."""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.sepa_rejects import reject_label, repeated_rejects, suggests_revocation


def test_rejects_in_french_and_what_they_mean():
    assert reject_label("AM04") == "AM04 — Provision insuffisante"
    assert suggests_revocation("MD07") and not suggests_revocation("AM04")
    today = date(2026, 12, 1)
    assert repeated_rejects([date(2026, 3, 1), date(2026, 11, 20)], today)
    assert not repeated_rejects([date(2025, 11, 30), date(2026, 11, 20)], today)
