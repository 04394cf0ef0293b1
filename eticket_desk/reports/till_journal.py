"""The till journal: a till session's receipts by payment method and its cash count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib import colors
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
    list_table_style,
    signature_box,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD
from eticket_desk.reports.french_text import escape, french_datetime
from eticket_desk.rules.money import format_cents

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

PROVISIONAL = "Caisse ouverte — journal provisoire"
HEADER = ("N° quittance", "Heure", "Famille", "Espèces", "Chèques", "Carte", "Total")
ALERT = colors.HexColor("#B3261E")
TOP_MARGIN = 20 * mm  # leaves room for the running header of the following pages


@dataclass(frozen=True)
class JournalReceipt:
    number: str
    issued_at: datetime
    family_reference: str
    family_name: str
    cash_cents: int
    cheque_cents: int
    card_cents: int
    total_cents: int
    cancelled: bool = False


@dataclass(frozen=True)
class TillJournalData:
    organisation: OrganisationData
    title: str  # « Journal de caisse du lundi 23 novembre 2026 »
    till_label: str
    agent_name: str
    opened_at: datetime
    closed_at: datetime | None
    float_cents: int
    receipts: tuple[JournalReceipt, ...]
    expected_cash_cents: int
    counted_cash_cents: int | None
    difference_cents: int | None
    difference_note: str
    signed_by: str
    # « À 12 h 10, caisse reprise par … » : each time the till changed hands
    handovers: tuple[str, ...] = ()
    # « 1 quittance reprise du serveur après restauration … » : what the journal must explain
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Totals:
    """The sums of the receipts that count (cancelled ones left out)."""

    count: int
    cancelled: int
    cash_cents: int
    cheque_cents: int
    card_cents: int
    total_cents: int


def totals(receipts: tuple[JournalReceipt, ...]) -> Totals:
    valid = [r for r in receipts if not r.cancelled]
    return Totals(
        count=len(valid),
        cancelled=len(receipts) - len(valid),
        cash_cents=sum(r.cash_cents for r in valid),
        cheque_cents=sum(r.cheque_cents for r in valid),
        card_cents=sum(r.card_cents for r in valid),
        total_cents=sum(r.total_cents for r in valid),
    )


def signed_cents(cents: int) -> str:
    """'+1,00 €', '−2,30 €', '0,00 €': a difference always shows its sign."""
    if cents > 0:
        return f"+{format_cents(cents)}"
    if cents < 0:
        return f"−{format_cents(-cents)}"
    return format_cents(0)


def _counted(count: int) -> str:
    return f"{count} quittance comptée" if count < 2 else f"{count} quittances comptées"


def _cancelled(count: int) -> str:
    if count < 2:
        return f"{count} quittance annulée, non comptée"
    return f"{count} quittances annulées, non comptées"


def _money(cents: int) -> str:
    return format_cents(cents) if cents else "—"


def _time(moment: datetime, day: datetime) -> str:
    if moment.date() == day.date():
        return f"{moment:%H:%M}"
    return f"{moment:%d/%m %H:%M}"


def _heading(data: TillJournalData, st: Styles) -> list[Flowable]:
    org = data.organisation
    title = st.body.clone("title", fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT)
    line = st.body.clone("line", spaceAfter=0)
    closed = (
        f"clôturée le {escape(french_datetime(data.closed_at, weekday=False))}"
        if data.closed_at
        else "<b>non clôturée</b>"
    )
    story: list[Flowable] = [
        Paragraph(f"<b>{escape(org.name or 'Mairie')}</b>", st.org_line),
        Paragraph(escape(org.regie_name), st.org_line),
        Spacer(1, 5 * mm),
        Paragraph(escape(data.title), title),
        Paragraph(
            f"Caisse : <b>{escape(data.till_label)}</b> · ouverte par : "
            f"<b>{escape(data.agent_name)}</b>",
            line,
        ),
        Paragraph(
            f"Ouverte le {escape(french_datetime(data.opened_at, weekday=False))}, {closed}.",
            line,
        ),
        *(Paragraph(escape(text), line) for text in data.handovers),
        *(Paragraph(escape(text), line) for text in data.notes),
    ]
    if data.closed_at is None:
        story += [Spacer(1, 3 * mm), _banner(PROVISIONAL, st)]
    story.append(Spacer(1, 5 * mm))
    return story


def _banner(text: str, st: Styles) -> Table:
    style = st.body.clone("banner", fontName=BOLD, textColor=ALERT, spaceAfter=0)
    table = Table([[Paragraph(escape(text), style)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1, ALERT),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        )
    )
    return table


def _receipts_table(data: TillJournalData, sums: Totals, st: Styles) -> Table:
    cell = st.body.clone("cell", fontSize=8.5, leading=10.5, spaceAfter=0)
    struck = cell.clone("struck", textColor=MUTED)
    rows: list[list] = [list(HEADER)]
    cancelled_rows = []
    for index, r in enumerate(data.receipts, start=1):
        family = f"{escape(r.family_reference)} · {escape(r.family_name)}"
        amounts = [_money(r.cash_cents), _money(r.cheque_cents), _money(r.card_cents)]
        if r.cancelled:
            cancelled_rows.append(index)
            family = f"<strike>{family}</strike> — <b>annulée</b>"
            amounts = [f"({a})" if a != "—" else a for a in amounts]
        rows.append(
            [
                r.number,
                _time(r.issued_at, data.opened_at),
                Paragraph(family, struck if r.cancelled else cell),
                *amounts,
                format_cents(r.total_cents) if not r.cancelled else "annulée",
            ]
        )
    if not data.receipts:
        rows.append(["", "", Paragraph("Aucune quittance.", cell), "", "", "", ""])
    rows.append(
        [
            "Total",
            "",
            f"{sums.count} quittance{'s' if sums.count > 1 else ''}",
            format_cents(sums.cash_cents),
            format_cents(sums.cheque_cents),
            format_cents(sums.card_cents),
            format_cents(sums.total_cents),
        ]
    )
    money = 21 * mm  # room for a day's total in bold: « 12 345,67 € »
    widths = [26 * mm, 12 * mm, CONTENT_WIDTH - 38 * mm - 4 * money] + [money] * 4
    last = len(rows) - 1
    commands = list_table_style((3, 4, 5, 6), size=8.5) + [
        ("ROWBACKGROUNDS", (0, 1), (-1, last - 1), [colors.white, colors.HexColor("#FAFBFD")]),
        ("FONTNAME", (0, last), (-1, last), BOLD),
        ("LINEABOVE", (0, last), (-1, last), 0.9, ACCENT),
        ("BACKGROUND", (0, last), (-1, last), TINT),
    ]
    commands += [("TEXTCOLOR", (0, i), (-1, i), MUTED) for i in cancelled_rows]
    table = ListTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(commands))
    return table


def _summary(sums: Totals, st: Styles) -> list[Flowable]:
    section = st.heading.clone("section", spaceBefore=6 * mm, spaceAfter=2 * mm)
    rows: list[list] = [["Mode de paiement", "Montant"]]
    rows += [
        ["Espèces", format_cents(sums.cash_cents)],
        ["Chèques", format_cents(sums.cheque_cents)],
        ["Carte bancaire", format_cents(sums.card_cents)],
        ["Total encaissé", format_cents(sums.total_cents)],
    ]
    table = Table(rows, colWidths=[60 * mm, 35 * mm], hAlign="LEFT")
    table.setStyle(
        table_style(
            list_table_style((1,), size=9)
            + [("FONTNAME", (0, -1), (-1, -1), BOLD), ("LINEABOVE", (0, -1), (-1, -1), 0.9, ACCENT)]
        )
    )
    story: list[Flowable] = [table]
    if sums.cancelled:
        note = st.small.clone("note", spaceBefore=1.5 * mm)
        story.append(Paragraph(f"{_counted(sums.count)} ; {_cancelled(sums.cancelled)}.", note))
    return [KeepTogether([Paragraph("Totaux par mode de paiement", section), *story])]


def _closing(data: TillJournalData, sums: Totals, st: Styles) -> list[Flowable]:
    section = st.heading.clone("section", spaceBefore=6 * mm, spaceAfter=2 * mm)
    cell = st.body.clone("closing_cell", fontSize=9, leading=11.5, spaceAfter=0)
    rows: list[list] = [
        ["Fonds de caisse", format_cents(data.float_cents)],
        ["Encaissements en espèces", format_cents(sums.cash_cents)],
        ["Espèces attendues", format_cents(data.expected_cash_cents)],
    ]
    commands = [("FONTNAME", (0, 2), (-1, 2), BOLD)]
    if data.closed_at is None:
        story: list[Flowable] = [
            Paragraph("Clôture de la caisse", section),
            _closing_table(rows, commands),
            Spacer(1, 3 * mm),
            _banner(
                f"{PROVISIONAL} : les espèces seront comptées et l'écart établi à la clôture.", st
            ),
        ]
        return [KeepTogether(story)]
    counted = data.counted_cash_cents
    rows.append(
        ["Espèces comptées", format_cents(counted) if counted is not None else "non comptées"]
    )
    difference = data.difference_cents
    if difference is not None:
        kind = " (excédent)" if difference > 0 else " (manquant)" if difference < 0 else ""
        rows.append(["Écart", f"{signed_cents(difference)}{kind}"])
        if difference:
            commands += [("TEXTCOLOR", (0, 4), (-1, 4), ALERT), ("FONTNAME", (0, 4), (-1, 4), BOLD)]
    story = [Paragraph("Clôture de la caisse", section), _closing_table(rows, commands)]
    if data.difference_note.strip():
        story += [
            Spacer(1, 2 * mm),
            Paragraph(f"<b>Explication de l'écart :</b> {escape(data.difference_note)}", cell),
        ]
    closed = french_datetime(data.closed_at)
    story += [
        Spacer(1, 4 * mm),
        Paragraph(f"Clôturé par <b>{escape(data.signed_by)}</b> le {escape(closed)}.", cell),
        Spacer(1, 3 * mm),
        _signatures(data),
    ]
    return [KeepTogether(story)]


def _closing_table(rows: list[list], extra: list[tuple]) -> Table:
    table = Table(rows, colWidths=[60 * mm, 45 * mm], hAlign="LEFT")
    style = list_table_style((1,), size=9)[:4] + [
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    table.setStyle(table_style(style + extra))
    return table


def _signatures(data: TillJournalData) -> Table:
    width = (CONTENT_WIDTH - 10 * mm) / 2
    boxes = [
        signature_box("Signature de l'agent", data.signed_by, width),
        signature_box("Visa du régisseur", "", width),
    ]
    table = Table([boxes], colWidths=[width + 10 * mm, width])
    table.setStyle(
        table_style([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")])
    )
    return table


def render(data: TillJournalData, out: Path) -> Path:
    """Write the journal as an A4 PDF at `out` (as many pages as it takes) and return that path."""
    st = styles(10)
    sums = totals(data.receipts)
    org = data.organisation
    state = "" if data.closed_at else f" — {PROVISIONAL}"

    def first(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        draw_footer(
            canvas, [f"<b>{escape(data.title)}</b>{escape(state)}", escape(org.regie_name)], st
        )

    def later(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        draw_running_header(canvas, f"{data.title} — {data.till_label} (suite)", org.regie_name)
        first(canvas, doc)

    pdf = BytesIO()
    doc = flowing_document(
        pdf, TOP_MARGIN, document_options(data.title, author=org.name, subject=data.till_label)
    )
    story = _heading(data, st) + [_receipts_table(data, sums, st)]
    story += _summary(sums, st) + _closing(data, sums, st)
    doc.build(story, onFirstPage=first, onLaterPages=later, canvasmaker=NumberedCanvas)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out
