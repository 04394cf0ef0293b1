"""The reminder letter for unpaid invoices, read back as the family and the counter would."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from devtools.samples.invoices import sample_reminder
from eticket_desk.reports import reminder_letter
from eticket_desk.reports.reminder_letter import ReminderInvoice
from tests.printed import barcodes_on


def _pages(pdf: Path) -> list[str]:
    reader = PdfReader(str(pdf))
    return [
        " ".join(page.extract_text().replace("\u202f", " ").replace("\xa0", " ").split())
        for page in reader.pages
    ]


def test_the_letter_lists_what_remains_due_and_asks_for_it_politely(tmp_path):
    pages = _pages(reminder_letter.render(sample_reminder(), tmp_path / "relance.pdf"))
    text = pages[0]

    assert len(pages) == 1
    assert "Val-d'Arve-les-Bains, le 18 janvier 2027" in text
    assert "Objet : Rappel — factures impayées" in text
    assert "Madame, Monsieur," in text
    assert "M. et Mme DUPONT Jean-Baptiste" in text
    assert "N° de facture Date Échéance Montant Déjà réglé Reste dû" in text
    assert "F-2026-000087 2 novembre 2026 2 décembre 2026 96,40 € 40,00 € 56,40 €" in text
    assert "F-2026-000123 1er décembre 2026 31 décembre 2026 143,50 € — 143,50 €" in text
    assert "Total restant dû 199,90 €" in text
    assert "régler la somme de 199,90 € avant le 1er février 2027" in text
    assert "ne pas tenir compte de ce courrier" in text
    assert "Service de gestion comptable de Thonon-les-Bains" in text
    assert "Le régisseur Jérôme Buttay" in text


def test_one_coupon_for_the_total_finds_the_oldest_invoice(tmp_path):
    data = sample_reminder()
    newest_first = dataclasses.replace(data, invoices=tuple(reversed(data.invoices)))
    pdf = reminder_letter.render(newest_first, tmp_path / "relance.pdf")
    text = _pages(pdf)[-1]

    for field in (
        "COUPON DE PAIEMENT",
        "Coupon à joindre à votre chèque — ne pas agrafer",
        "\u2702",
        "Dossier famille F00042",
        "Factures n° F-2026-000087, F-2026-000123",
        "Échéance 1er février 2027",
        "199,90 €",
        "Chèque à l'ordre du Trésor Public",
        "74200 THONON-LES-BAINS CEDEX",
    ):
        assert field in text, field
    assert text.index("F-2026-000087 2 novembre") < text.index("F-2026-000123 1er décembre")
    assert barcodes_on(pdf, 1) == ["F-2026-000087"]


def test_online_payment_names_each_invoice_reference(tmp_path):
    text = _pages(reminder_letter.render(sample_reminder(), tmp_path / "relance.pdf"))[0]

    assert "références F-2026-000087, F-2026-000123 (un paiement par facture)" in text


def test_a_single_unpaid_invoice_reads_in_the_singular(tmp_path):
    data = sample_reminder()
    one = dataclasses.replace(data, invoices=data.invoices[1:], total_remaining_cents=14350)
    text = _pages(reminder_letter.render(one, tmp_path / "relance.pdf"))[0]

    assert "la facture ci-dessous reste impayée à ce jour" in text
    assert "Facture n° F-2026-000123" in text
    assert "Total restant dû 143,50 €" in text


def test_many_invoices_run_on_with_the_coupon_on_the_last_page(tmp_path):
    data = sample_reminder()
    invoices = tuple(
        ReminderInvoice(f"F-2026-{100 + i:06d}", date(2026, 9, 1), date(2026, 10, 1), 1000 + i)
        for i in range(40)
    )
    many = dataclasses.replace(
        data, invoices=invoices, total_remaining_cents=sum(i.amount_cents for i in invoices)
    )
    pdf = reminder_letter.render(many, tmp_path / "relance.pdf")
    pages = _pages(pdf)

    assert len(pages) == 2
    assert "Rappel — factures impayées (suite)" in pages[1]
    assert "N° de facture Date Échéance" in pages[1], "the header row again"
    assert " ".join(pages).count("1er septembre 2026 1er octobre 2026") == 40
    assert "COUPON DE PAIEMENT" not in pages[0] and "COUPON DE PAIEMENT" in pages[1]
    assert "Factures n° F-2026-000100 et 39 autres" in pages[1]
    assert "la référence de chaque facture (un paiement par facture)" in pages[1]
    assert barcodes_on(pdf, 2) == ["F-2026-000100"]


def test_the_fonts_are_embedded(tmp_path):
    reader = PdfReader(str(reminder_letter.render(sample_reminder(), tmp_path / "relance.pdf")))
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        font = ref.get_object()
        assert font["/BaseFont"] in ("/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold")
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_amounts_that_do_not_add_up_are_refused():
    data = sample_reminder()
    with pytest.raises(ValueError, match="sum of what remains"):
        dataclasses.replace(data, total_remaining_cents=data.total_remaining_cents + 1)
    with pytest.raises(ValueError, match="at least one"):
        dataclasses.replace(data, invoices=(), total_remaining_cents=0)
    paid = ReminderInvoice("F-2026-000001", date(2026, 9, 1), date(2026, 10, 1), 1000, 1000)
    with pytest.raises(ValueError, match="left to pay"):
        dataclasses.replace(data, invoices=(*data.invoices, paid))
