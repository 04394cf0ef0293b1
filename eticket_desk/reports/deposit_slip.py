"""The cheque deposit slip (bordereau de remise de chèques) the régie hands to the trésorerie."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from eticket_desk.reports.common import (
    ACCENT,
    CONTENT_WIDTH,
    MUTED,
    RULE,
    TINT,
    ListTable,
    NumberedCanvas,
    Styles,
    document_options,
    draw_footer,
    draw_running_header,
    flowing_document,
    letterhead_flowables,
    list_table_style,
    signature_box,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD
from eticket_desk.reports.french_text import escape, place_and_date, town_name
from eticket_desk.rules.money import format_cents

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

TOP_MARGIN = 20 * mm
HEADER = ("", "N° de chèque", "Banque", "Tireur", "Quittance", "Montant")

_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


@dataclass(frozen=True)
class SlipCheque:
    number: str
    bank: str
    drawer: str
    amount_cents: int
    receipt_number: str


@dataclass(frozen=True)
class DepositSlipData:
    organisation: OrganisationData
    slip_number: str  # "B-2026-0007"
    made_at: datetime
    agent_name: str
    cheques: tuple[SlipCheque, ...]
    total_cents: int
    signer_title: str = "Le régisseur"  # « La régisseuse »

    def __post_init__(self) -> None:
        if self.total_cents != sum(c.amount_cents for c in self.cheques):
            raise ValueError("the slip total is not the sum of its cheques")


# --- amounts in words (French, traditional spelling) ----------------------------------------


def _below_100(n: int, final: bool) -> str:
    if n < 17:
        return _UNITS[n]
    if n < 20:
        return f"dix-{_UNITS[n - 10]}"
    tens, unit = divmod(n, 10)
    if tens == 7:
        return "soixante et onze" if unit == 1 else f"soixante-{_below_100(n - 60, final)}"
    if tens == 8:
        return (
            ("quatre-vingts" if final else "quatre-vingt")
            if unit == 0
            else f"quatre-vingt-{_UNITS[unit]}"
        )
    if tens == 9:
        return f"quatre-vingt-{_below_100(n - 80, final)}"
    word = _TENS[tens]
    if unit == 0:
        return word
    return f"{word} et un" if unit == 1 else f"{word}-{_UNITS[unit]}"


def _below_1000(n: int, final: bool) -> str:
    """`final`: nothing but a noun (euros, millions) follows, so 'cents' and 'vingts' agree."""
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest, final)
    head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
    if rest == 0:
        return f"{head}s" if hundreds > 1 and final else head
    return f"{head} {_below_100(rest, final)}"


def number_in_words(n: int) -> str:
    """312 -> 'trois cent douze'; 80 -> 'quatre-vingts'; 200000 -> 'deux cent mille'."""
    if n < 0:
        raise ValueError("a number in words is never negative here")
    if n == 0:
        return "zéro"
    words: list[str] = []
    for size, noun in ((10**9, "milliard"), (10**6, "million")):
        count, n = divmod(n, size)
        if count:
            words.append(
                f"{number_in_words(count) if count >= 1000 else _below_1000(count, True)} "
                f"{noun}{'s' if count > 1 else ''}"
            )
    thousands, n = divmod(n, 1000)
    if thousands:
        words.append("mille" if thousands == 1 else f"{_below_1000(thousands, False)} mille")
    if n:
        words.append(_below_1000(n, True))
    return " ".join(words)


def amount_in_words(cents: int) -> str:
    """31250 -> 'trois cent douze euros et cinquante centimes'; 50 -> 'cinquante centimes'."""
    if cents < 0:
        raise ValueError("an amount in words is never negative here")
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        of = "d'" if euros >= 10**6 and euros % 10**6 == 0 else ""
        parts.append(
            f"{number_in_words(euros)} {of}euro{'s' if euros > 1 else ''}".replace("' ", "'")
        )
    if rest:
        parts.append(f"{number_in_words(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)


# --- the slip --------------------------------------------------------------------------------


def _title(data: DepositSlipData) -> str:
    return f"Bordereau de remise de chèques n° {data.slip_number}"


def _treasury_lines(org: OrganisationData) -> list[str]:
    town = f"{org.treasury_postcode} {org.treasury_city}".strip()
    lines = [org.treasury_name, org.treasury_address1, org.treasury_address2, town]
    return [line.strip() for line in lines if line and line.strip()]


def _heading(data: DepositSlipData, st: Styles) -> list[Flowable]:
    org = data.organisation
    to_lines = _treasury_lines(org) or ["Trésorerie (adresse à compléter dans les réglages)"]
    to = [Paragraph("Remis à", st.label)] + [
        Paragraph(f"<b>{escape(line)}</b>" if i == 0 else escape(line), st.org_line)
        for i, line in enumerate(to_lines)
    ]
    head = Table(
        [[letterhead_flowables(org, st, org.regie_name), to]],
        colWidths=[CONTENT_WIDTH - 80 * mm, 80 * mm],
    )
    head.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("BOX", (1, 0), (1, 0), 0.6, RULE),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
                ("TOPPADDING", (1, 0), (1, 0), 3 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 3 * mm),
            ]
        )
    )
    title = st.body.clone("title", fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT)
    payable = org.payable_to.strip() or "Trésor Public"
    return [
        head,
        Spacer(1, 8 * mm),
        Paragraph("BORDEREAU DE REMISE DE CHÈQUES", title),
        Paragraph(
            f"<b>N° {escape(data.slip_number)}</b>",
            st.body.clone("number", fontSize=12, leading=15),
        ),
        Paragraph(
            f"Chèques libellés à l'ordre du <b>{escape(payable)}</b>, encaissés par la "
            f"{escape(org.regie_name or 'régie')} et remis pour encaissement.",
            st.body,
        ),
        Spacer(1, 2 * mm),
    ]


def _cheques_table(data: DepositSlipData, st: Styles) -> Table:
    cell = st.body.clone("cell", fontSize=8.5, leading=10.5, spaceAfter=0)
    rows: list[list] = [list(HEADER)]
    for index, cheque in enumerate(data.cheques, start=1):
        rows.append(
            [
                str(index),
                cheque.number,
                Paragraph(escape(cheque.bank), cell),
                Paragraph(escape(cheque.drawer), cell),
                cheque.receipt_number,
                format_cents(cheque.amount_cents),
            ]
        )
    if not data.cheques:
        rows.append(["", "", Paragraph("Aucun chèque.", cell), "", "", ""])
    count = len(data.cheques)
    rows.append(
        [
            "",
            "Total",
            f"{count} chèque{'s' if count > 1 else ''}",
            "",
            "",
            format_cents(data.total_cents),
        ]
    )
    widths = [10 * mm, 24 * mm, 45 * mm, CONTENT_WIDTH - 128 * mm, 26 * mm, 23 * mm]
    table = ListTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            list_table_style((0, 5), size=8.5)
            + [
                ("TEXTCOLOR", (0, 1), (0, -1), MUTED),
                ("FONTNAME", (0, -1), (-1, -1), BOLD),
                ("LINEABOVE", (0, -1), (-1, -1), 0.9, ACCENT),
                ("BACKGROUND", (0, -1), (-1, -1), TINT),
            ]
        )
    )
    return table


def _closing(data: DepositSlipData, st: Styles) -> list[Flowable]:
    org = data.organisation
    count = len(data.cheques)
    words = amount_in_words(data.total_cents)
    width = 80 * mm
    signature = signature_box(
        f"{place_and_date(town_name(org.city), data.made_at.date())}\n{data.signer_title}",
        data.agent_name,
        width,
    )
    reserved = signature_box("Cadre réservé à la trésorerie", "Date de réception et visa", width)
    boxes = Table([[signature, reserved]], colWidths=[CONTENT_WIDTH - width, width])
    boxes.setStyle(
        table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")])
    )
    return [
        KeepTogether(
            [
                Spacer(1, 5 * mm),
                Paragraph(
                    f"Nombre de chèques : <b>{count}</b> — montant total : "
                    f"<b>{escape(format_cents(data.total_cents))}</b>",
                    st.body,
                ),
                Paragraph(
                    f"Arrêté le présent bordereau à la somme de <b>{escape(words)}</b> "
                    f"({escape(format_cents(data.total_cents))}).",
                    st.body,
                ),
                Spacer(1, 5 * mm),
                boxes,
            ]
        )
    ]


def render(data: DepositSlipData, out: Path) -> Path:
    """Write the slip as an A4 PDF at `out` (the cheque list runs on as needed) and return it."""
    st = styles(10)
    org = data.organisation

    def first(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        draw_footer(
            canvas,
            [
                f"<b>{escape(_title(data))}</b> · {escape(org.regie_name)}",
                "Exemplaire à joindre aux chèques remis.",
            ],
            st,
        )

    def later(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        draw_running_header(canvas, f"{_title(data)} (suite)", org.regie_name)
        first(canvas, doc)

    pdf = BytesIO()
    doc = flowing_document(
        pdf, TOP_MARGIN, document_options(_title(data), author=org.name, subject=org.regie_name)
    )
    story = _heading(data, st) + [_cheques_table(data, st)] + _closing(data, st)
    doc.build(story, onFirstPage=first, onLaterPages=later, canvasmaker=NumberedCanvas)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
