"""The page kit every bill (invoice, credit note, reminder letter) is drawn with, straight on a
reportlab canvas: text helpers (the body's blocks and their pagination are in bill_blocks.py),
the letterhead with its logo, the address window, the references and the footer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from hashlib import md5
from io import BytesIO
from typing import TYPE_CHECKING, TypeVar

from PIL import Image
from reportlab.lib.colors import Color, toColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from eticket_desk.reports.common import (
    ACCENT,
    ADDRESS_WINDOW,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    TINT,
    organisation_lines,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.reports.french_text import french_date
from eticket_desk.rules.money import format_cents

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

T = TypeVar("T")


COUPON_BOTTOM = 10 * mm  # from the bottom edge of the page
COUPON_HEIGHT = 50 * mm
CUT_Y = COUPON_BOTTOM + COUPON_HEIGHT + 5 * mm

RIGHT = PAGE_WIDTH - MARGIN_RIGHT
LOGO_PIXELS = 240
FOOTER_Y = 10 * mm  # baseline of the footer of a page without the coupon
COUPON_FOOTER_Y = CUT_Y + 2.5 * mm  # and on the page that carries it, over the cut
BODY_TOP = PAGE_HEIGHT - 87 * mm  # the first page's body, under the address window
LATER_TOP = PAGE_HEIGHT - MARGIN_TOP - 6 * mm  # the next pages', under the running header
BODY_BOTTOM = FOOTER_Y + 6 * mm
COUPON_BODY_BOTTOM = COUPON_FOOTER_Y + 5 * mm


# --- text on the canvas ---------------------------------------------------------------------


@lru_cache(maxsize=32)
def colour(value: object) -> Color:
    return toColor(value)


@lru_cache(maxsize=65536)
def text_width(text: str, font: str = REGULAR, size: float = 9) -> float:
    """stringWidth, remembered: a run measures the same words and amounts thousands of times."""
    return stringWidth(text, font, size)


class BillCanvas(Canvas):
    """A canvas that writes all the text of a page in one text object, over the page's
    graphics (no text of a bill lies under a shape), when the page ends.

    reportlab's drawString opens a text object per string, sets the font again and measures
    the string again; an invoice run draws more than a million strings, and this layer
    makes its drawing a third faster.
    """

    def __init__(self, *args, stamps: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stamps = stamps
        self._layer: PDFTextObject | None = None
        self._layer_font: tuple[str, float] | None = None
        self._layer_ink: Color | None = None
        self._stamps: dict[str, object] = {}

    def text_at(self, x: float, y: float, text: str, font: str, size: float, ink: Color) -> None:
        layer = self._layer
        if layer is None:
            layer = self._layer = self.beginText()
            self._layer_font = self._layer_ink = None
        if self._layer_font != (font, size):
            layer.setFont(font, size)
            self._layer_font = (font, size)
        if self._layer_ink != ink:
            layer.setFillColor(ink)
            self._layer_ink = ink
        layer.setTextOrigin(x, y)
        layer._textOut(text)  # textOut without measuring the string for a cursor we never use

    def flush_text(self) -> None:
        if self._layer is not None:
            self.drawText(self._layer)
            self._layer = None

    def showPage(self) -> None:
        self.flush_text()
        super().showPage()

    def stamp(self, key: str, draw: Callable[[], T]) -> T:
        """What `draw` draws, made once per document into a form and placed again on later
        pages (the letterhead and the coupon's frame of 6,000 invoices in the merged file);
        returns what `draw` returned the first time. Without `stamps` (a document with one
        bill, where a form only costs), it simply draws."""
        if not self.stamps:
            return draw()
        if key not in self._stamps:
            page = self._layer, self._layer_font, self._layer_ink
            self._layer = None
            self.beginForm(key)
            self._stamps[key] = draw()
            self.flush_text()
            self.endForm()
            self._layer, self._layer_font, self._layer_ink = page
        self.doForm(key)
        return self._stamps[key]


@lru_cache(maxsize=8)
def _digest(data: bytes) -> str:
    return md5(data).hexdigest()


def stamp(canvas: Canvas, parts: tuple, draw: Callable[[], T]) -> T:
    """Static content (the same for every bill of `parts`: organisation, logo digest, labels)
    drawn through BillCanvas.stamp, or straight on another canvas."""
    if not isinstance(canvas, BillCanvas):
        return draw()
    return canvas.stamp(f"bill{_digest(repr(parts).encode())[:16]}", draw)


def put(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float = 9,
    font: str = REGULAR,
    color: object = INK,
    align: str = "left",
) -> None:
    """One line of text with its baseline at y; `align` "right"/"centre" hang it from x."""
    if align == "right":
        x -= text_width(text, font, size)
    elif align == "centre":
        x -= text_width(text, font, size) / 2
    if isinstance(canvas, BillCanvas):
        canvas.text_at(x, y, text, font, size, colour(color))
        return
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawString(x, y, text)


def wrap(text: str, width: float, size: float = 9, font: str = REGULAR) -> list[str]:
    """Lines of `text` no wider than `width`, broken at ordinary spaces only: the non-breaking
    spaces of « 12,50 € » and « 23 novembre 2026 » (and a word too long) are never split."""
    space = text_width(" ", font, size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split(" "):
        if not word:
            continue
        wide = text_width(word, font, size)
        if current and used + space + wide > width:
            lines.append(" ".join(current))
            current, used = [word], wide
        else:
            used += (space if current else 0) + wide
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


@lru_cache(maxsize=512)
def money(cents: int) -> str:
    """'123,45 €' with its non-breaking space (babel is slow: an invoice run asks often)."""
    return format_cents(cents)


@lru_cache(maxsize=512)
def long_date(day: date) -> str:
    """'23 novembre 2026', the spaces non-breaking so a wrapped line never splits a date."""
    return french_date(day).replace(" ", "\u00a0")


# --- page furniture -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _logo(image: bytes) -> ImageReader:
    """The logo as a small JPEG on white (at most 240 px, 300 dpi at 20 mm), made once.

    reportlab copies a JPEG into the PDF as it is, where a PNG is decoded, hashed and
    compressed again in every document: that was a tenth of an invoice run's time.
    """
    picture = Image.open(BytesIO(image))
    picture.thumbnail((LOGO_PIXELS, LOGO_PIXELS), Image.LANCZOS)
    flat = Image.new("RGB", picture.size, "white")
    picture = picture.convert("RGBA")
    flat.paste(picture, mask=picture.getchannel("A"))
    out = BytesIO()
    flat.save(out, "JPEG", quality=92, subsampling=0)
    return ImageReader(BytesIO(out.getvalue()))


def draw_letterhead(canvas: Canvas, org: OrganisationData, logo: bytes | None) -> float:
    """Logo, name, régie, address and contacts, top left; the y where it ends."""
    parts = ("letterhead", org, _digest(logo) if logo else "")
    return stamp(canvas, parts, lambda: _letterhead(canvas, org, logo))


def _letterhead(canvas: Canvas, org: OrganisationData, logo: bytes | None) -> float:
    top = PAGE_HEIGHT - MARGIN_TOP
    x, width = MARGIN_LEFT, 82 * mm
    if logo:
        size = 20 * mm
        canvas.drawImage(
            _logo(logo),
            x,
            top - size,
            size,
            size,
            preserveAspectRatio=True,
            anchor="nw",
        )
        x, width = x + size + 4 * mm, width - size - 4 * mm
    y = top - 4.2 * mm
    for line in wrap(org.name or "Mairie", width, 12, BOLD):
        put(canvas, x, y, line, 12, BOLD, ACCENT)
        y -= 5.2 * mm
    lines = [(org.regie_name, 1.5 * mm)] if org.regie_name else []
    lines += [(line, 0) for line in organisation_lines(org)]
    for line, after in lines:
        for part in wrap(line, width, 8):
            put(canvas, x, y, part, 8)
            y -= 3.5 * mm
        y -= after
    return min(y, top - (20 * mm if logo else 0))


def draw_address(canvas: Canvas, name: str, lines: Sequence[str]) -> None:
    """The addressee, where the window of a DL envelope shows it."""
    box = ADDRESS_WINDOW
    x, y = box.left, PAGE_HEIGHT - box.top - 4 * mm
    rows = [(part, BOLD) for part in wrap(name, box.width, 10.5, BOLD)]
    rows += [(part, REGULAR) for line in lines if line for part in wrap(line, box.width, 10.5)]
    for text, font in rows[:8]:
        put(canvas, x, y, text, 10.5, font)
        y -= 4.8 * mm


def draw_title_box(canvas: Canvas, title: str, number: str, lines: Sequence[str]) -> None:
    """The document's kind and number in a tinted box, top right above the address."""
    left, top = ADDRESS_WINDOW.left, PAGE_HEIGHT - MARGIN_TOP
    x = left + 4 * mm

    def frame() -> None:
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.rect(left, top - 26 * mm, RIGHT - left, 26 * mm, stroke=1, fill=1)
        canvas.restoreState()
        put(canvas, x, top - 7.5 * mm, title, 16, BOLD, ACCENT)

    stamp(canvas, ("title", title), frame)
    put(canvas, x, top - 13 * mm, f"N° {number}", 11, BOLD)
    for index, line in enumerate(lines):
        put(canvas, x, top - 18.5 * mm - index * 4 * mm, line, 8.5, REGULAR if index else BOLD)


def draw_references(canvas: Canvas, top: float, rows: Sequence[tuple[str, str]]) -> float:
    """Label and value rows beside the address window; the y where they end."""
    ys = [top - 3.2 * mm - index * 4.8 * mm for index in range(len(rows))]
    once = isinstance(canvas, BillCanvas) and canvas.stamps  # the labels in a form
    if once:
        labels = tuple(label for label, _ in rows)

        def draw_labels() -> None:
            for y, label in zip(ys, labels, strict=True):
                put(canvas, MARGIN_LEFT, y, label, 8, color=MUTED)

        stamp(canvas, ("references", top, labels), draw_labels)
    for y, (label, value) in zip(ys, rows, strict=True):
        if not once:  # label then value: the order a reader (or a screen reader) follows
            put(canvas, MARGIN_LEFT, y, label, 8, color=MUTED)
        put(canvas, MARGIN_LEFT + 30 * mm, y, value, 9, BOLD)
    return top - 3.2 * mm - len(rows) * 4.8 * mm


def draw_footer(canvas: Canvas, text: str, page: int, pages: int, y: float) -> None:
    """The document named in small type and « Page n / N » if several; a hairline above,
    except just over the coupon's cut line."""
    if y < CUT_Y:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, y + 3.2 * mm, RIGHT, y + 3.2 * mm)
        canvas.restoreState()
    put(canvas, MARGIN_LEFT, y, text, 7, color=MUTED)
    if pages > 1:
        put(canvas, RIGHT, y, f"Page {page} / {pages}", 7, color=MUTED, align="right")


def new_canvas(
    out: object, title: str, author: str, subject: str = "", stamps: bool = False
) -> BillCanvas:
    """An A4 canvas in DejaVu (embedded subsets, never an unembedded Helvetica), invariant;
    `stamps` for a document of many bills (see BillCanvas.stamp)."""
    register_fonts()
    canvas = BillCanvas(
        out,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        pageCompression=1,
        initialFontName=REGULAR,
        initialFontSize=9,
        lang="fr-FR",
        stamps=stamps,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    canvas.setCreator("eticket-desk")
    return canvas
