"""The 80 mm thermal-ticket layout of the receipt: one page as long as its content."""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer, Table

from eticket_desk.reports.common import (
    MUTED,
    document_options,
    organisation_lines,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.french_text import escape, french_datetime, ticket_count
from eticket_desk.reports.receipt_data import (
    KEEP_IT,
    NOT_REFUNDABLE,
    WALLET,
    ReceiptData,
    method_label,
    receipt_title,
)
from eticket_desk.rules.money import format_cents

TICKET_WIDTH = 80 * mm
TICKET_MARGIN = 4 * mm  # the printable band of an 80 mm roll is about 72 mm
TICKET_TOP = 4 * mm
TICKET_BOTTOM = 8 * mm  # room for the cutter


def _rule(dashed: bool = True) -> HRFlowable:
    return HRFlowable(
        width="100%",
        thickness=0.5,
        color=MUTED,
        dash=(1.5, 1.5) if dashed else None,
        spaceBefore=1.6 * mm,
        spaceAfter=1.6 * mm,
    )


def _two_columns(rows: list[list], width: float, money: float, bold_last: bool = False) -> Table:
    table = Table(rows, colWidths=[width - money, money])
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    if bold_last:
        commands += [("FONTNAME", (0, -1), (-1, -1), BOLD)]
    table.setStyle(table_style(commands))
    return table


def _ticket_story(data: ReceiptData, width: float) -> list[Flowable]:
    st = styles(8)
    body = st.body.clone("t_body", fontSize=8, leading=10, spaceAfter=0)
    small = st.body.clone("t_small", fontSize=7, leading=8.6, spaceAfter=0, textColor=MUTED)
    centre = body.clone("t_centre", alignment=TA_CENTER)
    centre_small = small.clone("t_centre_small", alignment=TA_CENTER)
    bold = body.clone("t_bold", fontName=BOLD)
    org = data.organisation
    money = 19 * mm

    story: list[Flowable] = [
        Paragraph(f"<b>{escape(org.name or 'Mairie')}</b>", centre.clone("t_org", fontSize=9.5)),
    ]
    if org.regie_name:
        story.append(Paragraph(escape(org.regie_name), centre))
    story += [Paragraph(escape(line), centre_small) for line in organisation_lines(org)]
    story += [
        _rule(),
        Paragraph(
            f"<b>QUITTANCE N° {escape(data.number)}</b>",
            centre.clone("t_title", fontSize=10, leading=12.5),
        ),
        Paragraph(escape(french_datetime(data.issued_at)), centre),
        Paragraph(
            escape(" · ".join(t for t in (data.till_label, data.agent_name) if t.strip())),
            centre_small,
        ),
        _rule(),
        Paragraph(f"<b>{escape(data.family_name)}</b>", body),
        Paragraph(f"Dossier {escape(data.family_reference)}", small),
        *[Paragraph(escape(t), small) for t in data.address_lines if t.strip()],
        Paragraph(escape(data.qf_text), small),
        _rule(),
    ]
    line_rows = [
        [
            Paragraph(
                f"{escape(line.label)}<br/><font size='7' color='#5F6368'>"
                f"{line.quantity} × {escape(format_cents(line.unit_cents))}</font>",
                body,
            ),
            format_cents(line.amount_cents),
        ]
        for line in data.lines
    ]
    if line_rows:
        story.append(_two_columns(line_rows, width, money))
    total = _two_columns([["TOTAL", format_cents(data.total_cents)]], width, 30 * mm, True)
    total.setStyle(
        table_style(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("LEADING", (0, 0), (-1, -1), 13),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story += [_rule(dashed=False), total, Spacer(1, 1.5 * mm)]
    pay_rows = [
        [
            Paragraph(
                f"<b>{escape(method_label(p.method))}</b><br/>"
                f"<font size='7' color='#5F6368'>{escape(p.details)}</font>",
                body,
            ),
            format_cents(p.amount_cents),
        ]
        for p in data.payments
    ]
    if pay_rows:
        story.append(_two_columns(pay_rows, width, money))
    if data.for_tickets:
        story += [_rule(), Paragraph(f"<b>{WALLET}</b>", body)]
        balance_rows = [
            [Paragraph(escape(label), body), ticket_count(n)] for label, n in data.balances_after
        ]
        if balance_rows:
            story.append(_two_columns(balance_rows, width, money))
        else:
            story.append(Paragraph("Aucun ticket prépayé.", small))
        story += [_rule(), Paragraph(NOT_REFUNDABLE, bold.clone("t_notice", alignment=TA_CENTER))]
    else:
        story.append(_rule())
    story += [Spacer(1, 1 * mm), Paragraph(KEEP_IT, centre_small)]
    return story


def _measure(story: list[Flowable], width: float) -> float:
    """The height the flowables take stacked top to bottom, their spacing included."""
    height = 0.0
    for index, flowable in enumerate(story):
        _, h = flowable.wrap(width, 1e6)
        before = flowable.getSpaceBefore() if index else 0
        height += before + h + flowable.getSpaceAfter()
    return height


def render_ticket(data: ReceiptData, out: BytesIO) -> None:
    """Draw the ticket into `out`: 80 mm wide, its height measured from the content."""
    width = TICKET_WIDTH - 2 * TICKET_MARGIN
    story = _ticket_story(data, width)
    height = TICKET_TOP + _measure(story, width) + TICKET_BOTTOM
    options = document_options(receipt_title(data), author=data.organisation.name)
    canvas = Canvas(
        out,
        pagesize=(TICKET_WIDTH, height),
        invariant=1,
        initialFontName=options["initialFontName"],
        initialFontSize=8,
        lang=options["lang"],
    )
    canvas.setTitle(options["title"])
    canvas.setAuthor(options["author"])
    canvas.setCreator(options["creator"])
    y = height - TICKET_TOP
    for index, flowable in enumerate(story):
        if index:
            y -= flowable.getSpaceBefore()
        _, h = flowable.wrap(width, 1e6)
        y -= h
        flowable.drawOn(canvas, TICKET_MARGIN, y)
        y -= flowable.getSpaceAfter()
    canvas.showPage()
    canvas.save()
