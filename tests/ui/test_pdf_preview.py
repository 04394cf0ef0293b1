"""The in-app preview of a document and printing it page by page."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from eticket_desk.reports import till_journal
from eticket_desk.reports.counter_samples import sample_journal
from eticket_desk.ui.pdf_preview import PdfPreviewDialog, print_pdf


def test_preview_and_print_every_page(qtbot, tmp_path):
    data = sample_journal()
    long = data.__class__(**{**data.__dict__, "receipts": data.receipts * 8})
    pdf = till_journal.render(long, tmp_path / "journal.pdf")
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2

    dialog = PdfPreviewDialog(pdf, "Journal de caisse")
    qtbot.addWidget(dialog)
    assert dialog.page_count() == pages
    assert f"{pages} page(s)" in dialog.info_label.text()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(dialog.document, printer) == pages
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages
