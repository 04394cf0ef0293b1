"""The kitchen's meal counts (commande de repas): per day and school, by diet, as PDF and CSV.

How a day is counted: every child booked at the canteen is one meal (« repas inscrits »). The
« dont » columns say how many of those meals carry each mark; a child with several marks (sans
gluten and PAI, say) counts once in each of its columns, so these columns never add up to the
total. Packed meals (panier repas, brought by the family under a PAI) are not cooked:
« repas à préparer » = repas inscrits − paniers repas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table

from eticket_desk.reports.attendance_list import (
    GLUTEN_FREE,
    NO_PORK,
    PACKED_MEAL,
    PAI,
    VEGETARIAN,
)
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
    NumberedCanvas,
    Styles,
    document_options,
    list_table_style,
    styles,
    table_style,
)
from eticket_desk.reports.csv_export import write_csv_file
from eticket_desk.reports.fonts import BOLD, REGULAR
from eticket_desk.reports.french_text import escape, french_date, french_datetime, french_time

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
TOP_MARGIN = 20 * mm
FINAL, PROVISIONAL = "définitif", "PROVISOIRE"
PROVISIONAL_FILL = colors.HexColor("#E3E7EC")  # grey on a black & white laser too
CSV_HEADER = (
    "Date",
    "Jour",
    "École",
    "Repas inscrits",
    "dont sans porc",
    "dont végétarien",
    "dont sans gluten",
    "dont PAI",
    "dont panier repas",
    "Repas à préparer",
    "Statut",
)
COUNTING = (
    "Chaque enfant inscrit compte pour un repas. Les colonnes « dont » détaillent les régimes "
    "et ne s'additionnent pas : un enfant qui a plusieurs régimes (par exemple sans gluten et "
    "PAI) compte dans chacune de ses colonnes. Les paniers repas sont apportés par la famille : "
    "repas à préparer = repas inscrits − paniers repas. Un jour est définitif quand sa date "
    "limite de réservation est passée ; provisoire, ses chiffres peuvent encore changer."
)


@dataclass(frozen=True)
class MealCounts:
    meals: int = 0  # children booked
    no_pork: int = 0
    vegetarian: int = 0
    gluten_free: int = 0
    pai: int = 0
    packed_meal: int = 0

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if min(values) < 0 or max(values[1:], default=0) > self.meals:
            raise ValueError(f"impossible meal counts: {self}")

    @property
    def to_cook(self) -> int:
        return self.meals - self.packed_meal

    def __add__(self, other: MealCounts) -> MealCounts:
        return MealCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def of(cls, children_marks: Iterable[Iterable[str]]) -> MealCounts:
        """The counts of the booked children, given each one's marks (attendance_list.MARKS)."""
        counts = dict.fromkeys((NO_PORK, VEGETARIAN, GLUTEN_FREE, PAI, PACKED_MEAL), 0)
        meals = 0
        for marks in children_marks:
            meals += 1
            for mark in set(marks):
                if mark in counts:
                    counts[mark] += 1
        return cls(meals, *counts.values())


@dataclass(frozen=True)
class SchoolMeals:
    school_name: str
    counts: MealCounts


@dataclass(frozen=True)
class MealDay:
    day: date
    final: bool  # the day's booking deadline has passed: its counts can no longer change
    schools: tuple[SchoolMeals, ...]
    deadline: datetime | None = None  # printed for a provisional day

    @property
    def total(self) -> MealCounts:
        return sum((s.counts for s in self.schools), MealCounts())


@dataclass(frozen=True)
class MealCountsData:
    organisation: OrganisationData
    activity_name: str
    first_day: date
    last_day: date
    printed_at: datetime
    printed_by: str
    days: tuple[MealDay, ...]  # the open days of the range, in order

    @property
    def total(self) -> MealCounts:
        return sum((d.total for d in self.days), MealCounts())


def _counts(c: MealCounts) -> list[int]:
    return [c.meals, c.no_pork, c.vegetarian, c.gluten_free, c.pai, c.packed_meal, c.to_cook]


def _numbers(c: MealCounts) -> list[str]:
    return [str(n) for n in _counts(c)]


def _period(data: MealCountsData) -> str:
    first, last = data.first_day, data.last_day
    if first == last:
        return f"Le {_weekday(first)} {french_date(first)}"
    start = f"{_weekday(first)} {french_date(first)}"
    if first.year == last.year:
        start = start.rsplit(" ", 1)[0]
    return f"Du {start} au {_weekday(last)} {french_date(last)}"


def _weekday(day: date) -> str:
    return format_date(day, "EEEE", locale="fr_FR")


def _title(data: MealCountsData) -> str:
    return f"Commande de repas — {data.activity_name}"


def _heading(data: MealCountsData, st: Styles) -> list[Flowable]:
    title = st.body.clone("title", fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT)
    line = st.body.clone("line", spaceAfter=1.5)
    printed = french_datetime(data.printed_at)
    story: list[Flowable] = [
        Paragraph(f"<b>{escape(data.organisation.name or 'Mairie')}</b>", st.org_line),
        Spacer(1, 2 * mm),
        Paragraph(escape(_title(data)), title),
        Paragraph(f"<b>{escape(_period(data))}</b>", line),
        Paragraph(f"Imprimée le {escape(printed)} par {escape(data.printed_by)}.", line),
    ]
    provisional = [d for d in data.days if not d.final]
    if provisional:
        days = ", ".join(f"{_weekday(d.day)} {d.day:%d/%m}" for d in provisional)
        count = f"{len(provisional)} jour{'s' if len(provisional) > 1 else ''}"
        text = (
            f"<b>Attention : {count} PROVISOIRE{'S' if len(provisional) > 1 else ''}</b> "
            f"({escape(days)}) : les familles peuvent encore réserver ou annuler, ces chiffres "
            "changeront. Réimprimez la commande après la date limite."
        )
        box = Table([[Paragraph(text, st.body.clone("warn", spaceAfter=0))]])
        box.setStyle(
            table_style(
                [
                    ("BOX", (0, 0), (-1, -1), 1.2, INK),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ]
            )
        )
        story += [Spacer(1, 2 * mm), box]
    elif data.days:
        story.append(Paragraph("<b>Tous les jours sont définitifs.</b>", line))
    return [*story, Spacer(1, 4 * mm)]


def _status(day: MealDay, cell) -> Paragraph:
    if day.final:
        return Paragraph(FINAL, cell)
    until = ""
    if day.deadline:
        until = f"<br/>réservations jusqu'au {day.deadline:%d/%m} à {french_time(day.deadline)}"
    return Paragraph(f"<b>{PROVISIONAL}</b>{until}", cell)


def _table(data: MealCountsData, st: Styles) -> Table:
    cell = st.body.clone("cell", fontSize=8.5, leading=10.5, spaceAfter=0)
    head = st.body.clone(
        "head", fontName=BOLD, fontSize=8, leading=9.5, textColor=ACCENT, alignment=TA_RIGHT
    )
    titles = ("Repas inscrits", "sans porc", "végétarien", "sans gluten", "PAI", "panier repas")
    rows: list[list] = [
        ["", "", "", "dont (un enfant peut compter dans plusieurs colonnes)", *[""] * 6],
        ["Jour", "École", *(Paragraph(t, head) for t in (*titles, "Repas à préparer")), "Statut"],
    ]
    commands: list[tuple] = []
    for meal_day in data.days:
        start = len(rows)
        for index, school in enumerate(meal_day.schools):
            day = f"{_weekday(meal_day.day)} {meal_day.day:%d/%m}" if index == 0 else ""
            status = _status(meal_day, cell) if index == 0 else ""
            rows.append([day, Paragraph(escape(school.school_name), cell)])
            rows[-1] += [*_numbers(school.counts), status]
        if len(meal_day.schools) != 1:
            rows.append(["", "Total du jour", *_numbers(meal_day.total), ""])
            commands += [
                ("FONTNAME", (1, len(rows) - 1), (-2, len(rows) - 1), BOLD),
                ("LINEABOVE", (1, len(rows) - 1), (-2, len(rows) - 1), 0.4, MUTED),
            ]
        end = len(rows) - 1
        commands += [
            ("NOSPLIT", (0, start), (-1, end)),
            ("LINEBELOW", (0, end), (-1, end), 0.9, INK),
            ("FONTNAME", (0, start), (0, start), BOLD),
            ("VALIGN", (0, start), (0, end), "TOP"),
            ("VALIGN", (-1, start), (-1, end), "TOP"),
        ]
        if not meal_day.final:
            commands.append(("BACKGROUND", (0, start), (-1, end), PROVISIONAL_FILL))
    if not data.days:
        rows.append(["", Paragraph("Aucun repas sur la période.", cell), *[""] * 8])
    bold = cell.clone("bold", fontName=BOLD)
    status = Paragraph(escape(_period_status(data)), bold)
    rows.append(["Total de la période", "", *_numbers(data.total), status])
    last = len(rows) - 1
    number, status = 21 * mm, 40 * mm
    widths = [27 * mm, CONTENT_WIDTH - 27 * mm - 7 * number - status] + [number] * 7
    commands = (
        list_table_style(range(2, 9), size=8.5)
        + [
            ("SPAN", (3, 0), (7, 0)),
            ("FONTNAME", (0, 0), (-1, 1), BOLD),
            ("TEXTCOLOR", (0, 0), (-1, 1), ACCENT),
            ("BACKGROUND", (0, 0), (-1, 1), TINT),
            ("FONTSIZE", (0, 0), (-1, 0), 7.5),
            ("ALIGN", (3, 0), (7, 0), "CENTER"),
            ("VALIGN", (0, 1), (-1, 1), "BOTTOM"),
            ("LINEBELOW", (3, 0), (7, 0), 0.4, RULE),
            ("LINEBELOW", (0, 0), (2, 0), 0, colors.white),
            ("LINEBELOW", (0, 1), (-1, 1), 0.8, ACCENT),
            ("LINEBEFORE", (2, 0), (2, last), 0.4, RULE),
            ("LINEBEFORE", (8, 0), (9, last), 0.4, RULE),
            ("FONTNAME", (8, 2), (8, last), BOLD),
        ]
        + commands
        + [
            ("FONTNAME", (0, last), (-1, last), BOLD),
            ("LINEABOVE", (0, last), (-1, last), 1.2, INK),
            ("BACKGROUND", (0, last), (-1, last), TINT),
            ("SPAN", (0, last), (1, last)),
        ]
    )
    table = ListTable(rows, colWidths=[*widths, status], repeatRows=2)
    table.setStyle(table_style(commands))
    return table


def _period_status(data: MealCountsData) -> str:
    provisional = sum(1 for d in data.days if not d.final)
    if not provisional:
        return FINAL
    return f"dont {provisional} jour{'s' if provisional > 1 else ''} provisoire{'s' if provisional > 1 else ''}"


class _PagedCanvas(NumberedCanvas):
    """'Page n / N' at the right of a landscape page."""

    def _draw_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        right = self._pagesize[0] - MARGIN_RIGHT
        self.drawRightString(right, FOOTER_TOP - 3.2 * mm, f"Page {self._pageNumber} / {total}")
        self.restoreState()


def render(data: MealCountsData, out: Path) -> Path:
    """Write the meal counts as a landscape A4 PDF at `out` and return that path."""
    st = styles(10)
    printed = f"{data.printed_at:%d/%m/%Y} à {french_time(data.printed_at)}"
    footer = f"{_title(data)} · {_period(data)} · imprimée le {printed} par {data.printed_by}"

    def page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        right = PAGE_WIDTH - MARGIN_RIGHT
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_LEFT, FOOTER_TOP, right, FOOTER_TOP)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_LEFT, FOOTER_TOP - 3.2 * mm, footer)
        if doc.page > 1:
            y = PAGE_HEIGHT - MARGIN_TOP + 2 * mm
            canvas.drawString(MARGIN_LEFT, y, f"{_title(data)} — {_period(data)} (suite)")
            canvas.line(MARGIN_LEFT, y - 1.5 * mm, right, y - 1.5 * mm)
        canvas.restoreState()

    pdf = BytesIO()
    options = document_options(_title(data), author=data.organisation.name, subject=_period(data))
    options["pagesize"] = (PAGE_WIDTH, PAGE_HEIGHT)
    pad = 6
    doc = SimpleDocTemplate(
        pdf,
        leftMargin=MARGIN_LEFT - pad,
        rightMargin=MARGIN_RIGHT - pad,
        topMargin=TOP_MARGIN - pad,
        bottomMargin=FOOTER_TOP + 4 * mm - pad,
        **options,
    )
    note = st.small.clone("note", spaceBefore=3 * mm)
    story = [*_heading(data, st), _table(data, st), Paragraph(escape(COUNTING), note)]
    doc.build(story, onFirstPage=page, onLaterPages=page, canvasmaker=_PagedCanvas)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out


def csv_rows(data: MealCountsData) -> list[list[str | int]]:
    """One row per day and school under CSV_HEADER (no total rows: a spreadsheet sums them);
    the counts as numbers."""
    rows = []
    for meal_day in data.days:
        for school in meal_day.schools:
            rows.append(
                [
                    f"{meal_day.day:%d/%m/%Y}",
                    _weekday(meal_day.day),
                    school.school_name,
                    *_counts(school.counts),
                    FINAL if meal_day.final else "provisoire",
                ]
            )
    return rows


def write_csv(data: MealCountsData, out: Path) -> Path:
    """Write the counts as CSV for Excel: UTF-8 with a BOM (accents), semicolons, French headers."""
    return write_csv_file(out, CSV_HEADER, csv_rows(data))
