"""« Comment payer » and the detachable cheque coupon of a bill: the cut line with scissors, the
fields the trésorerie needs, a Code128 barcode of the invoice number.

The coupon always sits at the same place, at the foot of the last page, so a cut along the
dashed line gives the same slip for every invoice and every reminder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.common import (
    ACCENT,
    CONTENT_WIDTH,
    INK,
    MARGIN_LEFT,
    MUTED,
    PAGE_WIDTH,
    RULE,
    TINT,
)
from eticket_desk.reports.fonts import BOLD

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

from eticket_desk.reports.bill_blocks import Block
from eticket_desk.reports.bill_page import (
    COUPON_BOTTOM,
    COUPON_HEIGHT,
    CUT_Y,
    RIGHT,
    long_date,
    money,
    put,
    stamp,
    text_width,
    wrap,
)
from eticket_desk.reports.invoice_datamatrix import SIDE, draw_code_with_caption

NOT_STAPLED = "Coupon à joindre à votre chèque — ne pas agrafer"
SCISSORS = "\u2702"  # ✂, in DejaVu Sans
PAYFIP_SITE = "www.payfip.gouv.fr"
BAR_WIDTH = 0.33 * mm  # 13 mils: read by any counter scanner, and by zbar at 300 dpi
BAR_HEIGHT = 10 * mm
QUIET = 10 * BAR_WIDTH

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
    # The DGFiP « paiement de proximité » string (titres commune, invoice not debited), else "".
    datamatrix: str = ""


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


def _field(
    canvas: Canvas, x: float, y: float, label: str, value: str, width: float, term=30 * mm
) -> float:
    """A label and its value beside it, on one line (the slip has no room for more)."""
    put(canvas, x, y, label, size=7.5, color=MUTED)
    text, size = fitted(value, width - term, 9)
    put(canvas, x + term, y, text, size=size, font=BOLD)
    return y - 4.6 * mm


def draw_coupon(canvas: Canvas, coupon: Coupon) -> None:
    """The cut line and the slip below it, at the foot of the current page."""
    org = coupon.organisation
    stamp(canvas, ("coupon", org), lambda: _coupon_frame(canvas, org))
    top = COUPON_BOTTOM + COUPON_HEIGHT

    # Left: who pays what, and the barcode the counter scans.
    x, width, term = MARGIN_LEFT + 4 * mm, 94 * mm, 30 * mm
    if coupon.datamatrix:  # the tobacconist's code takes the right end of the column
        width, term = width - SIDE - 6 * mm, 22 * mm
    y = top - 16.5 * mm
    y = _field(canvas, x, y, "Dossier famille", coupon.family_reference, width, term)
    numbers = ", ".join(coupon.covers) if coupon.covers else coupon.reference
    if len(coupon.covers) > 4:  # the letter lists them all
        numbers = f"{coupon.covers[0]} et {len(coupon.covers) - 1} autres"
    label = "Factures n°" if len(coupon.covers) > 1 else "Facture n°"
    y = _field(canvas, x, y, label, numbers, width, term)
    y = _field(canvas, x, y, "Redevable", coupon.payer, width, term)
    _field(canvas, x, y, "Échéance", long_date(coupon.due_on), width, term)
    code = coupon_code(coupon.reference)
    bars = COUPON_BOTTOM + 5.5 * mm
    draw_barcode(canvas, x - QUIET, bars, code)
    put(canvas, x, bars - 3.4 * mm, code, size=7.5)
    if coupon.datamatrix:  # at the right end of the column, before the rule
        code_x = MARGIN_LEFT + 92 * mm - SIDE
        draw_code_with_caption(canvas, coupon.datamatrix, code_x, top - 10.5 * mm - SIDE)

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
