"""Shared report helpers: French dates, fonts, page numbers."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate

from eticket_desk.reports import fonts
from eticket_desk.reports.common import NumberedCanvas, document_options, styles
from eticket_desk.reports.french_text import french_date, join_french, place_and_date


def test_french_dates():
    assert french_date(date(2026, 9, 14)) == "14 septembre 2026"
    assert french_date(date(2026, 10, 1)) == "1er octobre 2026"
    assert place_and_date("Neuvecelle", date(2026, 9, 14)) == "Neuvecelle, le 14 septembre 2026"
    assert place_and_date("", date(2027, 2, 3)) == "Le 3 février 2027"


def test_join_french():
    assert join_french(["Léa"]) == "Léa"
    assert join_french(["Léa", "Tom"]) == "Léa et Tom"
    assert join_french(["Léa", "Tom", "Zoé"]) == "Léa, Tom et Zoé"


def test_register_fonts_is_idempotent():
    fonts.register_fonts()
    fonts.register_fonts()
    names = pdfmetrics.getRegisteredFontNames()
    assert fonts.REGULAR in names and fonts.BOLD in names


def test_numbered_canvas_prints_page_n_of_total(tmp_path):
    st = styles()
    out = tmp_path / "liste.pdf"
    doc = SimpleDocTemplate(str(out), **document_options("Essai"))
    doc.build(
        [Paragraph(f"Ligne {i} : œuvre, 12,50 € ✂", st.body) for i in range(50)],
        canvasmaker=NumberedCanvas,
    )
    reader = PdfReader(str(out))

    assert len(reader.pages) == 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} / 2" in page.extract_text()
    assert "12,50 € ✂" in reader.pages[0].extract_text()
