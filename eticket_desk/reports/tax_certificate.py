"""The tax certificate for the care of children under six (attestation de frais de garde,
article 200 quater B of the CGI), A4: the commune, the family, per child what was paid for
care in the year by activity, the legal mention, « Fait à … le … » and the signatures."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
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
    wrap,
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
from eticket_desk.reports.french_text import town_name

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

TITLE = "Attestation de frais de garde"
ROW = 5.4 * mm
PERIODS_X = 62 * mm
PERIODS_WIDTH = 80 * mm


@dataclass(frozen=True)
class CareLine:
    label: str  # « Garderie matin »
    periods: tuple[str, ...]  # « janvier 2026 », « achat du 12 mars 2026 »
    amount_cents: int


@dataclass(frozen=True)
class CertifiedChild:
    name: str
    birth_date: date
    lines: tuple[CareLine, ...]

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True)
class CertificateData:
    organisation: OrganisationData
    year: int
    family_reference: str
    billing_name: str
    address_lines: tuple[str, ...]
    children: tuple[CertifiedChild, ...]
    issued_on: date
    signer: str = ""
    signer_title: str = "Le régisseur"
    logo: bytes | None = None

    def __post_init__(self) -> None:
        if not self.children or any(c.amount_cents <= 0 for c in self.children):
            raise ValueError("a certificate names at least one child with care paid")

    @property
    def total_cents(self) -> int:
        return sum(child.amount_cents for child in self.children)


def periods_text(periods: Sequence[str]) -> str:
    """« janvier 2026 à novembre 2026 » for many months, the list itself for a few."""
    if len(periods) > 3:
        return f"{periods[0]} à {periods[-1]} ({len(periods)} périodes)"
    return ", ".join(periods)


def _rule(canvas: Canvas, y: float, colour=RULE, width: float = 0.3) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(width)
    canvas.line(MARGIN_LEFT, y, RIGHT, y)
    canvas.restoreState()


def _child_blocks(child: CertifiedChild) -> list[Block]:
    title = f"{child.name}, né(e) le {long_date(child.birth_date)}"
    head = heading_block(title, 10, before=4 * mm)

    def header(canvas: Canvas, top: float) -> None:
        canvas.saveState()
        canvas.setFillColor(TINT)
        canvas.rect(MARGIN_LEFT, top - ROW, CONTENT_WIDTH, ROW, stroke=0, fill=1)
        canvas.restoreState()
        y = top - 3.9 * mm
        put(canvas, MARGIN_LEFT + 1 * mm, y, "Accueil", 8.5, BOLD, ACCENT)
        put(canvas, MARGIN_LEFT + PERIODS_X, y, "Périodes", 8.5, BOLD, ACCENT)
        put(canvas, RIGHT - 1 * mm, y, "Payé pour la garde", 8.5, BOLD, ACCENT, "right")
        _rule(canvas, top - ROW, ACCENT, 0.8)

    table_head = Block(ROW, header, glue=True)

    def row(line: CareLine) -> Block:
        periods = wrap(periods_text(line.periods), PERIODS_WIDTH, 8.5)
        labels = wrap(line.label, PERIODS_X - 3 * mm, 8.5)
        height = ROW + (max(len(periods), len(labels)) - 1) * 3.8 * mm

        def draw(canvas: Canvas, top: float) -> None:
            y = top - 3.9 * mm
            for index, text in enumerate(labels):
                put(canvas, MARGIN_LEFT + 1 * mm, y - index * 3.8 * mm, text, 8.5)
            for index, text in enumerate(periods):
                put(canvas, MARGIN_LEFT + PERIODS_X, y - index * 3.8 * mm, text, 8.5)
            put(canvas, RIGHT - 1 * mm, y, money(line.amount_cents), 8.5, align="right")
            _rule(canvas, top - height)

        return Block(height, draw, repeat=(table_head,))

    def total(canvas: Canvas, top: float) -> None:
        y = top - 4.2 * mm
        put(canvas, MARGIN_LEFT + PERIODS_X, y, f"Total pour {child.name}", 9, BOLD)
        put(canvas, RIGHT - 1 * mm, y, money(child.amount_cents), 9.5, BOLD, ACCENT, "right")

    rows = [row(line) for line in child.lines]
    rows[-1] = dataclasses.replace(rows[-1], glue=True)
    return [head, table_head, *rows, Block(ROW + 1 * mm, total)]


def _signatures(data: CertificateData) -> Block:
    def draw(canvas: Canvas, top: float) -> None:
        put(canvas, MARGIN_LEFT, top - 3.5 * mm, data.signer_title, 9, BOLD)
        if data.signer:
            put(canvas, MARGIN_LEFT, top - 7.8 * mm, data.signer, 9)
        put(canvas, ADDRESS_WINDOW.left, top - 3.5 * mm, "Le Maire (ou son délégué)", 9, BOLD)
        put(canvas, ADDRESS_WINDOW.left, top - 7.8 * mm, "Signature et cachet", 8, REGULAR)

    return Block(28 * mm, draw, before=4 * mm)


def _body(data: CertificateData) -> list[Block]:
    org = data.organisation
    town = town_name(org.city) if org.city else org.name
    who = org.regie_name or org.name or "la commune"
    blocks = [
        *paragraphs(f"{TITLE} — année {data.year}", 12, color=ACCENT, font=BOLD),
        *paragraphs(
            f"Je soussigné(e), {data.signer_title.lower()} ({who}), atteste que "
            f"{data.billing_name} a payé en {data.year}, pour la garde de ses enfants de moins "
            f"de six ans au 1er janvier {data.year}, les sommes suivantes :",
            9,
            before=3 * mm,
            color=INK,
        ),
    ]
    for child in data.children:
        blocks += _child_blocks(child)

    def grand_total(canvas: Canvas, top: float) -> None:
        y = top - 5 * mm
        put(canvas, MARGIN_LEFT, y, f"Total payé pour la garde en {data.year}", 10, BOLD)
        put(canvas, RIGHT - 1 * mm, y, money(data.total_cents), 11, BOLD, ACCENT, "right")
        _rule(canvas, top - 7 * mm, ACCENT, 0.8)

    blocks.append(Block(8 * mm, grand_total, before=4 * mm))
    mention = (
        "Attestation délivrée au titre de l'article 200 quater B du Code général des impôts "
        "(crédit d'impôt pour frais de garde des enfants de moins de 6 ans hors du domicile). "
        "Les sommes indiquées sont celles effectivement payées pendant l'année pour l'accueil "
        "(garderie, accueil périscolaire), déduction faite des remboursements et avoirs ; les "
        "frais de repas (cantine) en sont exclus. À conserver : elle peut vous être demandée "
        "par l'administration fiscale."
    )
    blocks += paragraphs(mention, 8, before=4 * mm, color=INK)
    blocks += paragraphs(
        f"Fait à {town}, le {long_date(data.issued_on)}", 9, before=3 * mm, color=INK
    )
    blocks.append(_signatures(data))
    return blocks


def draw_certificate(canvas: Canvas, data: CertificateData) -> int:
    """Draw the certificate's pages on `canvas` (ending each page); the number of pages."""
    org = data.organisation
    pages = paginate(_body(data), BODY_TOP, LATER_TOP, BODY_BOTTOM, BODY_BOTTOM)
    footer = f"{TITLE} {data.year} · Dossier {data.family_reference} · {org.regie_name or org.name}"
    for index, page in enumerate(pages):
        if index == 0:
            end = draw_letterhead(canvas, org, data.logo)
            draw_address(canvas, data.billing_name, data.address_lines)
            top = min(end - 4 * mm, PAGE_HEIGHT - 62 * mm)
            rows = [("Dossier famille", data.family_reference), ("Année", str(data.year))]
            if org.siret:
                rows.append(("SIRET", org.siret))
            draw_references(canvas, top, rows)
        else:
            draw_running_header(canvas, f"{TITLE} {data.year} (suite)", data.billing_name)
        for block, top in page:
            block.draw(canvas, top)
        draw_footer(canvas, footer, index + 1, len(pages), FOOTER_Y)
        canvas.showPage()
    return len(pages)


def render(data: CertificateData, out: Path) -> Path:
    """Write one family's certificate as an A4 PDF at `out` and return that path."""
    return render_many([data], out, f"Dossier {data.family_reference}")


def render_many(datas: Sequence[CertificateData], out: Path, subject: str = "") -> Path:
    """Several families' certificates one after the other in one PDF (the file to print)."""
    pdf = BytesIO()
    author = datas[0].organisation.name if datas else ""
    canvas = new_canvas(pdf, TITLE, author, subject)
    for data in datas:
        draw_certificate(canvas, data)
    if not datas:
        canvas.showPage()
    canvas.save()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
