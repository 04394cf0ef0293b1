"""Shared layout of the printed documents: page geometry, styles, letterhead, address, footer.
(The French wording helpers are in french_text.py.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.reports.french_text import (
    escape,
)
from eticket_desk.rules.contact import format_phone

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT = 20 * mm
MARGIN_RIGHT = 15 * mm
MARGIN_TOP = 15 * mm
FOOTER_TOP = 22 * mm  # distance from the bottom edge: the footer lives below this line
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5F6368")
ACCENT = colors.HexColor("#1F3A5F")
TINT = colors.HexColor("#F2F5F9")
RULE = colors.HexColor("#C9D3E0")


@dataclass(frozen=True)
class Box:
    """A rectangle measured like a ruler on paper: from the left and from the top edge."""

    left: float
    top: float
    width: float
    height: float


# French DL window envelope (window 45 x 100 mm, 20 mm from the right edge): the address
# block sits 110 mm from the left and 45 mm from the top of an A4 sheet folded in three.
ADDRESS_WINDOW = Box(left=110 * mm, top=45 * mm, width=85 * mm, height=40 * mm)
# The sender's block, top left, beside the address window.
LETTERHEAD = Box(left=MARGIN_LEFT, top=MARGIN_TOP, width=82 * mm, height=70 * mm)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_right: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    heading: ParagraphStyle
    address: ParagraphStyle
    org_name: ParagraphStyle
    org_line: ParagraphStyle
    footer: ParagraphStyle


def styles(size: float = 10) -> Styles:
    """The paragraph styles of every document, around a body font size in points."""
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=size,
        leading=size * 1.38,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=size * 0.6,
        bulletFontName=REGULAR,
        bulletFontSize=size,
    )
    return Styles(
        body=body,
        body_right=ParagraphStyle("body_right", parent=body, alignment=TA_RIGHT),
        small=ParagraphStyle(
            "small",
            parent=body,
            fontSize=size * 0.82,
            leading=size * 1.1,
            textColor=MUTED,
            spaceAfter=0,
        ),
        label=ParagraphStyle(
            "label",
            parent=body,
            fontSize=size * 0.82,
            leading=size * 1.05,
            textColor=MUTED,
            spaceAfter=0,
        ),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            textColor=ACCENT,
            spaceBefore=size * 0.3,
            spaceAfter=size * 0.3,
        ),
        address=ParagraphStyle(
            "address",
            parent=body,
            fontSize=size * 1.05,
            leading=size * 1.4,
            spaceAfter=0,
        ),
        org_name=ParagraphStyle(
            "org_name",
            parent=body,
            fontName=BOLD,
            fontSize=size * 1.3,
            leading=size * 1.6,
            textColor=ACCENT,
            spaceAfter=size * 0.2,
        ),
        org_line=ParagraphStyle(
            "org_line",
            parent=body,
            fontSize=size * 0.88,
            leading=size * 1.22,
            spaceAfter=0,
        ),
        footer=ParagraphStyle(
            "footer",
            parent=body,
            fontSize=7.5,
            leading=9.5,
            textColor=MUTED,
            spaceAfter=0,
        ),
    )


def document_options(title: str, author: str = "", subject: str = "") -> dict:
    """Keyword arguments for a reportlab DocTemplate: A4, metadata, no unembedded font.

    ``invariant`` drops the creation date and random ids, so the same data gives the same
    bytes (stable sample PNGs, comparable files).
    """
    register_fonts()
    return {
        "pagesize": (PAGE_WIDTH, PAGE_HEIGHT),
        "title": title,
        "author": author,
        "subject": subject,
        "creator": "eticket-desk",
        "invariant": True,
        "initialFontName": REGULAR,
        "initialFontSize": 10,
        "lang": "fr-FR",
    }


def flowing_document(out: object, top: float, options: dict) -> SimpleDocTemplate:
    """An A4 document whose body runs from `top` down to the footer line, as wide as
    CONTENT_WIDTH exactly (the frame's own 6 pt padding is taken out of the margins)."""
    pad = 6  # reportlab's default Frame padding
    return SimpleDocTemplate(
        out,
        leftMargin=MARGIN_LEFT - pad,
        rightMargin=MARGIN_RIGHT - pad,
        topMargin=top - pad,
        bottomMargin=FOOTER_TOP + 4 * mm - pad,
        **options,
    )


def organisation_lines(org: OrganisationData) -> list[str]:
    """The sender's postal address and contacts, one line each, blanks left out."""
    town = f"{org.postcode} {org.city}".strip()
    lines = [org.address1, org.address2, town]
    phone = format_phone(org.phone) if org.phone else ""
    if phone:
        lines.append(f"Tél. {phone}")
    if org.email:
        lines.append(org.email)
    return [line.strip() for line in lines if line and line.strip()]


def letterhead_flowables(org: OrganisationData, st: Styles, service: str = "") -> list[Flowable]:
    """The organisation's name, the service writing, its address and contacts."""
    story: list[Flowable] = [Paragraph(escape(org.name or "Mairie"), st.org_name)]
    if service:
        story.append(Paragraph(escape(service), st.org_line))
        story.append(Spacer(1, 1.5 * mm))
    story += [Paragraph(escape(line), st.org_line) for line in organisation_lines(org)]
    return story


def draw_in_box(canvas: Canvas, flowables: Iterable[Flowable], box: Box) -> None:
    """Draw flowables from the top of a fixed box; too much text shrinks, never spills over."""
    frame = KeepInFrame(box.width, box.height, list(flowables), mode="shrink")
    _, height = frame.wrapOn(canvas, box.width, box.height)
    frame.drawOn(canvas, box.left, PAGE_HEIGHT - box.top - height)


def draw_address(canvas: Canvas, name: str, lines: Sequence[str], st: Styles) -> None:
    """The addressee, placed to show through the window of a DL envelope."""
    story = [Paragraph(escape(name), st.address)]
    story += [Paragraph(escape(line), st.address) for line in lines if line]
    draw_in_box(canvas, story, ADDRESS_WINDOW)


def draw_footer(canvas: Canvas, lines: Sequence[str], st: Styles) -> None:
    """A hairline and a few small lines of markup at the foot of the page."""
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_LEFT, FOOTER_TOP, PAGE_WIDTH - MARGIN_RIGHT, FOOTER_TOP)
    canvas.restoreState()
    box = Box(
        left=MARGIN_LEFT,
        top=PAGE_HEIGHT - FOOTER_TOP + 2 * mm,
        width=CONTENT_WIDTH - 25 * mm,
        height=FOOTER_TOP - 8 * mm,
    )
    draw_in_box(canvas, [Paragraph(line, st.footer) for line in lines], box)


