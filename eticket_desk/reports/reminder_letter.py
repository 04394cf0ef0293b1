"""The first reminder letter (lettre de relance) to a family with unpaid invoices, A4, with
the list of what remains due, how to pay, and one cheque coupon for the whole amount.

Why one coupon for the total, barcoded with the oldest invoice's number: a family answers a
reminder with one cheque, and the trésorerie accepts one cheque for several debts of the same
debtor when the slip says which ones. The coupon therefore lists every invoice number it
settles, and its barcode finds the oldest, from which the counter sees the family's unpaid
invoices. The payment is allocated to the oldest debt first, which is also the rule of the
Code civil when the debtor does not say otherwise (art. 1342-10: « à égalité d'intérêt,
l'imputation se fait sur la plus ancienne »). One coupon per invoice would not fit the page
and would invite as many cheques.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_blocks import Block, paginate, paragraphs
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
    long_date,
    money,
    new_canvas,
    put,
)
from eticket_desk.reports.common import (
    ACCENT,
    ADDRESS_WINDOW,
    CONTENT_WIDTH,
    INK,
    MARGIN_LEFT,
    PAGE_HEIGHT,
    RULE,
    TINT,
    draw_running_header,
)
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.french_text import place_and_date, town_name
from eticket_desk.reports.invoice_coupon import (
    Coupon,
    draw_coupon,
    payment_block,
)

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

TITLE = "Rappel — factures impayées"
# (label, x from the left margin, alignment): text columns start at x, money ends at x.
COLUMNS = (
    ("N° de facture", 1 * mm, "left"),
    ("Date", 31 * mm, "left"),
    ("Échéance", 67 * mm, "left"),
    ("Montant", 120 * mm, "right"),
    ("Déjà réglé", 147 * mm, "right"),
    ("Reste dû", CONTENT_WIDTH - 1 * mm, "right"),
)
ROW = 5.4 * mm


@dataclass(frozen=True)
class ReminderInvoice:
    number: str
    issued_on: date
    due_on: date
    amount_cents: int
    paid_cents: int = 0

    @property
    def remaining_cents(self) -> int:
        return self.amount_cents - self.paid_cents


@dataclass(frozen=True)
class ReminderData:
    organisation: OrganisationData
    family_reference: str
    billing_name: str
    address_lines: tuple[str, ...]
    issued_on: date
    pay_by: date  # the new deadline the letter gives
    invoices: tuple[ReminderInvoice, ...]  # the unpaid ones, any order (printed oldest first)
    total_remaining_cents: int
    signer: str = ""
    signer_title: str = "Le régisseur"
    logo: bytes | None = None

    def __post_init__(self) -> None:
        if not self.invoices:
            raise ValueError("a reminder lists at least one unpaid invoice")
        if any(inv.remaining_cents <= 0 or inv.paid_cents < 0 for inv in self.invoices):
            raise ValueError("a reminder lists only invoices with something left to pay")
        if self.total_remaining_cents != sum(inv.remaining_cents for inv in self.invoices):
            raise ValueError("the reminder total is not the sum of what remains due")

    @property
    def oldest_first(self) -> tuple[ReminderInvoice, ...]:
        return tuple(sorted(self.invoices, key=lambda inv: (inv.issued_on, inv.number)))

    @property
    def coupon(self) -> Coupon:
        invoices = self.oldest_first
        return Coupon(
            organisation=self.organisation,
            family_reference=self.family_reference,
            payer=self.billing_name,
            reference=invoices[0].number,
            amount_cents=self.total_remaining_cents,
            due_on=self.pay_by,
            covers=tuple(inv.number for inv in invoices),
        )


def _cells(canvas: Canvas, row: tuple[str, ...], top: float, font=REGULAR, colour=INK) -> None:
    for text, (_, x, align) in zip(row, COLUMNS, strict=True):
        put(canvas, MARGIN_LEFT + x, top - 3.9 * mm, text, 8.5, font, colour, align)


def _line(canvas: Canvas, y: float, colour=RULE, width: float = 0.3) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(width)
    canvas.line(MARGIN_LEFT, y, RIGHT, y)
    canvas.restoreState()


def _table(data: ReminderData) -> list[Block]:
    """The unpaid invoices, oldest first: a header repeated on each page, a row each, the
    total kept with the last row."""

    def header(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.rect(MARGIN_LEFT, top - ROW, CONTENT_WIDTH, ROW, stroke=0, fill=1)
        canvas.restoreState()
        _line(canvas, top - ROW, ACCENT, 0.8)
        _cells(canvas, tuple(column[0] for column in COLUMNS), top, BOLD, ACCENT)

    def row(inv: ReminderInvoice) -> Callable[[Canvas, float], None]:
        cells = (
            inv.number,
            long_date(inv.issued_on),
            long_date(inv.due_on),
            money(inv.amount_cents),
            money(inv.paid_cents) if inv.paid_cents else "—",
            money(inv.remaining_cents),
        )

        def draw(canvas: Canvas, top: float) -> None:
            _cells(canvas, cells, top)
            _line(canvas, top - ROW)

        return draw

    def total(canvas: Canvas, top: float) -> None:
        y = top - 4.6 * mm
        put(canvas, MARGIN_LEFT + COLUMNS[4][1], y, "Total restant dû", 9.5, BOLD, align="right")
        amount = money(data.total_remaining_cents)
        put(canvas, RIGHT - 1 * mm, y, amount, 10, BOLD, ACCENT, "right")

    head = Block(ROW, header, before=1 * mm, glue=True)
    rows = [Block(ROW, row(inv), repeat=(head,)) for inv in data.oldest_first]
    rows[-1] = dataclasses.replace(rows[-1], glue=True)
    return [head, *rows, Block(ROW + 1 * mm, total)]


def _signature(data: ReminderData) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        x = ADDRESS_WINDOW.left
        put(canvas, x, top - 3.5 * mm, data.signer_title, 9)
        if data.signer:
            put(canvas, x, top - 7.8 * mm, data.signer, 9, BOLD)

    return Block(10 * mm, draw, before=2 * mm)


def _letter(data: ReminderData) -> list[Block]:
    org = data.organisation
    total, by = money(data.total_remaining_cents), long_date(data.pay_by)
    treasury = org.treasury_name.strip() or "le service de gestion comptable"
    count = len(data.invoices)
    which = "les factures ci-dessous restent" if count > 1 else "la facture ci-dessous reste"
    body = [
        f"Sauf erreur ou omission de notre part, {which} impayée{'s' if count > 1 else ''} à ce "
        f"jour, bien que la date d'échéance soit passée :",
    ]
    after = [
        f"Nous vous remercions de bien vouloir régler la somme de {total} avant le {by}. Si "
        "votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir compte "
        "de ce courrier.",
        "À défaut de règlement à cette date, un titre de recettes sera émis et son recouvrement "
        f"confié au comptable public ({treasury}), qui pourra engager des poursuites, avec les "
        "frais qu'elles entraînent. En cas de difficulté, prenez contact avec la régie : une "
        "solution pourra être recherchée avec vous.",
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    ]
    blocks = [
        _dated(place_and_date(town_name(org.city), data.issued_on)),
        *_plain(f"Objet : {TITLE.lower().capitalize()}", font=BOLD, before=1 * mm),
        *_plain("Madame, Monsieur,", before=2.5 * mm),
    ]
    for text in body:
        blocks += _plain(text)
    blocks += _table(data)
    for text in after:
        blocks += _plain(text, before=2.5 * mm)
    blocks.append(_signature(data))
    blocks.append(payment_block(org, [inv.number for inv in data.oldest_first]))
    return blocks


def _dated(text: str) -> Block:
    """« Val-d'Arve-les-Bains, le 18 janvier 2027 », under the address."""
    return Block(
        5 * mm, lambda canvas, top: put(canvas, ADDRESS_WINDOW.left, top - 3.4 * mm, text, 9)
    )


