"""The invoice and credit note PDFs, read back as the family, the trésorerie and the counter's
scanner would: every coupon field, the amounts to the cent, the fonts, the barcode."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from devtools.samples.invoices import (
    generated_invoices,
    render_invoice_samples,
    sample_credit_note,
    sample_invoice,
    sample_long_invoice,
)
from eticket_desk.reports import invoice, invoice_run
from eticket_desk.reports.bill_page import wrap
from eticket_desk.reports.invoice import InvoiceChild, InvoiceLine
from eticket_desk.reports.invoice_coupon import coupon_code, payment_ways
from eticket_desk.rules.money import format_cents
from eticket_desk.services.catalogue.organisation import OrganisationData
from tests.printed import barcodes_on

COUPON_ONLY = ("COUPON DE PAIEMENT", "votre chèque — ne pas agrafer", "\u2702", "Redevable")


def _pages(pdf: Path) -> list[str]:
    """Each page's text, spaces made plain and runs of blanks single."""
    reader = PdfReader(str(pdf))
    return [_flat(page.extract_text()) for page in reader.pages]


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _money(cents: int) -> str:
    return _flat(format_cents(cents))


def _fonts(resources) -> list:
    """Every font of a resource dictionary and of the forms it draws (the merged file)."""
    found = [ref.get_object() for ref in resources.get("/Font", {}).values()]
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found += _fonts(xobject["/Resources"].get_object())
    return found


def test_the_coupon_carries_every_field_the_tresorerie_needs(tmp_path):
    data = sample_invoice()
    pages = _pages(invoice.render(data, tmp_path / "facture.pdf"))

    coupon = pages[-1]
    assert len(pages) == 1, "two children, five lines: one page with its coupon"
    for text in (
        "COUPON DE PAIEMENT",
        "Coupon à joindre à votre chèque — ne pas agrafer",
        "\u2702",
        "Dossier famille F00042",
        "Facture n° F-2026-000123",
        "Redevable M. et Mme DUPONT Jean-Baptiste",
        "Échéance 31 décembre 2026",
        "Montant à payer",
        "158,25 €",
        "Chèque à l'ordre du Trésor Public",
        "Service de gestion comptable de Thonon-les-Bains",
        "Centre des finances publiques",
        "15 avenue du Général-de-Gaulle, CS 50203",
        "74200 THONON-LES-BAINS CEDEX",
    ):
        assert text in coupon, text


def test_the_barcode_reads_back_as_the_invoice_number(tmp_path):
    pdf = invoice.render(sample_invoice(), tmp_path / "facture.pdf")

    assert barcodes_on(pdf, 1) == ["F-2026-000123"]
    assert coupon_code(" f-2026-000123 ") == "F-2026-000123"


def test_a_number_no_scanner_could_read_is_refused():
    with pytest.raises(ValueError, match="ASCII"):
        coupon_code("F-2026-00012é")


def test_lines_subtotals_and_totals_to_the_cent(tmp_path):
    data = sample_invoice()
    text = _pages(invoice.render(data, tmp_path / "facture.pdf"))[0]

    assert "FACTURE" in text and "N° F-2026-000123" in text
    assert "Date d'émission 1er décembre 2026" in text
    assert "Période novembre 2026" in text
    assert "Date d'échéance 31 décembre 2026" in text
    assert "Léa DUPONT École Jules Ferry — CE2" in text
    assert "Garderie soir 8 soirs × 1,90 € (tranche 2, QF 640) 8 1,90 € 15,20 €" in text
    assert "Cantine 17 repas × 3,85 € (tranche 2, QF 640) 17 3,85 € 65,45 €" in text
    assert "Sous-total Léa DUPONT 76,80 €" in text
    assert "Sous-total Tom DUPONT 81,45 €" in text
    assert "Total des prestations 158,25 €" in text
    assert "Montant à payer 158,25 €" in text
    assert data.total_cents == 15825 == 7680 + 8145


def test_what_is_already_paid_comes_off_the_amount_due(tmp_path):
    data = sample_long_invoice()
    text = " ".join(_pages(invoice.render(data, tmp_path / "facture.pdf")))

    assert f"Total des prestations {_money(data.total_cents)}" in text
    assert f"Déjà réglé {_money(-2000)}" in text
    assert f"Montant à payer {_money(data.total_cents - 2000)}" in text