class NumberedCanvas(Canvas):
    """A canvas that writes 'Page n / N' bottom right once the page count is known.

    Use as ``doc.build(story, canvasmaker=NumberedCanvas)``.
    """

    always = True  # False: a one-page document prints no page number

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        if total == 1 and not self.always:
            return
        register_fonts()
        self.saveState()
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        self.drawRightString(
            PAGE_WIDTH - MARGIN_RIGHT, FOOTER_TOP - 3.2 * mm, f"Page {self._pageNumber} / {total}"
        )
        self.restoreState()


class NumberedIfSeveralCanvas(NumberedCanvas):
    """'Page n / N' only when the document runs over several pages."""

    always = False


class ListTable(Table):
    """A long list whose page breaks never leave its last rows (a total and the two rows
    above it) alone under the repeated header of a new page."""

    tail = 3

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts = super().split(avail_width, avail_height)
        if len(parts) != 2 or len(self._cellvalues) - len(parts[0]._cellvalues) >= self.tail:
            return parts
        keep = len(self._cellvalues) - self.tail
        if keep <= self.repeatRows:
            return []
        return super().split(avail_width, sum(self._rowHeights[:keep]) + 0.01)


def list_table_style(money_columns: Sequence[int] = (), size: float = 8.5) -> list[tuple]:
    """A list with a tinted header row (repeated on each page), hairlines, money to the right."""
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
        ("BACKGROUND", (0, 0), (-1, 0), TINT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("ALIGN", (col, 0), (col, -1), "RIGHT") for col in money_columns]
    return commands


def table_style(commands: Iterable[tuple]) -> TableStyle:
    """A TableStyle in the documents' font: reportlab sets a cell's font even for a cell that
    holds only paragraphs, and its default (Helvetica) would otherwise enter the PDF unembedded."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


def signature_box(caption: str, name: str, width: float, height: float = 24 * mm) -> Table:
    """A framed space to sign in, its caption (lines split on "\\n") and the signer's name above."""
    st = styles()
    lines = [escape(line) for line in caption.split("\n")]
    if name:
        lines.append(f"<b>{escape(name)}</b>")
    head = Paragraph("<br/>".join(lines), st.small)
    table = Table([[head], [""]], colWidths=[width], rowHeights=[None, height])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 1), (0, 1), 0.6, MUTED),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (0, 0), 1.5 * mm),
            ]
        )
    )
    return table


def draw_running_header(canvas: Canvas, left: str, right: str = "") -> None:
    """A small line of text above the body of the pages after the first, and a hairline."""
    register_fonts()
    y = PAGE_HEIGHT - MARGIN_TOP + 2 * mm
    canvas.saveState()
    canvas.setFont(REGULAR, 7.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN_LEFT, y, left)
    if right:
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, right)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_LEFT, y - 1.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, y - 1.5 * mm)
    canvas.restoreState()