def _plain(text: str, font: str = REGULAR, before: float = 1.5 * mm) -> list[Block]:
    return paragraphs(text, 9, before=before, color=INK, font=font)


def draw_reminder(canvas: Canvas, data: ReminderData) -> int:
    """Draw the letter's pages on `canvas` (ending each page); the number of pages."""
    org = data.organisation
    pages = paginate(_letter(data), BODY_TOP, LATER_TOP, BODY_BOTTOM, COUPON_BODY_BOTTOM)
    footer = f"{TITLE} · Dossier {data.family_reference} · {org.regie_name or org.name}"
    for index, page in enumerate(pages):
        if index == 0:
            end = draw_letterhead(canvas, org, data.logo)
            draw_address(canvas, data.billing_name, data.address_lines)
            top = min(end - 4 * mm, PAGE_HEIGHT - 62 * mm)
            rows = [("Dossier famille", data.family_reference)]
            draw_references(canvas, top, rows)
        else:
            draw_running_header(canvas, f"{TITLE} (suite)", data.billing_name)
        for block, top in page:
            block.draw(canvas, top)
        last = index == len(pages) - 1
        if last:
            draw_coupon(canvas, data.coupon)
        draw_footer(canvas, footer, index + 1, len(pages), COUPON_FOOTER_Y if last else FOOTER_Y)
        canvas.showPage()
    return len(pages)


def render(data: ReminderData, out: Path) -> Path:
    """Write the reminder letter as an A4 PDF at `out` and return that path."""
    pdf = BytesIO()
    canvas = new_canvas(pdf, TITLE, data.organisation.name, f"Dossier {data.family_reference}")
    draw_reminder(canvas, data)
    canvas.save()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
