"""The DGFiP « paiement de proximité » part of a titres invoice's coupon: the ECC200
datamatrix a tobacconist scans, and under it the mention that says what it is for.

The string comes from rules.dgfip_datamatrix; reportlab's ECC200DataMatrix encodes it (a 44×44
symbol, C40), drawn here as one filled path as the coupon's barcode is.
"""

from __future__ import annotations

from reportlab.graphics.barcode.ecc200datamatrix import ECC200DataMatrix
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_page import put, wrap
from eticket_desk.reports.common import MUTED
from eticket_desk.reports.fonts import BOLD
from eticket_desk.rules.dgfip_datamatrix import CASH_CEILING_CENTS
from eticket_desk.rules.money import format_cents

MODULE = 0.38 * mm  # 44 modules: a 16.7 mm square (15 mils), read by any 2D counter scanner
MODULES = 44
SIDE = MODULES * MODULE
QUIET = 2 * MODULE
TITLE = "Paiement de proximité"
CAPTION_WIDTH = 27 * mm
MENTION = (
    f"Payable en espèces (jusqu'à {format_cents(CASH_CEILING_CENTS).replace(',00', '')}) ou "
    "par carte bancaire chez les buralistes agréés."
)


class _DataMatrix(ECC200DataMatrix):
    """reportlab's symbol, ending its data as ISO/IEC 16022 says: reportlab pads the last C40
    triple with « shift 1 », which a reader decodes as a NUL character after the text; here
    the characters left over a whole triple are written in ASCII after the C40 unlatch.
    Only the C40 basic set (digits, capitals, space) is taken: one value per character."""

    def _encode_c40(self, value: str) -> list[int]:
        whole = len(value) - len(value) % 3
        values = [v for char in value[:whole] for v in self._encode_c40_char(char)]
        if len(values) != whole:
            raise ValueError("only digits, capitals and spaces go in this datamatrix")
        codewords = [230]  # latch to C40
        for i in range(0, whole, 3):
            total = values[i] * 1600 + values[i + 1] * 40 + values[i + 2] + 1
            codewords += [total // 256, total % 256]
        codewords.append(254)  # unlatch: back to ASCII
        rest = value[whole:]
        if len(rest) == 2 and rest.isdigit():
            codewords.append(130 + int(rest))
        else:
            codewords += [ord(char) + 1 for char in rest]
        if len(codewords) > self.cw_data:
            raise ValueError("too much data for a 44×44 datamatrix")
        if len(codewords) < self.cw_data:
            codewords.append(129)  # the first pad, then the 253-state randomised ones
            while len(codewords) < self.cw_data:
                r = ((149 * (len(codewords) + 1)) % 253) + 1
                codewords.append((129 + r) % 254)
        return codewords


def datamatrix_modules(text: str) -> list[list[int]]:
    """The symbol's rows of modules (1: dark), bottom row first, as reportlab encodes them."""
    symbol = _DataMatrix(text)
    symbol.validate()
    return symbol.encode()


def draw_datamatrix(canvas: Canvas, x: float, y: float, text: str, module: float = MODULE):
    """The ECC200 symbol of `text`, bottom left at (x, y), with a white quiet zone around it."""
    rows = datamatrix_modules(text)
    side = len(rows) * module
    canvas.saveState()
    canvas.setFillColor("white")
    canvas.rect(x - QUIET, y - QUIET, side + 2 * QUIET, side + 2 * QUIET, stroke=0, fill=1)
    canvas.restoreState()
    squares = [
        f"{x + col * module:.3f} {y + row * module:.3f} {module:.3f} {module:.3f} re"
        for row, cells in enumerate(rows)
        for col, dark in enumerate(cells)
        if dark
    ]
    canvas.addLiteral("q 0 g\n" + "\n".join(squares) + "\nf Q")


def draw_code_with_caption(canvas: Canvas, text: str, code_x: float, code_y: float) -> None:
    """The coupon's code, bottom left at (code_x, code_y), with its title and the mention
    centred under it (CAPTION_WIDTH wide)."""
    draw_datamatrix(canvas, code_x, code_y, text)
    middle = code_x + SIDE / 2
    y = code_y - QUIET - 2.6 * mm
    put(canvas, middle, y, TITLE, size=6.5, font=BOLD, align="centre")
    for line in wrap(MENTION, CAPTION_WIDTH, 6):
        y -= 2.4 * mm
        put(canvas, middle, y, line, size=6, color=MUTED, align="centre")
