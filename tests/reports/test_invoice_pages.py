"""How an invoice falls on its pages: the coupon always shares its page with the totals (never
a page holding the coupon alone), a tighter setting when that saves a page, and the days each
line bills printed under it."""

from __future__ import annotations

import pytest

from devtools.samples.invoices import (
    SCHOOL,
    invoice_child,
    invoice_line,
    invoice_of,
    sample_family_invoice,
    sample_invoice,
)
from eticket_desk.reports import invoice
from tests.reports.test_invoice_pdf import COUPON_ONLY, _pages

FAMILY = ("Léa", "Tom", "Zoé", "Noé", "Lou")
LINES = (
    ("Cantine", "repas", 12, 385),
    ("Garderie matin", "matins", 9, 160),
    ("Garderie soir", "soirs", 8, 190),
    ("Cantine", "repas", 1, 385),
    ("Garderie matin", "matins", 3, 160),
)


def _family(children: int, lines: int):
    kids = tuple(
        invoice_child(
            f"{name} DUPONT",
            f"{SCHOOL} — CP",
            tuple(invoice_line(a, u, n, c, 2, skip=i) for a, u, n, c in LINES[:lines]),
        )
        for i, name in enumerate(FAMILY[:children])
    )
    return invoice_of(kids)


def test_four_children_carry_their_last_lines_and_totals_onto_the_coupon_page(tmp_path):
    pages = _pages(invoice.render(sample_family_invoice(), tmp_path / "famille.pdf"))

    assert len(pages) == 2
    assert "COUPON DE PAIEMENT" not in pages[0]
    last = pages[1]
    assert "COUPON DE PAIEMENT" in last
    assert "Noé DUPONT (suite)" in last and "Sous-total Noé DUPONT" in last
    assert "Total des prestations 335,80 €" in last and "Montant à payer" in last


@pytest.mark.parametrize("children", range(1, 6))
@pytest.mark.parametrize("lines", range(1, 6))
def test_no_page_ever_holds_the_coupon_alone(tmp_path, children, lines):
    data = _family(children, lines)

    pages = _pages(invoice.render(data, tmp_path / "f.pdf"))

    coupon = [p for p in pages if COUPON_ONLY[0] in p]
    assert len(coupon) == 1 and coupon[0] == pages[-1]
    assert "Total des prestations" in pages[-1]  # the totals go with the coupon
    for page in pages:  # and every page has lines or totals on it
        assert "€" in page.split("COUPON DE PAIEMENT")[0].split("Montant à payer :")[-1]


def test_an_invoice_just_too_long_for_one_page_is_set_tighter(tmp_path):
    data = _family(2, 3)  # a few millimetres too long for the coupon's page as first set

    pages = _pages(invoice.render(data, tmp_path / "f.pdf"))

    assert len(pages) == 1
    for child in data.children:
        assert f"Sous-total {child.name}" in pages[0]
    assert "Total des prestations" in pages[0] and "COUPON DE PAIEMENT" in pages[0]


def test_each_line_says_which_days_it_bills(tmp_path):
    text = " ".join(_pages(invoice.render(sample_invoice(), tmp_path / "facture.pdf")))

    days = "Jours facturés : 2, 3, 5, 6, 9, 10, 12, 13, 16, 17, 19, 20, 23, 24 et 26 novembre"
    assert days in text
    assert "Jours facturés : 30 novembre, annulé hors délai" in text
