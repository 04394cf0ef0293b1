"""The in-app preview of a document and printing it page by page."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter

from devtools.samples.counter import sample_journal
from eticket_desk.reports import till_journal
from eticket_desk.ui.pdf_preview import PdfPreviewDialog, is_file_printer, print_pdf


def test_preview_and_print_every_page(qtbot, tmp_path):
    data = sample_journal()
    long = data.__class__(**{**data.__dict__, "receipts": data.receipts * 8})
    pdf = till_journal.render(long, tmp_path / "journal.pdf")
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2

    dialog = PdfPreviewDialog(pdf, "Journal de caisse")
    qtbot.addWidget(dialog)
    assert dialog.page_count() == pages
    assert f"{pages} pages" in dialog.info_label.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(dialog.document, printer) == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages


def _journal(tmp_path):
    return till_journal.render(sample_journal(), tmp_path / "Journal de caisse.pdf")


def test_save_as_pdf_writes_the_document_itself_not_pictures_of_its_pages(
    qtbot, tmp_path, monkeypatch
):
    pdf = _journal(tmp_path)
    dialog = PdfPreviewDialog(pdf, "Journal de caisse")
    qtbot.addWidget(dialog)
    assert dialog.save_button.text() == "&Enregistrer en PDF…"
    target = tmp_path / "envoi" / "journal.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(dialog, "ask_save_path", lambda: str(target))

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert target.read_bytes() == pdf.read_bytes()  # a few kB, not 1 MB of image per page
    text = PdfReader(target).pages[0].extract_text()
    assert "Journal de caisse" in text


def test_printing_to_a_pdf_file_copies_the_document(qtbot, tmp_path):
    """Qt's « Imprimer dans un fichier (PDF) » (Windows: « Microsoft Print to PDF ») saves
    the file as it is: its text stays searchable and copyable."""
    pdf = _journal(tmp_path)
    dialog = PdfPreviewDialog(pdf, "Journal de caisse")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "imprimé.pdf"))

    assert dialog.print_to(printer) == tmp_path / "imprimé.pdf"

    assert (tmp_path / "imprimé.pdf").read_bytes() == pdf.read_bytes()
    assert "Journal de caisse" in PdfReader(tmp_path / "imprimé.pdf").pages[0].extract_text()


def test_windows_file_printers_are_not_paper(qtbot):
    for name in ("Microsoft Print to PDF", "Microsoft XPS Document Writer", "OneNote (Desktop)"):
        assert is_file_printer(name), name
    for name in ("HP LaserJet Accueil", "EPSON TM-T20III Receipt", "Brother MFC-L2710DW"):
        assert not is_file_printer(name), name


def test_the_preview_names_the_file_and_tells_its_folder_on_hover(qtbot, tmp_path):
    pdf = _journal(tmp_path)
    dialog = PdfPreviewDialog(pdf, "Journal de caisse")
    qtbot.addWidget(dialog)
    pages = len(PdfReader(pdf).pages)
    assert dialog.info_label.text() == (
        f"Journal de caisse — {pages} pages — Journal de caisse.pdf"
        if pages > 1
        else "Journal de caisse — 1 page — Journal de caisse.pdf"
    )
    assert dialog.info_label.toolTip() == str(pdf)
