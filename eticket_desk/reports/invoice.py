"""The A4 invoice (facture) or credit note (avoir) of a family: its data, its layout, and the
rendering of one invoice (a whole run: invoice_run.py).

Drawn straight on a reportlab canvas (no platypus: an invoice run draws 6,000 of them), with
the page kit of bill_page.py. The layout is computed once into pages of blocks, then
drawn on any canvas: the invoice's own file and the merged print file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_blocks import Block, heading_block, paginate, paragraphs
from eticket_desk.reports.bill_page import (
    BODY_BOTTOM,
    BODY_TOP,
    COUPON_BODY_BOTTOM,
    COUPON_FOOTER_Y,
    FOOTER_Y,
    LATER_TOP,
    RIGHT,
    draw_address,
    draw_footer,
    draw_letterhead,
    draw_references,
    draw_title_box,
    long_date,
    money,
    new_canvas,
    put,
    text_width,
    wrap,
)
from eticket_desk.reports.common import (
    ACCENT,
    CONTENT_WIDTH,
    INK,
    MARGIN_LEFT,
    MUTED,
    PAGE_HEIGHT,
    RULE,
    TINT,
    draw_running_header,
)
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.invoice_coupon import (
    Coupon,
    PaymentText,
    draw_coupon,
)

if TYPE_CHECKING:
    from eticket_desk.services.organisation import OrganisationData

KINDS = ("invoice", "credit_note")
NOTHING_TO_PAY = "Rien à payer : cette facture est entièrement réglée."
LEADING = 3.6 * mm  # one line of the lines table (8.5 pt)


@dataclass(frozen=True)
class InvoiceLine:
    activity: str  # « Cantine »
    basis: str  # « 12 jours × 3,85 € (tranche 2, QF 640) »
    quantity: int
    unit_cents: int
    amount_cents: int


@dataclass(frozen=True)
class InvoiceChild:
    name: str  # « Léa DUPONT »
    school: str  # « École du Lac — CE2 » (may be empty)
    lines: tuple[InvoiceLine, ...]
    subtotal_cents: int

    def __post_init__(self) -> None:
        if self.subtotal_cents != sum(line.amount_cents for line in self.lines):
            raise ValueError(f"the subtotal of {self.name} is not the sum of its lines")


@dataclass(frozen=True)
class InvoiceData:
    """One family's invoice (« F-2026-000123 ») or credit note (« A-2026-000012 »).

    amount_due = total − paid − credit; a credit note names the invoice it cancels or
    corrects (`refers_to`) and has nothing to pay, hence no coupon.
    """

    organisation: OrganisationData
    kind: str  # "invoice" | "credit_note"
    number: str
    family_reference: str
    billing_name: str
    address_lines: tuple[str, ...]
    issued_on: date
    period_label: str  # « Novembre 2026 », « 1er trimestre 2026-2027 »
    due_on: date | None
    children: tuple[InvoiceChild, ...]
    total_cents: int
    amount_due_cents: int
    paid_cents: int = 0  # already paid (« Déjà réglé »)
    credit_cents: int = 0  # a credit note or overpayment set against it (« Avoir déduit »)
    payment_reference: str = ""  # PayFiP reference; empty: the invoice number
    refers_to: str = ""  # credit note: the invoice number it cancels or corrects
    refers_to_date: date | None = None
    note: str = ""  # a sentence under the totals (e.g. the reason of a credit note)
    logo: bytes | None = None  # PNG or JPEG of the organisation, in the letterhead

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown invoice kind {self.kind!r}")
        if self.total_cents != sum(child.subtotal_cents for child in self.children):
            raise ValueError("the invoice total is not the sum of its lines")
        if self.kind == "credit_note":
            if not self.refers_to or self.amount_due_cents or self.paid_cents or self.credit_cents:
                raise ValueError("a credit note names its invoice and has nothing to pay")
            return
        if min(self.paid_cents, self.credit_cents) < 0:
            raise ValueError("paid and credit amounts are never negative")
        if self.amount_due_cents != self.total_cents - self.paid_cents - self.credit_cents:
            raise ValueError("the amount due is not the total less what is paid and credited")
        if self.amount_due_cents < 0:
            raise ValueError("an amount due is never negative (an overpayment is a credit)")
        if self.due_on is None:
            raise ValueError("an invoice has a due date")

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "credit_note"

    @property
    def reference(self) -> str:
        """What the family quotes to pay online: the PayFiP reference or the number."""
        return self.payment_reference or self.number

    @property
    def has_coupon(self) -> bool:
        return not self.is_credit_note and self.amount_due_cents > 0

    @property
    def title(self) -> str:
        return f"{'Avoir' if self.is_credit_note else 'Facture'} n° {self.number}"


def file_name(data: InvoiceData) -> str:
    """« F-2026-000123.pdf »: the number is unique and sorts like the series."""
    return f"{data.number}.pdf"


# --- the invoice ----------------------------------------------------------------------------

# Right edges of the money columns and the left of the basis column, from the left margin.
COL_BASIS, COL_QTY, COL_UNIT, COL_AMOUNT = 33 * mm, 129 * mm, 151 * mm, CONTENT_WIDTH
HEADER = (("Prestation", 0), ("Détail du calcul", COL_BASIS))
MONEY_HEADER = (("Quantité", COL_QTY), ("Prix unitaire", COL_UNIT), ("Montant", COL_AMOUNT))


def _band(canvas: Canvas, top: float, height: float, fill: object = TINT) -> None:
    canvas.saveState()
    canvas.setFillColor(fill)
    canvas.rect(MARGIN_LEFT, top - height, CONTENT_WIDTH, height, stroke=0, fill=1)
    canvas.restoreState()


def _rule(canvas: Canvas, y: float, left: float = 0, colour: object = RULE, width=0.3) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(width)
    canvas.line(MARGIN_LEFT + left, y, RIGHT, y)
    canvas.restoreState()


def _table_header() -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        _band(canvas, top, 6 * mm)
        _rule(canvas, top - 6 * mm, colour=ACCENT, width=0.8)
        y = top - 4.1 * mm
        for label, x in HEADER:
            put(canvas, MARGIN_LEFT + x + 1 * mm, y, label, 8, BOLD, ACCENT)
        for label, x in MONEY_HEADER:
            put(canvas, MARGIN_LEFT + x - 1 * mm, y, label, 8, BOLD, ACCENT, "right")

    return Block(6 * mm, draw)


def _child_header(child: InvoiceChild, header: Block, continued: bool = False) -> Block:
    name = f"{child.name} (suite)" if continued else child.name

    def draw(canvas: Canvas, top: float) -> None:
        _band(canvas, top - 0.6 * mm, 5.8 * mm, "#E6ECF3")
        put(canvas, MARGIN_LEFT + 1 * mm, top - 4.6 * mm, name, 9, BOLD)
        if child.school:
            x = MARGIN_LEFT + 4 * mm + text_width(name, BOLD, 9)
            put(canvas, x, top - 4.6 * mm, child.school, 8, color=MUTED)

    return Block(6.6 * mm, draw, glue=True, repeat=() if continued else (header,))


def _line_row(line: InvoiceLine, repeat: tuple[Block, ...], glue: bool) -> Block:
    activity = wrap(line.activity, COL_BASIS - 2 * mm, 8.5)
    basis = wrap(line.basis, COL_QTY - COL_BASIS - 16 * mm, 8)
    rows = max(len(activity), len(basis))

    def draw(canvas: Canvas, top: float) -> None:
        y = top - 4 * mm
        for index, text in enumerate(activity):
            put(canvas, MARGIN_LEFT + 1 * mm, y - index * LEADING, text, 8.5)
        for index, text in enumerate(basis):
            put(canvas, MARGIN_LEFT + COL_BASIS + 1 * mm, y - index * LEADING, text, 8, color=MUTED)
        for text, x in ((str(line.quantity), COL_QTY), (money(line.unit_cents), COL_UNIT)):
            put(canvas, MARGIN_LEFT + x - 1 * mm, y, text, 8.5, align="right")
        put(canvas, RIGHT - 1 * mm, y, money(line.amount_cents), 8.5, align="right")
        _rule(canvas, top - rows * LEADING - 1.6 * mm, left=1 * mm)

    return Block(rows * LEADING + 1.6 * mm, draw, glue=glue, repeat=repeat)


def _subtotal(child: InvoiceChild, glue: bool) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        y = top - 4.2 * mm
        put(
            canvas,
            MARGIN_LEFT + COL_UNIT - 1 * mm,
            y,
            f"Sous-total {child.name}",
            8.5,
            align="right",
        )
        put(canvas, RIGHT - 1 * mm, y, money(child.subtotal_cents), 8.5, BOLD, align="right")

    return Block(6.8 * mm, draw, glue=glue)


def _totals(data: InvoiceData) -> Block:
    """The totals on the right and, on an invoice to pay, « Comment payer » beside them."""
    first = "Total de l'avoir" if data.is_credit_note else "Total des prestations"
    rows = [(first, data.total_cents)]
    less = (("Déjà réglé", data.paid_cents), ("Avoir déduit", data.credit_cents))
    rows += [(label, -cents) for label, cents in less if cents]
    final = None if data.is_credit_note else ("Montant à payer", data.amount_due_cents)
    width, row = 70 * mm, 5.4 * mm
    ways = None
    if data.has_coupon:
        ways = PaymentText.of(data.organisation, [data.reference], CONTENT_WIDTH - width - 8 * mm)
    height = len(rows) * row + (7.5 * mm if final else 0)

    def draw(canvas: Canvas, top: float) -> None:
        left, y = RIGHT - width, top - 1 * mm
        for index, (label, cents) in enumerate(rows):
            font = BOLD if data.is_credit_note and index == 0 else REGULAR
            put(canvas, left + 2 * mm, y - 3.9 * mm, label, 9, font)
            put(canvas, RIGHT - 1 * mm, y - 3.9 * mm, money(cents), 9, font, align="right")
            y -= row
        if final:
            canvas.saveState()
            canvas.setFillColor(ACCENT)
            canvas.rect(left, y - 7.5 * mm, width, 7.5 * mm, stroke=0, fill=1)
            canvas.restoreState()
            put(canvas, left + 2 * mm, y - 5.2 * mm, final[0], 10.5, BOLD, "white")
            put(canvas, RIGHT - 1 * mm, y - 5.2 * mm, money(final[1]), 11.5, BOLD, "white", "right")
        if ways:
            ways.draw(canvas, MARGIN_LEFT, top)

    return Block(max(height + 1 * mm, ways.height if ways else 0), draw, before=3 * mm)


def _lines(data: InvoiceData) -> list[Block]:
    header = _table_header()
    blocks = [header]
    for index, child in enumerate(data.children):
        head = _child_header(child, header)
        repeat = (header, _child_header(child, header, continued=True))
        blocks.append(head)
        last = len(child.lines) - 1
        blocks += [_line_row(line, repeat, i == last) for i, line in enumerate(child.lines)]
        blocks.append(_subtotal(child, glue=index == len(data.children) - 1))
    return blocks


def _references(data: InvoiceData) -> list[tuple[str, str]]:
    rows = [("Date d'émission", long_date(data.issued_on)), ("Période", data.period_label)]
    if data.is_credit_note:
        since = f" du {long_date(data.refers_to_date)}" if data.refers_to_date else ""
        rows.append(("Facture concernée", f"{data.refers_to}{since}"))
    else:
        rows.append(("Date d'échéance", long_date(data.due_on)))
    rows.append(("Dossier famille", data.family_reference))
    return rows


@dataclass(frozen=True)
class Layout:
    pages: list[list[tuple[Block, float]]]


def layout(data: InvoiceData) -> Layout:
    """The invoice's body blocks placed on pages (the same for every canvas it is drawn on)."""
    blocks = _lines(data) + [_totals(data)]
    if data.note:
        blocks += paragraphs(data.note, 8.5, before=3 * mm, color=INK)
    if not data.has_coupon and not data.is_credit_note:
        blocks += paragraphs(NOTHING_TO_PAY, 9, before=3 * mm, color=INK)
    mentions = paragraphs(data.organisation.invoice_mentions, 7)
    if mentions:
        blocks += [heading_block("Informations et voies de recours", 8, 4 * mm), *mentions]
    last_bottom = COUPON_BODY_BOTTOM if data.has_coupon else BODY_BOTTOM
    return Layout(paginate(blocks, BODY_TOP, LATER_TOP, BODY_BOTTOM, last_bottom))


