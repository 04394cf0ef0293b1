"""What every bill (invoice, credit note, reminder letter) shares on paper, drawn straight on a
reportlab canvas: the text helpers, body blocks paginated so the coupon stays whole on the last
page, the letterhead with its logo, the address window, « Comment payer », and the detachable
cheque coupon (cut line with scissors, the fields the trésorerie needs, a Code128 barcode).

The coupon always sits at the same place, at the foot of the last page, so a cut along the
dashed line gives the same slip for every invoice and every reminder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from hashlib import md5
from io import BytesIO
from typing import TYPE_CHECKING, TypeVar

from PIL import Image
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import Color, toColor
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from eticket_desk.reports.common import (
    ACCENT,
    ADDRESS_WINDOW,
    CONTENT_WIDTH,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    TINT,
    french_date,
    organisation_lines,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.rules.money import format_cents

if TYPE_CHECKING:
    from eticket_desk.services.organisation import OrganisationData

T = TypeVar("T")

NOT_STAPLED = "Coupon à joindre à votre chèque — ne pas agrafer"
SCISSORS = "\u2702"  # ✂, in DejaVu Sans
PAYFIP_SITE = "www.payfip.gouv.fr"

COUPON_BOTTOM = 10 * mm  # from the bottom edge of the page
COUPON_HEIGHT = 50 * mm
CUT_Y = COUPON_BOTTOM + COUPON_HEIGHT + 5 * mm

BAR_WIDTH = 0.33 * mm  # 13 mils: read by any counter scanner, and by zbar at 300 dpi
BAR_HEIGHT = 10 * mm
QUIET = 10 * BAR_WIDTH
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


# --- a page of blocks -----------------------------------------------------------------------


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


# --- how to pay -----------------------------------------------------------------------------


def coupon_code(number: str) -> str:
    """The payload of the coupon's Code128 barcode: the invoice number itself, « F-2026-000123 ».

    A counter scanner works as a keyboard: it types the payload and Enter into the focused
    field, so scanning a coupon types exactly the number printed on the invoice and the search
    finds it (a person can type it too). Code128 set B holds every character of a number
    (capitals, digits, hyphen); anything outside printable ASCII is refused here, at print
    time, instead of giving a barcode no scanner can read.
    """
    code = number.strip().upper()
    if not code or any(not 32 < ord(ch) < 127 for ch in code):
        raise ValueError(f"an invoice number must be printable ASCII to be barcoded: {number!r}")
    return code


def treasury_lines(org: OrganisationData) -> list[str]:
    """The trésorerie (service de gestion comptable) that cashes the cheques, one line each."""
    town = f"{org.treasury_postcode} {org.treasury_city}".strip()
    lines = [org.treasury_name, org.treasury_address1, org.treasury_address2, town]
    return [line.strip() for line in lines if line and line.strip()]


def payable_to(org: OrganisationData) -> str:
    return org.payable_to.strip() or "Trésor Public"


def payment_ways(org: OrganisationData, references: Sequence[str]) -> list[tuple[str, str]]:
    """(way, how) of each way to pay the invoices of PayFiP `references` (PayFiP takes one
    invoice per payment; a reminder lists several).

    Online only with a PayFiP id; by transfer only when the organisation has an IBAN (read
    with getattr: the organisation record has no IBAN field yet). The cheque's address is on
    the coupon, the régie's in the letterhead: the texts stay short enough to sit beside the
    totals.
    """
    ways: list[tuple[str, str]] = []
    reference = ", ".join(references)
    if org.payfip_id.strip():
        portal = " ou le portail famille" if org.portal_url.strip() else ""
        which = f"référence {reference}"
        if len(references) > 3:
            which = "la référence de chaque facture (un paiement par facture)"
        elif len(references) > 1:
            which = f"références {reference} (un paiement par facture)"
        ways.append(
            (
                "En ligne",
                f"Par carte bancaire sur {PAYFIP_SITE}{portal} : identifiant collectivité "
                f"{org.payfip_id.strip()}, {which}.",
            )
        )
    send = "envoyé à l'adresse qu'il indique" if treasury_lines(org) else "remis à la régie"
    ways.append(
        (
            "Par chèque",
            f"À l'ordre du {payable_to(org)}, du montant exact, accompagné du coupon de "
            f"paiement, {send}.",
        )
    )
    regie = org.regie_name.strip() or "La régie"
    ways.append(("Au guichet", f"{regie} : espèces, chèque ou carte bancaire."))
    iban = str(getattr(org, "iban", "") or "").strip()
    if iban:
        bic = str(getattr(org, "bic", "") or "").strip()
        ways.append(
            (
                "Par virement",
                f"IBAN {iban}{f', BIC {bic}' if bic else ''}, en indiquant {reference}.",
            )
        )
    return ways


@dataclass(frozen=True)
class PaymentText:
    """« Comment payer » wrapped to a column `width` wide: its height and how to draw it."""

    items: tuple[tuple[str, tuple[str, ...]], ...]
    height: float

    LEADING = 3.4 * mm
    TERM = 20 * mm  # the width of the ways' column

    @classmethod
    def of(cls, org: OrganisationData, reference: str, width: float) -> PaymentText:
        items = tuple(
            (way, tuple(wrap(how, width - cls.TERM, 8)))
            for way, how in payment_ways(org, reference)
        )
        lines = sum(len(lines) + 0.3 for _, lines in items)
        return cls(items, 6.5 * mm + lines * cls.LEADING)

    def draw(self, canvas: Canvas, x: float, top: float) -> None:
        put(canvas, x, top - 3.6 * mm, "Comment payer", 10, BOLD, ACCENT)
        y = top - 8 * mm
        for term, lines in self.items:
            put(canvas, x, y, term, size=8, font=BOLD, color=ACCENT)
            for line in lines:
                put(canvas, x + self.TERM, y, line, size=8)
                y -= self.LEADING
            y -= self.LEADING * 0.3


def payment_block(org: OrganisationData, references: Sequence[str], before=4 * mm) -> Block:
    """« Comment payer » across the page."""
    text = PaymentText.of(org, references, CONTENT_WIDTH)
    return Block(text.height, lambda canvas, top: text.draw(canvas, MARGIN_LEFT, top), before)


# --- the coupon -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coupon:
    """What the slip says. `reference` is the invoice the barcode finds; a reminder's coupon
    also lists in `covers` every invoice the one cheque settles."""

    organisation: OrganisationData
    family_reference: str
    payer: str
    reference: str
    amount_cents: int
    due_on: date
    covers: tuple[str, ...] = ()


def draw_cut_line(canvas: Canvas) -> None:
    """A dashed line across the sheet with the scissors at its left end."""
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.6)
    canvas.setDash(3, 2.5)
    canvas.line(8 * mm, CUT_Y, PAGE_WIDTH - 8 * mm, CUT_Y)
    canvas.setDash()
    canvas.setFillColor("white")
    canvas.rect(12 * mm, CUT_Y - 2.2 * mm, 7 * mm, 4.4 * mm, stroke=0, fill=1)
    canvas.restoreState()
    put(canvas, 13 * mm, CUT_Y - 1.5 * mm, SCISSORS, size=12, color=INK)


def draw_barcode(canvas: Canvas, x: float, y: float, code: str) -> float:
    """The Code128 symbol of `code` with its quiet zones, bottom left at (x, y); its width.

    reportlab's Code128 gives the bars (capitals: a bar of n modules, small letters: a
    space); they are written as one filled path, the way a printer wants them, instead of
    one rectangle object each (a run draws 12,000 barcodes).
    """
    symbol = Code128(code, barWidth=BAR_WIDTH, barHeight=BAR_HEIGHT, quiet=0)
    symbol.wrap(0, 0)  # works out the bars
    left = x + QUIET
    bars = []
    for element in symbol.decomposed:
        wide = (ord(element.upper()) - 64) * BAR_WIDTH
        if element.isupper():
            bars.append(f"{left:.3f} {y:.3f} {wide:.3f} {BAR_HEIGHT:.3f} re")
        left += wide
    canvas.addLiteral("q 0 g\n" + "\n".join(bars) + "\nf Q")
    return left + QUIET - x


def fitted(text: str, width: float, size: float, font: str = BOLD, smallest: float = 6.5):
    """(text, size) that fits on one line `width` wide: smaller type first, then « … »."""
    while text_width(text, font, size) > width and size > smallest:
        size -= 0.5
    while text_width(text, font, size) > width and len(text) > 1:
        text = text[:-2].rstrip() + "…"
    return text, size


def _field(canvas: Canvas, x: float, y: float, label: str, value: str, width: float) -> float:
    """A label and its value beside it, on one line (the slip has no room for more)."""
    put(canvas, x, y, label, size=7.5, color=MUTED)
    text, size = fitted(value, width - 30 * mm, 9)
    put(canvas, x + 30 * mm, y, text, size=size, font=BOLD)
    return y - 4.6 * mm


def draw_coupon(canvas: Canvas, coupon: Coupon) -> None:
    """The cut line and the slip below it, at the foot of the current page."""
    org = coupon.organisation
    stamp(canvas, ("coupon", org), lambda: _coupon_frame(canvas, org))
    top = COUPON_BOTTOM + COUPON_HEIGHT

    # Left: who pays what, and the barcode the counter scans.
    x, width = MARGIN_LEFT + 4 * mm, 94 * mm
    y = top - 16.5 * mm
    y = _field(canvas, x, y, "Dossier famille", coupon.family_reference, width)
    numbers = ", ".join(coupon.covers) if coupon.covers else coupon.reference
    if len(coupon.covers) > 4:  # the letter lists them all
        numbers = f"{coupon.covers[0]} et {len(coupon.covers) - 1} autres"
    label = "Factures n°" if len(coupon.covers) > 1 else "Facture n°"
    y = _field(canvas, x, y, label, numbers, width)
    y = _field(canvas, x, y, "Redevable", coupon.payer, width)
    _field(canvas, x, y, "Échéance", long_date(coupon.due_on), width)
    code = coupon_code(coupon.reference)
    bars = COUPON_BOTTOM + 5.5 * mm
    draw_barcode(canvas, x - QUIET, bars, code)
    put(canvas, x, bars - 3.4 * mm, code, size=7.5)

    # Right: the amount (the rest of that side is the same on every coupon).
    amount = money(coupon.amount_cents)
    put(canvas, RIGHT - 7 * mm, top - 19.6 * mm, amount, 15, BOLD, ACCENT, "right")


def _coupon_frame(canvas: Canvas, org: OrganisationData) -> None:
    """What every coupon of the organisation shows: the cut line, the frame and its title,
    the amount's box, whom the cheque is made out to and where it goes."""
    draw_cut_line(canvas)
    left, right = MARGIN_LEFT, RIGHT
    top = COUPON_BOTTOM + COUPON_HEIGHT
    box_left = left + 102 * mm
    box_width = right - 4 * mm - box_left
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    canvas.rect(left, COUPON_BOTTOM, right - left, COUPON_HEIGHT, stroke=1, fill=0)
    canvas.setFillColor(ACCENT)
    canvas.rect(left, top - 7 * mm, right - left, 7 * mm, stroke=0, fill=1)
    canvas.setFillColor(TINT)
    canvas.rect(box_left, top - 22 * mm, box_width, 12 * mm, stroke=1, fill=1)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(box_left - 4 * mm, COUPON_BOTTOM + 3 * mm, box_left - 4 * mm, top - 10 * mm)
    canvas.restoreState()
    put(canvas, left + 4 * mm, top - 4.8 * mm, "COUPON DE PAIEMENT", 10, BOLD, "white")
    put(canvas, right - 4 * mm, top - 4.8 * mm, NOT_STAPLED, 8.5, BOLD, "white", "right")
    put(canvas, left + 4 * mm, top - 11.5 * mm, org.regie_name or org.name, size=7.5, color=MUTED)
    put(canvas, box_left + 3 * mm, top - 13.6 * mm, "Montant à payer", size=7.5, color=MUTED)
    y = top - 27 * mm
    put(canvas, box_left, y, "Chèque à l'ordre du", size=7.5, color=MUTED)
    put(canvas, box_left + 27 * mm, y, payable_to(org), size=9, font=BOLD)
    lines = treasury_lines(org)
    if lines:
        put(canvas, box_left, y - 4.3 * mm, "à adresser à :", size=7.5, color=MUTED)
        size, leading = 7.5, 3.2 * mm
        parts = [part for line in lines for part in wrap(line, box_width, size)]
        if len(parts) > 5:  # a long trésorerie address still fits the slip
            size, leading = 6.5, 2.6 * mm
            parts = [part for line in lines for part in wrap(line, box_width, size)]
        for index, part in enumerate(parts[:7]):
            put(canvas, box_left, y - 7.6 * mm - index * leading, part, size=size)
