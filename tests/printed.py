"""Reading back what the program prints, the same way on every system (Windows has neither
poppler nor zbar): a page drawn by PDFium at a scanner's resolution, the barcodes zxing-cpp
reads on it, the words of each page with their boxes."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pypdfium2
import zxingcpp

SCAN_DPI = 300


def barcodes_on(pdf: Path | str, page: int) -> list[str]:
    """What a scanner reads on `page` (1-based), printed in grey at 300 dpi, top to bottom."""
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        bitmap = document[page - 1].render(scale=SCAN_DPI / 72, grayscale=True)
        image = bitmap.to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    return [code.text for code in sorted(found, key=lambda code: code.position.top_left.y)]


def words_on(pdf: Path | str) -> list[list[tuple[float, float, float, str]]]:
    """Each page's words with their box: (x min, x max, y min from the top, word), in points."""
    with pdfplumber.open(str(pdf)) as document:
        return [
            [(w["x0"], w["x1"], w["top"], w["text"]) for w in page.extract_words()]
            for page in document.pages
        ]
