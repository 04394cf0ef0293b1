"""The lines table of an invoice as body blocks: its header row, each child's name, lines (the
days each bills under it) and subtotal; in two spacings, the compact one for an invoice that
then fits on one page with its coupon."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_blocks import Block
from eticket_desk.reports.bill_page import RIGHT, money, put, text_width, wrap
from eticket_desk.reports.common import ACCENT, CONTENT_WIDTH, MARGIN_LEFT, MUTED, RULE, TINT
from eticket_desk.reports.fonts import BOLD

if TYPE_CHECKING:
    from eticket_desk.reports.invoice import InvoiceChild, InvoiceLine

# Right edges of the money columns and the left of the basis column, from the left margin.
COL_BASIS, COL_QTY, COL_UNIT, COL_AMOUNT = 33 * mm, 129 * mm, 151 * mm, CONTENT_WIDTH
HEADER = (("Prestation", 0), ("Détail du calcul", COL_BASIS))
MONEY_HEADER = (("Quantité", COL_QTY), ("Prix unitaire", COL_UNIT), ("Montant", COL_AMOUNT))
LEADING = 3.6 * mm  # one line of the lines table (8.5 pt)
DAYS_SIZE = 7  # the days billed, under a line
DAYS_PREFIX = "Jours facturés : "


@dataclass(frozen=True)
class Spacing:
    """The vertical room of the table's parts."""

    child: float = 6.6 * mm  # a child's name band
    first: float = 4 * mm  # from a line's top to its first baseline
    under: float = 1.2 * mm  # from a line's last baseline to its rule
    days: float = 3.0 * mm  # a line of days
    subtotal: float = 6.8 * mm
    gap: float = 3 * mm  # above the totals and above the mentions' heading
    mentions: float = 7  # the size of the mentions under the totals


NORMAL = Spacing()
COMPACT = Spacing(
    child=5.8 * mm,
    first=3.5 * mm,
    under=1.0 * mm,
    days=2.8 * mm,
    subtotal=5.4 * mm,
    gap=1.5 * mm,
    mentions=6.5,
)


def band(canvas: Canvas, top: float, height: float, fill: object = TINT) -> None:
    canvas.saveState()
    canvas.setFillColor(fill)
    canvas.rect(MARGIN_LEFT, top - height, CONTENT_WIDTH, height, stroke=0, fill=1)
    canvas.restoreState()


def rule(canvas: Canvas, y: float, left: float = 0, colour: object = RULE, width=0.3) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(width)
    canvas.line(MARGIN_LEFT + left, y, RIGHT, y)
    canvas.restoreState()


def _table_header() -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        band(canvas, top, 6 * mm)
        rule(canvas, top - 6 * mm, colour=ACCENT, width=0.8)
        y = top - 4.1 * mm
        for label, x in HEADER:
            put(canvas, MARGIN_LEFT + x + 1 * mm, y, label, 8, BOLD, ACCENT)
        for label, x in MONEY_HEADER:
            put(canvas, MARGIN_LEFT + x - 1 * mm, y, label, 8, BOLD, ACCENT, "right")

    return Block(6 * mm, draw)


def _child_header(
    child: InvoiceChild, header: Block, space: Spacing, continued: bool = False
) -> Block:
    name = f"{child.name} (suite)" if continued else child.name
    margin = (space.child - 5.2 * mm) / 2  # above and under the band

    def draw(canvas: Canvas, top: float) -> None:
        band(canvas, top - margin, space.child - margin, "#E6ECF3")
        y = top - margin - 3.8 * mm
        put(canvas, MARGIN_LEFT + 1 * mm, y, name, 9, BOLD)
        if child.school:
            x = MARGIN_LEFT + 4 * mm + text_width(name, BOLD, 9)
            put(canvas, x, y, child.school, 8, color=MUTED)

    return Block(space.child, draw, glue=True, repeat=() if continued else (header,))


def _line_row(line: InvoiceLine, repeat: tuple[Block, ...], glue: bool, space: Spacing) -> Block:
    """A line of the table; the days it bills wrapped under it, smaller, so that a family can
    check each day (a late cancellation is named there)."""
    activity = wrap(line.activity, COL_BASIS - 2 * mm, 8.5)
    basis = wrap(line.basis, COL_QTY - COL_BASIS - 16 * mm, 8)
    rows = max(len(activity), len(basis))
    days = wrap(DAYS_PREFIX + line.days, COL_QTY - 18 * mm, DAYS_SIZE) if line.days else []
    height = space.first + (rows - 1) * LEADING + len(days) * space.days + space.under

    def draw(canvas: Canvas, top: float) -> None:
        y = top - space.first
        for index, text in enumerate(activity):
            put(canvas, MARGIN_LEFT + 1 * mm, y - index * LEADING, text, 8.5)
        for index, text in enumerate(basis):
            put(canvas, MARGIN_LEFT + COL_BASIS + 1 * mm, y - index * LEADING, text, 8, color=MUTED)
        for text, x in ((str(line.quantity), COL_QTY), (money(line.unit_cents), COL_UNIT)):
            put(canvas, MARGIN_LEFT + x - 1 * mm, y, text, 8.5, align="right")
        put(canvas, RIGHT - 1 * mm, y, money(line.amount_cents), 8.5, align="right")
        below = y - (rows - 1) * LEADING - space.days
        for index, text in enumerate(days):
            y_days = below - index * space.days
            put(canvas, MARGIN_LEFT + 4 * mm, y_days, text, DAYS_SIZE, color=MUTED)
        rule(canvas, top - height, left=1 * mm)

    return Block(height, draw, glue=glue, repeat=repeat)


def _subtotal(child: InvoiceChild, glue: bool, space: Spacing) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        y = top - space.subtotal * 0.62
        label = f"Sous-total {child.name}"
        put(canvas, MARGIN_LEFT + COL_UNIT - 1 * mm, y, label, 8.5, align="right")
        put(canvas, RIGHT - 1 * mm, y, money(child.subtotal_cents), 8.5, BOLD, align="right")

    return Block(space.subtotal, draw, glue=glue)


def table_blocks(children: Sequence[InvoiceChild], space: Spacing = NORMAL) -> list[Block]:
    """The table, child by child; the last subtotal glued to what follows (the totals)."""
    header = _table_header()
    blocks = [header]
    for index, child in enumerate(children):
        head = _child_header(child, header, space)
        repeat = (header, _child_header(child, header, space, continued=True))
        blocks.append(head)
        last = len(child.lines) - 1
        blocks += [_line_row(line, repeat, i == last, space) for i, line in enumerate(child.lines)]
        blocks.append(_subtotal(child, index == len(children) - 1, space))
    return blocks
