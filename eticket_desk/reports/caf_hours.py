"""The CAF / MSA hours report: per activity, per month, the hours forecast and actual by age
band × regime with the totals (PDF), and the per-child CSV for the partner's site."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from eticket_desk.reports.caf_hours_data import COLUMNS, ActivityHours, CafReport, hour_rows
from eticket_desk.reports.common import (
    ACCENT,
    FOOTER_TOP,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    RULE,
    TINT,
    ListTable,
    Styles,
    document_options,
    list_table_style,
    styles,
    table_style,
)
from eticket_desk.reports.csv_export import NumberText, write_csv_file
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.french_text import escape, french_date, french_time
from eticket_desk.rules.caf_hours import (
    BAND_LABELS,
    REGIME_LABELS,
    AgeBand,
    decimal_hours,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
COUNTING = (
    "Heures comptées selon la règle de la prestation de service : pour chaque jour où l'enfant "
    "est réservé (heures prévues) ou pointé présent (heures réalisées), le créneau déclaré de "
    "l'activité, plafonné le mercredi quand un plafond est indiqué. Une absence, justifiée ou "
    "non, ne compte aucune heure réalisée. La tranche d'âge est celle de l'enfant le jour "
    "même (moins de 6 ans jusqu'à la veille de son sixième anniversaire). Le régime est celui "
    "du dossier de la famille ; un régime non renseigné compte dans « Autre »."
)
CSV_HEADER = (
    "Activité",
    "Mois",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Tranche d'âge",
    "Régime",
    "N° allocataire",
    "Heures prévues",
    "Heures réalisées",
)


def period_text(report: CafReport) -> str:
    return f"Du {french_date(report.first)} au {french_date(report.last)}"


def _table(activity: ActivityHours, st: Styles) -> ListTable:
    head = st.body.clone(
        "head", fontName=BOLD, fontSize=7.5, leading=9, textColor=ACCENT, alignment=TA_CENTER
    )
    top = ["", "", Paragraph(BAND_LABELS[AgeBand.UNDER_6], head), "", ""]
    top += [Paragraph(BAND_LABELS[AgeBand.SIX_AND_OVER], head), "", "", ""]
    second = ["Mois", "Heures", *(REGIME_LABELS[regime] for _band, regime in COLUMNS), "Total"]
    body, starts = hour_rows(activity)
    rows = [top, second, *body]
    last = len(rows) - 1
    commands = list_table_style(range(2, 9), size=8) + [
        ("SPAN", (2, 0), (4, 0)),
        ("SPAN", (5, 0), (7, 0)),
        ("FONTNAME", (0, 0), (-1, 1), BOLD),
        ("TEXTCOLOR", (0, 0), (-1, 1), ACCENT),
        ("BACKGROUND", (0, 0), (-1, 1), TINT),
        ("ALIGN", (2, 1), (-1, 1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, 1), 0.8, ACCENT),
        ("LINEBEFORE", (2, 0), (2, last), 0.4, RULE),
        ("LINEBEFORE", (5, 0), (5, last), 0.4, RULE),
        ("LINEBEFORE", (8, 0), (8, last), 0.4, RULE),
        ("FONTNAME", (8, 2), (8, last), BOLD),
        ("FONTNAME", (0, 2), (0, last), BOLD),
        ("TEXTCOLOR", (1, 2), (1, last), MUTED),
    ]
    for start in starts:
        commands.append(("LINEBELOW", (0, start + 3), (-1, start + 3), 0.6, INK))
    total = last - 1
    commands += [
        ("LINEABOVE", (0, total), (-1, total), 1.2, INK),
        ("BACKGROUND", (0, total), (-1, last), TINT),
        ("FONTNAME", (0, total), (-1, last), BOLD),
    ]
    number = 17.5 * mm
    widths = [CONTENT_WIDTH - 18 * mm - 7 * number, 18 * mm, *[number] * 7]
    table = ListTable(rows, colWidths=widths, repeatRows=2)
    table.setStyle(table_style(commands))
    return table


def _story(report: CafReport, st: Styles) -> list[Flowable]:
    title = st.body.clone("title", fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT)
    sub = st.body.clone("sub", fontName=BOLD, fontSize=11.5, leading=14, spaceBefore=4 * mm)
    line = st.body.clone("line", spaceAfter=1.5)
    story: list[Flowable] = [
        Paragraph(f"<b>{escape(report.commune or 'Mairie')}</b>", st.org_line),
        Spacer(1, 2 * mm),
        Paragraph("Heures CAF / MSA — heures prévues et réalisées", title),
        Paragraph(f"<b>{escape(period_text(report))}</b>", line),
    ]
    if report.printed_at is not None:
        printed = f"{report.printed_at:%d/%m/%Y} à {french_time(report.printed_at)}"
        story.append(Paragraph(f"Imprimé le {printed} par {escape(report.printed_by)}.", line))
    if report.uncounted:
        names = ", ".join(report.uncounted)
        story.append(
            Paragraph(f"<b>Sans créneau déclaré, non comptées :</b> {escape(names)}.", line)
        )
    if not report.activities:
        story.append(Paragraph("Aucune activité n'est déclarée pour la CAF ou la MSA.", line))
    for activity in report.activities:
        heading = Paragraph(
            f"{escape(activity.name)} <font size=9 color='#555555'>— créneau déclaré "
            f"{escape(activity.slot_label)}</font>",
            sub,
        )
        story.append(KeepTogether([heading, Spacer(1, 1.5 * mm), _table(activity, st)]))
    story.append(Paragraph(escape(COUNTING), st.small.clone("note", spaceBefore=4 * mm)))
    return story


def render(report: CafReport, out: Path) -> Path:
    """Writes the report as a portrait A4 PDF at `out` and returns that path."""
    st = styles(10)
    footer = f"Heures CAF / MSA · {report.commune} · {period_text(report)}"

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, FOOTER_TOP, PAGE_WIDTH - MARGIN_RIGHT, FOOTER_TOP)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_LEFT, FOOTER_TOP - 3.2 * mm, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, FOOTER_TOP - 3.2 * mm, f"Page {doc.page}")
        canvas.restoreState()

    pdf = BytesIO()
    options = document_options(
        "Heures CAF / MSA", author=report.commune, subject=period_text(report)
    )
    pad = 6
    doc = SimpleDocTemplate(
        pdf,
        leftMargin=MARGIN_LEFT - pad,
        rightMargin=MARGIN_RIGHT - pad,
        topMargin=MARGIN_TOP - pad,
        bottomMargin=FOOTER_TOP + 4 * mm - pad,
        **options,
    )
    doc.build(_story(report, st), onFirstPage=page, onLaterPages=page)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out


def csv_rows(report: CafReport) -> list[list[object]]:
    """One row per activity, month, child, age band and regime (see docs/caf_hours.md)."""
    names = {activity.activity_id: activity.name for activity in report.activities}
    return [
        [
            names[line.activity_id],
            line.month,
            line.last_name.upper(),
            line.first_name,
            f"{line.birth_date:%d/%m/%Y}" if line.birth_date else "",
            BAND_LABELS[line.band],
            REGIME_LABELS[line.regime],
            line.funder_number,
            NumberText(decimal_hours(line.forecast)),
            NumberText(decimal_hours(line.actual)),
        ]
        for line in report.children
    ]


def write_csv(report: CafReport, out: Path) -> Path:
    """The per-child hours for the partner's site: `;`, UTF-8 with a BOM, decimal comma."""
    return write_csv_file(out, CSV_HEADER, csv_rows(report))
