"""The receipt (quittance) of a counter sale, on A4 or on an 80 mm thermal ticket."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
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
    MARGIN_TOP,
    RULE,
    TINT,
    ListTable,
    NumberedIfSeveralCanvas,
    Styles,
    document_options,
    draw_footer,
    flowing_document,
    letterhead_flowables,
    list_table_style,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD
from eticket_desk.reports.french_text import escape, french_datetime, ticket_count
from eticket_desk.reports.receipt_data import (
    KEEP_IT,
    NOT_REFUNDABLE,
    WALLET,
    ReceiptData,
    method_label,
    receipt_title,
)
from eticket_desk.reports.receipt_ticket import render_ticket
from eticket_desk.rules.money import format_cents

LAYOUTS = ("a4", "ticket")


def _header(data: ReceiptData, st: Styles) -> Table:
    org = data.organisation
    big = st.body.clone("big", fontName=BOLD, fontSize=17, leading=21, textColor=ACCENT)
    number = st.body.clone("number", fontName=BOLD, fontSize=12, leading=15, spaceAfter=3)
    right = [
        Paragraph("QUITTANCE", big),
        Paragraph(f"N° {escape(data.number)}", number),
        Paragraph(f"Le {escape(french_datetime(data.issued_at))}", st.small),
    ]
    desk = " · ".join(t.strip() for t in (data.till_label, data.agent_name) if t.strip())
    if desk:
        right.append(Paragraph(escape(desk), st.small))
    left = letterhead_flowables(org, st, org.regie_name)
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH - 72 * mm, 72 * mm])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("BACKGROUND", (1, 0), (1, 0), TINT),
                ("BOX", (1, 0), (1, 0), 0.8, ACCENT),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
                ("TOPPADDING", (1, 0), (1, 0), 3 * mm),
                ("BOTTOMPADDING", (1, 0), (1, 0), 3 * mm),
            ]
        )
    )
    return table


def _family(data: ReceiptData, st: Styles) -> Table:
    name = st.body.clone("name", fontName=BOLD, fontSize=11, leading=14, spaceAfter=1)
    line = st.body.clone("line", spaceAfter=0)
    left = [
        Paragraph("Reçu de", st.label),
        Paragraph(escape(data.family_name), name),
        *[Paragraph(escape(text), line) for text in data.address_lines if text.strip()],
    ]
    right = [
        Paragraph("Dossier famille", st.label),
        Paragraph(f"<b>{escape(data.family_reference)}</b>", line),
        Spacer(1, 2 * mm),
        Paragraph("Tarif appliqué", st.label),
        Paragraph(escape(data.qf_text), line),
    ]
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH - 72 * mm, 72 * mm])
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 4 * mm),
                ("LINEBEFORE", (1, 0), (1, 0), 0.4, RULE),
            ]
        )
    )
    return table


def _cell(text: str, st: Styles) -> Paragraph:
    return Paragraph(escape(text), st.body.clone("cell", fontSize=9, leading=11.5, spaceAfter=0))


def _lines_table(data: ReceiptData, st: Styles) -> Table:
    rows: list[list] = [["Désignation", "Quantité", "Prix unitaire", "Montant"]]
    for line in data.lines:
        rows.append(
            [
                _cell(line.label, st),
                str(line.quantity),
                format_cents(line.unit_cents),
                format_cents(line.amount_cents),
            ]
        )
    rows.append(["Total", "", "", format_cents(data.total_cents)])
    money = 30 * mm
    table = ListTable(
        rows,
        colWidths=[CONTENT_WIDTH - 22 * mm - 2 * money, 22 * mm, money, money],
        repeatRows=1,
    )
    last = len(rows) - 1
    table.setStyle(
        table_style(
            list_table_style((1, 2, 3), size=9)
            + [
                ("SPAN", (0, last), (2, last)),
                ("FONTNAME", (0, last), (-1, last), BOLD),
                ("FONTSIZE", (0, last), (-1, last), 11),
                ("LINEABOVE", (0, last), (-1, last), 0.9, ACCENT),
                ("LINEBELOW", (0, last), (-1, last), 0, RULE),
                ("TOPPADDING", (0, last), (-1, last), 4),
            ]
        )
    )
    return table


def _payments_table(data: ReceiptData, st: Styles) -> Table | Paragraph:
    if not data.payments:
        return Paragraph("Aucun règlement enregistré.", st.body)
    rows: list[list] = [["Mode de paiement", "Détail", "Montant"]]
    for payment in data.payments:
        rows.append(
            [
                method_label(payment.method),
                _cell(payment.details, st),
                format_cents(payment.amount_cents),
            ]
        )
    money = 30 * mm
    table = Table(rows, colWidths=[36 * mm, CONTENT_WIDTH - 36 * mm - money, money], repeatRows=1)
    table.setStyle(table_style(list_table_style((2,), size=9)))
    return table


def _balances_table(data: ReceiptData, st: Styles) -> Table | Paragraph:
    if not data.balances_after:
        return Paragraph("Aucun ticket prépayé.", st.body)
    rows: list[list] = [["Type de ticket", "Tickets restants"]]
    rows += [[_cell(label, st), ticket_count(count)] for label, count in data.balances_after]
    table = Table(rows, colWidths=[70 * mm, 36 * mm], hAlign="LEFT", repeatRows=1)
    table.setStyle(table_style(list_table_style((1,), size=9)))
    return table


def _notice(st: Styles) -> Table:
    text = st.body.clone("notice", fontName=BOLD, textColor=ACCENT, spaceAfter=0)
    table = Table([[Paragraph(NOT_REFUNDABLE, text)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LINEBEFORE", (0, 0), (0, 0), 2.5, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5 * mm),
            ]
        )
    )
    return table


def _a4_story(data: ReceiptData, st: Styles) -> list[Flowable]:
    section = st.heading.clone("section", spaceBefore=5 * mm, spaceAfter=2 * mm)
    agent = f"Encaissé par {escape(data.agent_name)}" if data.agent_name.strip() else "Encaissé"
    till = f" — caisse : {escape(data.till_label)}" if data.till_label.strip() else ""
    return [
        _header(data, st),
        Spacer(1, 8 * mm),
        _family(data, st),
        CondPageBreak(30 * mm),  # a heading never ends a page without its first rows
        Paragraph("Détail de l'achat" if data.for_tickets else "Factures réglées", section),
        _lines_table(data, st),
        CondPageBreak(30 * mm),
        Paragraph("Règlement", section),
        _payments_table(data, st),
        *(
            [
                KeepTogether([Paragraph(WALLET, section), _balances_table(data, st)]),
                Spacer(1, 6 * mm),
                _notice(st),
            ]
            if data.for_tickets
            else []
        ),
        Spacer(1, 4 * mm),
        Paragraph(f"{agent}{till}, le {escape(french_datetime(data.issued_at))}.", st.body),
    ]


def _render_a4(data: ReceiptData, out: BytesIO) -> None:
    st = styles(10)
    org = data.organisation

    def footer(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        draw_footer(
            canvas,
            [
                f"<b>{escape(receipt_title(data))}</b> · {escape(org.regie_name or org.name)}",
                KEEP_IT,
            ],
            st,
        )

    doc = flowing_document(
        out,
        MARGIN_TOP,
        document_options(
            receipt_title(data), author=org.name, subject=f"Dossier {data.family_reference}"
        ),
    )
    doc.build(
        _a4_story(data, st),
        onFirstPage=footer,
        onLaterPages=footer,
        canvasmaker=NumberedIfSeveralCanvas,
    )


def render(data: ReceiptData, out: Path, layout: str = "a4") -> Path:
    """Write the receipt as a PDF at `out` and return that path.

    ``layout`` is "a4" (a page to hand over or post) or "ticket" (an 80 mm wide roll whose
    length follows the content: nothing is cut and no blank is fed).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown receipt layout {layout!r}")
    pdf = BytesIO()
    if layout == "a4":
        _render_a4(data, pdf)
    else:
        render_ticket(data, pdf)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
