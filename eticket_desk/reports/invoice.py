"""The A4 invoice (facture) or credit note (avoir) of a family: its data, its layout, and the
rendering of one invoice (a whole run: invoice_run.py).

Drawn straight on a reportlab canvas (no platypus: an invoice run draws 6,000 of them), with
the page kit of bill_page.py. The layout is computed once into pages of blocks, then
drawn on any canvas: the invoice's own file and the merged print file.
"""

from __future__ import annotations

from collections.abc import Iterable
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
)
from eticket_desk.reports.common import (
    ACCENT,
    CONTENT_WIDTH,
    INK,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    draw_running_header,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.reports.invoice_coupon import (
    Coupon,
    PaymentText,
    draw_coupon,
)
from eticket_desk.reports.invoice_debit import DebitNotice, DebitText, title_lines
from eticket_desk.reports.invoice_table import COMPACT, NORMAL, Spacing, table_blocks
from eticket_desk.rules.dgfip_datamatrix import DatamatrixReference, datamatrix_string

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

KINDS = ("invoice", "credit_note")
NOTHING_TO_PAY = "Rien à payer : cette facture est entièrement réglée."


@dataclass(frozen=True)
class InvoiceLine:
    activity: str  # « Cantine »
    basis: str  # « 12 jours × 3,85 € (tranche 2, QF 640) »
    quantity: int
    unit_cents: int
    amount_cents: int
    days: str = ""  # the days billed, printed under the line: « 3, 4, 6 et 10 novembre »


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
    debit: DebitNotice | None = None  # a family on SEPA direct debit: no coupon, the notice
    # The titre's references for the DGFiP « paiement de proximité » code: only on an invoice
    # of a titres commune that is not debited (services decide; None prints no code).
    datamatrix: DatamatrixReference | None = None

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
        return not self.is_credit_note and self.amount_due_cents > 0 and self.debit is None

    @property
    def is_debited(self) -> bool:
        """Debit notice instead of the coupon: what is left to pay is debited (SEPA)."""
        return not self.is_credit_note and self.amount_due_cents > 0 and self.debit is not None

    @property
    def proximity_code(self) -> str:
        """The datamatrix string for what is left to pay, "" when none is printed."""
        if self.datamatrix is None or not self.has_coupon:
            return ""
        return datamatrix_string(self.datamatrix, self.amount_due_cents)

    @property
    def title(self) -> str:
        return f"{'Avoir' if self.is_credit_note else 'Facture'} n° {self.number}"


def children_of(rows: Iterable[tuple[str, str, InvoiceLine]]) -> tuple[InvoiceChild, ...]:
    """The invoice's children from its lines in print order (child name, school, line): one
    grouping for the desk's frozen rows and the copy the server keeps, so both print alike."""
    lines: dict[str, list[InvoiceLine]] = {}
    schools: dict[str, str] = {}
    for name, school, line in rows:
        lines.setdefault(name, []).append(line)
        schools[name] = school
    return tuple(
        InvoiceChild(name, schools[name], tuple(rows), sum(r.amount_cents for r in rows))
        for name, rows in lines.items()
    )


def file_name(data: InvoiceData) -> str:
    """« F-2026-000123.pdf »: the number is unique and sorts like the series."""
    return f"{data.number}.pdf"


# --- the invoice ----------------------------------------------------------------------------


def _totals(data: InvoiceData, space: Spacing) -> Block:
    """The totals on the right and, on an invoice to pay, « Comment payer » beside them."""
    first = "Total de l'avoir" if data.is_credit_note else "Total des prestations"
    rows = [(first, data.total_cents)]
    less = (("Déjà réglé", data.paid_cents), ("Avoir déduit", data.credit_cents))
    rows += [(label, -cents) for label, cents in less if cents]
    final = None if data.is_credit_note else ("Montant à payer", data.amount_due_cents)
    if data.is_debited:
        final = ("Montant prélevé", data.amount_due_cents)
    width, row = 70 * mm, 5.4 * mm
    ways: PaymentText | DebitText | None = None
    if data.has_coupon:
        ways = PaymentText.of(data.organisation, [data.reference], CONTENT_WIDTH - width - 8 * mm)
    elif data.is_debited:
        ways = DebitText.of(data.debit, data.amount_due_cents, CONTENT_WIDTH - width - 8 * mm)
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

    tall = max(height + 1 * mm, ways.height if ways else 0)
    return Block(tall, draw, before=space.gap, with_coupon=True)


def _references(data: InvoiceData) -> list[tuple[str, str]]:
    rows = [("Date d'émission", long_date(data.issued_on)), ("Période", data.period_label)]
    if data.is_credit_note:
        since = f" du {long_date(data.refers_to_date)}" if data.refers_to_date else ""
        rows.append(("Facture concernée", f"{data.refers_to}{since}"))
    elif data.is_debited:
        rows.append(("Prélèvement le", long_date(data.debit.debit_on)))
    else:
        rows.append(("Date d'échéance", long_date(data.due_on)))
    rows.append(("Dossier famille", data.family_reference))
    return rows


@dataclass(frozen=True)
class Layout:
    pages: list[list[tuple[Block, float]]]


def layout(data: InvoiceData) -> Layout:
    """The invoice's body blocks placed on pages (the same for every canvas it is drawn on);
    set tighter when that saves a page (the coupon then shares the page of the totals)."""
    register_fonts()  # the text is measured
    plan = _layout(data, NORMAL)
    if len(plan.pages) > 1:
        compact = _layout(data, COMPACT)
        if len(compact.pages) < len(plan.pages):
            return compact
    return plan


def _layout(data: InvoiceData, space: Spacing) -> Layout:
    blocks = table_blocks(data.children, space) + [_totals(data, space)]
    if data.note:
        blocks += paragraphs(data.note, 8.5, before=space.gap, color=INK)
    if not data.has_coupon and not data.is_debited and not data.is_credit_note:
        blocks += paragraphs(NOTHING_TO_PAY, 9, before=space.gap, color=INK)
    mentions = paragraphs(data.organisation.invoice_mentions, space.mentions)
    if mentions:
        heading = heading_block("Informations et voies de recours", 8, space.gap + 1 * mm)
        blocks += [heading, *mentions]
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
    elif data.is_debited:
        lines = title_lines(data.debit, data.amount_due_cents)
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
        datamatrix=data.proximity_code,
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