def draw_invoice(canvas: Canvas, data: InvoiceData, plan: Layout | None = None) -> int:
    """Draw the invoice's pages on `canvas` (ending each page); the number of pages."""
    plan = plan or layout(data)
    org = data.organisation
    count = len(plan.pages)
    kind = "AVOIR" if data.is_credit_note else "FACTURE"
    if data.is_credit_note:
        lines = [
            f"Montant de l'avoir : {money(data.total_cents)}",
            f"sur la facture n° {data.refers_to}",
        ]
    else:
        lines = [
            f"Montant à payer : {money(data.amount_due_cents)}",
            f"avant le {long_date(data.due_on)}",
        ]
    footer = f"{data.title} · Dossier {data.family_reference} · {org.regie_name or org.name}"
    for index, page in enumerate(plan.pages):
        if index == 0:
            end = draw_letterhead(canvas, org, data.logo)
            draw_title_box(canvas, kind, data.number, lines)
            draw_address(canvas, data.billing_name, data.address_lines)
            top = min(end - 4 * mm, PAGE_HEIGHT - 54 * mm)
            draw_references(canvas, top, _references(data))
        else:
            draw_running_header(canvas, f"{data.title} (suite)", data.billing_name)
        for block, top in page:
            block.draw(canvas, top)
        last = index == count - 1
        if last and data.has_coupon:
            draw_coupon(canvas, _coupon(data))
        y = COUPON_FOOTER_Y if last and data.has_coupon else FOOTER_Y
        draw_footer(canvas, footer, index + 1, count, y)
        canvas.showPage()
    return count


def _coupon(data: InvoiceData) -> Coupon:
    return Coupon(
        organisation=data.organisation,
        family_reference=data.family_reference,
        payer=data.billing_name,
        reference=data.number,
        amount_cents=data.amount_due_cents,
        due_on=data.due_on,
    )


def open_canvas(data: InvoiceData, out: object) -> Canvas:
    org = data.organisation
    return new_canvas(out, data.title, org.name, f"Dossier {data.family_reference}")


def render_bytes(data: InvoiceData) -> bytes:
    """The invoice as PDF bytes (for a preview)."""
    pdf = BytesIO()
    canvas = open_canvas(data, pdf)
    draw_invoice(canvas, data)
    canvas.save()
    return pdf.getvalue()


def render(data: InvoiceData, out: Path) -> Path:
    """Write the invoice or credit note as an A4 PDF at `out` and return that path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render_bytes(data))
    return out
