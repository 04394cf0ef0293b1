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
    (dropped at the top of a page), `glue` to stay on the next block's page, the blocks to
    `repeat` first when it opens a page (the table's header row, the child's name), and
    `with_coupon` for the block that goes with the coupon when the body must make it room on
    a page of its own (the totals: never the coupon alone on a page)."""

    height: float
    draw: Callable[[Canvas, float], None]
    before: float = 0
    glue: bool = False
    repeat: tuple[Block, ...] = ()
    with_coupon: bool = False


Placed = list[tuple[Block, float]]


def _groups(blocks: Sequence[Block]) -> list[list[Block]]:
    """The blocks in runs that stay on one page (a block glued to the next one)."""
    groups: list[list[Block]] = []
    for block in blocks:
        if groups and groups[-1][-1].glue:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _place(
    groups: Sequence[list[Block]], top: float, later_top: float, bottom: float
) -> tuple[list[list[tuple[list[Block], float, float]]], float]:
    """The groups on pages from `top` (a continued page's when it is `later_top`), each as
    (group, its top, its bottom); the y where the last one ends."""
    pages: list[list[tuple[list[Block], float, float]]] = [[]]
    y = top
    if groups and top == later_top:
        y -= sum(extra.height for extra in groups[0][0].repeat)
    for group in groups:
        height = sum(b.height for b in group) + group[0].before
        if pages[-1] and y - height < bottom:
            pages.append([])
            y = later_top - sum(extra.height for extra in group[0].repeat)
        elif pages[-1]:
            y -= group[0].before
        pages[-1].append((group, y, y - sum(b.height for b in group)))
        y = pages[-1][-1][2]
    return pages, y


def paginate(
    blocks: Sequence[Block], first_top: float, later_top: float, bottom: float, last_bottom: float
) -> list[Placed]:
    """The blocks placed on pages (block, top y), the last page keeping its foot (under
    `last_bottom`) for the coupon: when the body reaches into it, its last groups move to a
    new page — from the totals at the latest — so that the coupon never stands alone; and the
    totals run on to the coupon's page when the body does."""
    pages, end = _place(_groups(blocks), first_top, later_top, bottom)
    totals = [(p, i) for p, page in enumerate(pages) for i, (g, _, _) in enumerate(page)]
    totals = [(p, i) for p, i in totals if any(b.with_coupon for b in pages[p][i][0])]
    if totals and totals[0][0] < len(pages) - 1 and totals[0][1] > 0:
        p, i = totals[0]
        rest = [g for page in pages[p:] for g, _, _ in page][i:]
        moved, end = _place(rest, later_top, later_top, bottom)
        pages[p:] = [pages[p][:i], *moved]
    while end < last_bottom:
        last = pages[-1]
        cut = next(i for i, (_, _, low) in enumerate(last) if low < last_bottom)
        cut = min([cut, *(i for i, (g, _, _) in enumerate(last) if any(b.with_coupon for b in g))])
        if cut == 0:  # a single run taller than a page's room over the coupon
            pages.append([])
            break
        moved, end = _place([g for g, _, _ in last[cut:]], later_top, later_top, bottom)
        pages[-1:] = [last[:cut], *moved]
    return [_blocks_of(page, later_top) for page in pages]


def _blocks_of(page: list[tuple[list[Block], float, float]], later_top: float) -> Placed:
    """Each block of the page with its top y, the repeated ones first on a continued page."""
    placed: Placed = []
    for index, (group, top, _) in enumerate(page):
        if index == 0 and group[0].repeat and top < later_top:
            y = later_top
            for extra in group[0].repeat:
                placed.append((extra, y))
                y -= extra.height
        y = top
        for block in group:
            placed.append((block, y))
            y -= block.height
    return placed


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
