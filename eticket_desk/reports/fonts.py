"""The TrueType fonts every PDF uses, registered once so é, €, œ and ✂ print and embed."""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from eticket_desk.paths import resource

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FAMILY = REGULAR

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


def register_fonts() -> None:
    """Register the DejaVu family with reportlab (idempotent, cheap to call before each render).

    TTFont embeds a subset of each font in the PDF (a /FontFile2 stream), so the document
    prints the same on any computer. There is no italic face: italic maps to the upright one.
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(resource("fonts", filename))))
    # The <b>/<i> mapping used by Paragraph markup; re-adding the same mapping is harmless.
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, REGULAR)
    addMapping(FAMILY, 1, 1, BOLD)