def test_how_to_pay_gives_payfip_the_cheque_and_the_counter(tmp_path):
    text = _pages(invoice.render(sample_invoice(), tmp_path / "facture.pdf"))[0]

    assert "Comment payer" in text
    assert "www.payfip.gouv.fr" in text
    assert "identifiant collectivité 074218, référence F-2026-000123" in text
    assert "À l'ordre du Trésor Public" in text
    assert "Au guichet Régie périscolaire de Val-d'Arve-les-Bains" in text
    assert "Par virement" not in text, "no IBAN in the organisation: no transfer offered"
    assert "Voies de recours : dans un délai de deux mois" in text


def test_a_transfer_is_offered_once_the_organisation_has_an_iban():
    @dataclass
    class WithIban(OrganisationData):
        iban: str = "FR76 3000 1007 9412 3456 7890 185"
        bic: str = "BDFEFRPPCCT"

    ways = dict(
        payment_ways(WithIban(**dataclasses.asdict(sample_invoice().organisation)), ["F-1"])
    )

    assert ways["Par virement"] == (
        "IBAN FR76 3000 1007 9412 3456 7890 185, BIC BDFEFRPPCCT, en indiquant F-1."
    )


def test_the_fonts_are_embedded_dejavu_subsets(tmp_path):
    reader = PdfReader(str(invoice.render(sample_invoice(), tmp_path / "facture.pdf")))
    fonts = _fonts(reader.pages[0]["/Resources"])

    assert {font["/BaseFont"].split("+")[1] for font in fonts} == {
        "DejaVuSans",
        "DejaVuSans-Bold",
    }
    for font in fonts:
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(-Bold)?", font["/BaseFont"]), "a subset"
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), "embedded"


def test_a_long_invoice_runs_on_and_keeps_its_coupon_whole_on_the_last_page(tmp_path):
    data = sample_long_invoice()
    assert len(data.children) == 3
    assert sum(len(child.lines) for child in data.children) == 40
    pdf = invoice.render(data, tmp_path / "longue.pdf")
    pages = _pages(pdf)

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in text
        if number > 1:
            assert "Facture n° F-2026-000123 (suite)" in text
        for coupon_text in COUPON_ONLY:
            assert (coupon_text in text) == (number == len(pages)), (number, coupon_text)
    everything = " ".join(pages)
    for child in data.children:
        assert f"Sous-total {child.name} {_money(child.subtotal_cents)}" in everything
    assert everything.count("Semaine du") == 40
    assert _money(data.amount_due_cents) in pages[-1]
    assert barcodes_on(pdf, len(pages)) == ["F-2026-000123"]


def test_a_credit_note_names_its_invoice_and_has_no_coupon(tmp_path):
    data = sample_credit_note()
    pages = _pages(invoice.render(data, tmp_path / "avoir.pdf"))
    text = " ".join(pages)

    assert "AVOIR" in text and "N° A-2026-000012" in text
    assert "Facture concernée F-2026-000123 du 1er décembre 2026" in text
    assert "Total de l'avoir 11,55 €" in text
    assert "Certificat médical reçu le 8 décembre 2026" in text
    for absent in (*COUPON_ONLY, "Comment payer", "Montant à payer"):
        assert absent not in text
    assert barcodes_on(tmp_path / "avoir.pdf", 1) == []


def test_a_paid_invoice_says_there_is_nothing_to_pay(tmp_path):
    data = sample_invoice()
    paid = dataclasses.replace(data, paid_cents=data.total_cents, amount_due_cents=0)
    text = " ".join(_pages(invoice.render(paid, tmp_path / "soldee.pdf")))

    assert "Rien à payer : cette facture est entièrement réglée." in text
    assert "COUPON DE PAIEMENT" not in text


def test_amounts_that_do_not_add_up_are_refused():
    data = sample_invoice()
    child = data.children[0]
    with pytest.raises(ValueError, match="subtotal"):
        dataclasses.replace(child, subtotal_cents=child.subtotal_cents + 1)
    with pytest.raises(ValueError, match="sum of its lines"):
        dataclasses.replace(data, total_cents=data.total_cents - 1)
    with pytest.raises(ValueError, match="amount due"):
        dataclasses.replace(data, paid_cents=500)
    with pytest.raises(ValueError, match="never negative"):
        dataclasses.replace(data, paid_cents=data.total_cents + 100, amount_due_cents=-100)
    with pytest.raises(ValueError, match="due date"):
        dataclasses.replace(data, due_on=None)
    with pytest.raises(ValueError, match="credit note"):
        dataclasses.replace(sample_credit_note(), refers_to="")
    with pytest.raises(ValueError, match="kind"):
        dataclasses.replace(data, kind="quote")


