"""The body of a bill as blocks (a line, a heading, wrapped paragraphs), paginated so that a
block glued to the next stays with it, a table's header repeats on a new page, and the coupon
keeps its room at the foot of the last page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_page import BOLD, REGULAR, put, wrap
from eticket_desk.reports.common import ACCENT, CONTENT_WIDTH, INK, MARGIN_LEFT, MUTED


@dataclass(frozen=True)
class Block:
    """A slice of the body: its height, how to draw it with its top at y, `before` space above
    (dropped at the top of a page), `glue` to stay on the next block's page, and the blocks to
    `repeat` first when it opens a page (the table's header row, the child's name)."""

    height: float
    draw: Callable[[Canvas, float], None]
    before: float = 0
    glue: bool = False
    repeat: tuple[Block, ...] = ()


def paginate(
    blocks: Sequence[Block], first_top: float, later_top: float, bottom: float, last_bottom: float
) -> list[list[tuple[Block, float]]]:
    """The blocks placed on pages (block, top y); a last page with room for the coupon
    (above `last_bottom`) is added when the body reaches into it."""
    groups: list[list[Block]] = []
    for block in blocks:
        if groups and groups[-1][-1].glue:
            groups[-1].append(block)
        else:
            groups.append([block])
    pages: list[list[tuple[Block, float]]] = [[]]
    y = first_top
    for group in groups:
        height = sum(b.height for b in group) + group[0].before
        if pages[-1] and y - height < bottom:
            pages.append([])
            y = later_top
            for extra in group[0].repeat:
                pages[-1].append((extra, y))
                y -= extra.height
        elif pages[-1]:
            y -= group[0].before
        for block in group:
            pages[-1].append((block, y))
            y -= block.height
    if y < last_bottom:
        pages.append([])
    return pages


def text_block(
    text: str, size: float, font=REGULAR, color=INK, before=0.0, after=1 * mm, glue=False
) -> Block:
    """One line of text at the left margin, `after` the space below it."""

    def draw(canvas: Canvas, top: float) -> None:
        put(canvas, MARGIN_LEFT, top - size * 0.95, text, size, font, color)

    return Block(size * 1.3 + after, draw, before=before, glue=glue)


def heading_block(text: str, size: float = 10, before: float = 5 * mm) -> Block:
    return text_block(text, size, BOLD, ACCENT, before, after=size * 0.15 + 1 * mm, glue=True)


def paragraphs(
    text: str, size: float = 7.5, before: float = 0, color: object = MUTED, font: str = REGULAR
) -> list[Block]:
    """The paragraphs (lines) of `text` wrapped to the page's width, a block per line so that
    even a very long one runs on to the next page."""
    blocks = []
    for paragraph in text.split("\n"):
        lines = wrap(paragraph.strip(), CONTENT_WIDTH, size, font) if paragraph.strip() else []
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            space = before if index == 0 else 0
            blocks.append(text_block(line, size, font, color, space, 1 * mm if last else 0))
    return blocks
