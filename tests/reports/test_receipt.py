"""The counter receipt (quittance), read back from the PDF as the parent and the agent would."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from eticket_desk.reports import receipt
from eticket_desk.reports.receipt_data import ReceiptData, ReceiptLine, ReceiptPayment
from eticket_desk.rules.money import format_cents
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import COMMUNE

ORGANISATION = OrganisationData(**COMMUNE)


def _receipt(lines: int = 2) -> ReceiptData:
    items = [
        ReceiptLine("Tickets garderie du matin", 10, 180, 1800),
        ReceiptLine("Tickets cantine (repas)", 5, 455, 2275),
    ]
    items += [ReceiptLine(f"Atelier TAP n° {i}", 1, 125 + i, 125 + i) for i in range(lines - 2)]
    total = sum(line.amount_cents for line in items)
    given = -(-(total - 3000) // 5000) * 5000  # the next 50 € note
    return ReceiptData(
        organisation=ORGANISATION,
        number="Q-2026-000123",
        issued_at=datetime(2026, 11, 23, 16, 42),
        agent_name="Noémie Favre",
        till_label="Guichet de la mairie",
        family_reference="F00042",
        family_name="M. et Mme DUPONT Jean-Baptiste",
        address_lines=("12 chemin des Écureuils", "74218 VAL-D'ARVE-LES-BAINS"),
        lines=tuple(items),
        payments=(
            ReceiptPayment(
                "cheque", 3000, "Chèque n° 1234567 — Crédit Agricole — tiré par M. DUPONT"
            ),
            ReceiptPayment(
                "cash",
                total - 3000,
                f"Espèces : reçu {format_cents(given)}, rendu {format_cents(given - total + 3000)}",
            ),
        ),
        total_cents=total,
        balances_after=(("Garderie", 12), ("Cantine", 1)),
        qf_text="Quotient familial 850 € — tranche 2",
    )


def _text(pdf: Path) -> str:
    """All pages' text, non-breaking spaces made plain so amounts compare with format_cents."""
    reader = PdfReader(str(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _money(cents: int) -> str:
    return _flat(format_cents(cents))


@pytest.mark.parametrize("layout", ["a4", "ticket"])
def test_the_receipt_shows_every_amount_the_family_and_the_change(tmp_path, layout):
    data = _receipt()
    text = _flat(_text(receipt.render(data, tmp_path / "quittance.pdf", layout=layout)))

    assert "Q-2026-000123" in text
    assert "QUITTANCE" in text
    assert "M. et Mme DUPONT Jean-Baptiste" in text
    assert "F00042" in text
    assert "12 chemin des Écureuils" in text
    assert "23 novembre 2026 à 16 h 42" in text
    assert "Tickets garderie du matin" in text and "Tickets cantine (repas)" in text
    for cents in (180, 1800, 455, 2275, 4075, 3000, 1075):
        assert _money(cents) in text, cents
    assert "Chèque n° 1234567 — Crédit Agricole — tiré par M. DUPONT" in text
    assert "Espèces : reçu 50,00 €, rendu 39,25 €" in text
    assert "Quotient familial 850 € — tranche 2" in text
    assert "Solde du porte-monnaie après l'achat" in text
    assert "12 tickets" in text and "1 ticket" in text
    assert "Les tickets achetés ne sont pas remboursables." in text
    assert "Noémie Favre" in text and "Guichet de la mairie" in text
    assert "Régie périscolaire de Val-d'Arve-les-Bains" in text


def test_the_a4_receipt_is_one_a4_page_with_quantities_and_unit_prices(tmp_path):
    reader = PdfReader(str(receipt.render(_receipt(), tmp_path / "quittance.pdf")))
    text = _flat(reader.pages[0].extract_text())

    assert len(reader.pages) == 1
    assert abs(float(reader.pages[0].mediabox.width) - 210 * mm) < 0.5
    assert "Désignation Quantité Prix unitaire Montant" in text
    assert f"Tickets garderie du matin 10 {_money(180)} {_money(1800)}" in text
    assert f"Total {_money(4075)}" in text
    assert "Page 1" not in text


def test_a_long_a4_receipt_runs_on_with_its_header_and_ends_with_the_total(tmp_path):
    data = _receipt(lines=70)
    reader = PdfReader(str(receipt.render(data, tmp_path / "quittance.pdf")))
    pages = [_flat(page.extract_text()) for page in reader.pages]

    with_lines = [page for page in pages if "Atelier TAP" in page]
    assert len(with_lines) >= 2
    assert all("Désignation Quantité Prix unitaire Montant" in page for page in with_lines)
    assert f"Total {_money(data.total_cents)}" in with_lines[-1]
    assert "Les tickets achetés ne sont pas remboursables." in pages[-1]
    assert f"Page {len(pages)} / {len(pages)}" in pages[-1]
    assert all(f"Atelier TAP n° {i} " in " ".join(pages) for i in range(68))


def _text_heights(page) -> list[float]:
    """The baseline of every piece of text on the page, in points from the bottom edge."""
    heights: list[float] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return heights


def test_the_ticket_is_80_mm_wide_and_as_long_as_its_content(tmp_path):
    short = PdfReader(str(receipt.render(_receipt(2), tmp_path / "2.pdf", layout="ticket")))
    long = PdfReader(str(receipt.render(_receipt(30), tmp_path / "30.pdf", layout="ticket")))

    for reader in (short, long):
        assert len(reader.pages) == 1
        page = reader.pages[0]
        assert abs(float(page.mediabox.width) - 80 * mm) <= 0.5
        height = float(page.mediabox.height)
        baselines = _text_heights(page)
        assert min(baselines) > 3 * mm, "the last line is cut off"
        assert max(baselines) < height - 3 * mm, "the first line is cut off"
        assert min(baselines) < 15 * mm, "a blank is fed after the last line"
        assert max(baselines) > height - 12 * mm, "a blank is fed before the first line"
    grown = float(long.pages[0].mediabox.height) - float(short.pages[0].mediabox.height)
    assert grown > 28 * 15, "each line should add its own height to the ticket"
    assert "Atelier TAP n° 27" in long.pages[0].extract_text()
    assert "ne sont pas" in long.pages[0].extract_text()


@pytest.mark.parametrize("layout", ["a4", "ticket"])
def test_the_fonts_are_dejavu_and_embedded(tmp_path, layout):
    reader = PdfReader(str(receipt.render(_receipt(), tmp_path / "q.pdf", layout=layout)))
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        assert fonts, "no font resources"
        for ref in fonts.values():
            font = ref.get_object()
            assert "DejaVu" in font["/BaseFont"]
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_totals_that_do_not_add_up_are_refused():
    data = _receipt()
    with pytest.raises(ValueError, match="sum of its lines"):
        dataclasses.replace(data, total_cents=data.total_cents + 1)
    with pytest.raises(ValueError, match="payments"):
        dataclasses.replace(data, payments=data.payments[:1])


def test_an_unknown_layout_is_refused(tmp_path):
    with pytest.raises(ValueError, match="layout"):
        receipt.render(_receipt(), tmp_path / "q.pdf", layout="a5")


def test_a_receipt_without_payment_or_wallet_still_prints(tmp_path):
    data = dataclasses.replace(_receipt(), payments=(), balances_after=())
    for layout in ("a4", "ticket"):
        text = _flat(_text(receipt.render(data, tmp_path / f"{layout}.pdf", layout=layout)))
        assert "Aucun ticket prépayé." in text
        assert _money(data.total_cents) in text


def test_the_counter_samples_render_all_four_documents(tmp_path):
    from devtools.samples.counter import render_counter_samples

    paths = render_counter_samples(tmp_path)

    assert [p.name for p in paths] == [
        "receipt_a4.pdf",
        "receipt_ticket.pdf",
        "till_journal.pdf",
        "deposit_slip.pdf",
    ]
    texts = [_flat(_text(p)) for p in paths]
    assert "QUITTANCE N° Q-2026-000123" in texts[1]
    assert "Journal de caisse du lundi 23 novembre 2026" in texts[2]
    assert "Arrêté le présent bordereau à la somme de" in texts[3]