def test_names_with_markup_characters_print_as_typed(tmp_path):
    line = InvoiceLine("Atelier <TAP> & jeux", "2 séances × 2,50 €", 2, 250, 500)
    child = InvoiceChild("Zoé <MARTIN> & fils", "", (line,), 500)
    data = dataclasses.replace(
        sample_invoice(), children=(child,), total_cents=500, amount_due_cents=500
    )
    text = _pages(invoice.render(data, tmp_path / "facture.pdf"))[0]

    assert "Zoé <MARTIN> & fils" in text
    assert "Atelier <TAP> & jeux" in text


def test_a_long_name_is_fitted_on_one_line_of_the_coupon(tmp_path):
    name = "M. et Mme de LA ROCHEFOUCAULD-DOUDEAUVILLE Marie-Amélie et Jean-Christophe"
    data = dataclasses.replace(sample_invoice(), billing_name=name)
    text = _pages(invoice.render(data, tmp_path / "facture.pdf"))[-1]
    coupon = text[text.index("COUPON DE PAIEMENT") :]

    assert "Redevable M. et Mme de LA ROCHEFOUCAULD" in coupon
    assert "Échéance 31 décembre 2026" in coupon
    assert barcodes_on(tmp_path / "facture.pdf", 1) == ["F-2026-000123"]


def test_wrapping_never_splits_an_amount_or_a_date():
    text = "Absence du 23\u00a0novembre au 26\u00a0novembre : 3 repas × 3,85\u00a0€ non facturés"
    lines = wrap(text, 60, 8)

    assert len(lines) > 3
    assert "23\u00a0novembre" in " ".join(lines) and "3,85\u00a0€" in " ".join(lines)
    assert not any(line.endswith(("3,85", "23", "26")) for line in lines)


def test_render_all_writes_each_invoice_and_one_merged_file_to_print(tmp_path):
    invoices = [sample_invoice(), sample_credit_note(), *generated_invoices(3)]
    reports = []

    paths = invoice_run.render_all(
        invoices,
        tmp_path / "factures",
        tmp_path / "a-imprimer.pdf",
        progress=lambda done, total: reports.append((done, total)),
    )

    assert [p.name for p in paths] == [f"{data.number}.pdf" for data in invoices]
    assert reports[-1] == (6, 6) and [done for done, _ in reports] == sorted(
        set(r[0] for r in reports)
    )
    merged = PdfReader(str(tmp_path / "a-imprimer.pdf"))
    assert len(merged.pages) == sum(len(PdfReader(str(p)).pages) for p in paths)
    assert [item.title for item in merged.outline][:2] == [
        "F-2026-000123 — M. et Mme DUPONT Jean-Baptiste",
        "A-2026-000012 — M. et Mme DUPONT Jean-Baptiste",
    ]
    first = _flat(merged.pages[0].extract_text())
    assert (
        "158,25 €" in first and "COUPON DE PAIEMENT" in first and "Dossier famille F00042" in first
    )
    embedded = {
        id(font): font["/BaseFont"] for page in merged.pages for font in _fonts(page["/Resources"])
    }
    assert sorted(set(embedded.values())) == ["/AAAAAA+DejaVuSans", "/AAAAAA+DejaVuSans-Bold"]


def test_a_run_in_worker_processes_prints_the_same_invoices(tmp_path, monkeypatch):
    monkeypatch.setattr(invoice_run, "IN_PROCESS_BELOW", 0)
    monkeypatch.setattr(invoice_run, "CHUNK", 2)
    invoices = generated_invoices(5)

    paths = invoice_run.render_all(invoices, tmp_path / "f", tmp_path / "tout.pdf", workers=2)

    alone = invoice.render(invoices[3], tmp_path / "seule.pdf")
    assert _pages(paths[3]) == _pages(alone)
    merged = _pages(tmp_path / "tout.pdf")
    assert len(merged) == sum(len(_pages(p)) for p in paths)
    assert any(_money(invoices[4].amount_due_cents) in page for page in merged)
    assert barcodes_on(tmp_path / "tout.pdf", len(merged)) == ["F-2026-000005"]


def test_two_invoices_with_one_number_are_refused(tmp_path):
    with pytest.raises(ValueError, match="same number"):
        invoice_run.render_all([sample_invoice()] * 2, tmp_path, tmp_path / "tout.pdf")


def test_the_samples_render(tmp_path):
    names = [path.name for path in render_invoice_samples(tmp_path)]

    assert names == [
        "invoice_a4.pdf",
        "invoice_long.pdf",
        "invoice_four_children.pdf",
        "invoice_credit_note.pdf",
        "invoice_titres_datamatrix.pdf",
        "reminder_letter.pdf",
    ]
