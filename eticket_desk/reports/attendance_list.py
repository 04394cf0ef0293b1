"""The daily attendance lists (listes de présence): one per activity, by school and class, to tick.

A day's lists run to thousands of rows, so each school is one flowable that draws its rows
straight on the canvas (one text object, one batch of lines) instead of a platypus Table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
)

from eticket_desk.reports.common import (
    ACCENT,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MUTED,
    RULE,
    document_options,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.reports.french_text import escape, french_datetime, french_time

if TYPE_CHECKING:
    pass

from eticket_desk.reports.attendance_data import (  # noqa: F401 (re-exported)
    BAND_FILL,
    CONFIDENTIAL,
    FOOTER_LINE,
    GLUTEN_FREE,
    KEEP_WHOLE,
    MARKS,
    NO_PORK,
    PACKED_MEAL,
    PAI,
    ROW_MIN,
    TOP_MARGIN,
    VEGETARIAN,
    AttendanceGroup,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
    _title,
    _weekday_date,
    children,
    mark_counts,
)
from eticket_desk.reports.roll_call import (
    Item,
    _class_items,
    _Layout,
    _RollCall,
    _width,
)

# The page's side margins: a landscape list (the evening garderie's, wide rows) keeps less
# white on its sides for the persons who may take the child home.
MARGINS = {"portrait": (MARGIN_LEFT, MARGIN_RIGHT), "landscape": (11 * mm, 9 * mm)}


def _blocks(data: AttendanceListData, layout: _Layout, st) -> list[Flowable]:
    if not data.groups:
        return [Spacer(1, 6 * mm), Paragraph("Aucun enfant inscrit ce jour.", st.body)]
    health = data.show_health
    schools = [
        (name, list(groups)) for name, groups in groupby(data.groups, lambda g: g.school_name)
    ]
    blocks: list[Flowable] = []
    for name, groups in schools:
        items: list[Item] = []
        for group in groups:
            label = f"{name} · {group.class_name or 'sans classe'}"
            items += _class_items(layout, label, _count(group.rows, health), group.rows)
        school_rows = [row for group in groups for row in group.rows]
        items.append(layout.total(f"Total {name} : {_count(school_rows, health)}"))
        blocks.append(_RollCall(layout, f"{name} — {children(len(school_rows))}", items))
    if len(schools) > 1:
        everyone = [row for group in data.groups for row in group.rows]
        total = layout.total(f"Total de la liste : {_count(everyone, health)}")
        blocks[-1].items.append(total)
        blocks[-1].height += total[1]
    if data.waiting:
        label = "Liste d'attente, par ordre d'arrivée"
        count = f"{children(len(data.waiting))}, non comptés dans les totaux"
        items = _class_items(layout, label, count, data.waiting, with_class=True)
        blocks.append(_RollCall(layout, "Liste d'attente", items))
    return blocks


def _count(rows: Sequence[AttendanceRow], health: bool) -> str:
    """'14 enfants', or '14 enfants (dont 2 sans porc, 1 PAI)' on a list showing health data."""
    detail = mark_counts(rows) if health else ""
    return children(len(rows)) + (f" ({detail})" if detail else "")


class _ListStart(Flowable):
    """Tells the canvas which list the following pages belong to (for their headers)."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index, self.width, self.height = index, 0, 0

    def draw(self) -> None:
        self.canv.list_index = self.index


class _ListCanvas(Canvas):
    """Draws each page's running header and footer once every list's page count is known."""

    lists: Sequence[AttendanceListData] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.list_index = 0
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        per_list = Counter(page["list_index"] for page in self._pages)
        seen: Counter = Counter()
        # Every page is written out here: without ASCII85 (a 7-bit dress for the binary
        # streams, a quarter of the rendering time) the PDF is smaller and as valid.
        a85, rl_config.useA85 = rl_config.useA85, 0
        try:
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                seen[self.list_index] += 1
                self._decorate(seen[self.list_index], per_list[self.list_index], number)
                super().showPage()
            super().save()
        finally:
            rl_config.useA85 = a85

    def _decorate(self, page: int, pages: int, number: int) -> None:
        data = self.lists[self.list_index]
        width, height = self._pagesize
        left, right_margin = MARGINS["landscape" if width > height else "portrait"]
        right, y, foot = width - right_margin, height - 10.5 * mm, FOOTER_LINE - 3.2 * mm
        self.saveState()
        self.setFont(BOLD, 8.5)
        self.drawRightString(right, y, f"{data.activity_name} — page {page} / {pages}")
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        if page > 1:
            self.drawString(left, y, f"{_title(data)} — {_weekday_date(data.day)} (suite)")
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.lines([(left, y - 1.5 * mm, right, y - 1.5 * mm)])
        self.lines([(left, FOOTER_LINE, right, FOOTER_LINE)])
        count = f"Document : page {number} / {len(self._pages)}"
        self.drawRightString(right, foot, count)
        printed = f"{data.printed_at:%d/%m/%Y} à {french_time(data.printed_at)}"
        footer = f"{data.activity_name} · {_weekday_date(data.day)} · imprimée le {printed}"
        footer += f" par {data.printed_by}"
        room = right - left - _width(count, REGULAR, 7.5) - 6 * mm
        self.setFont(REGULAR, min(7.5, 7.5 * room / _width(footer, REGULAR, 7.5)))
        self.drawString(left, foot, footer)
        if data.show_health:
            self.setFont(BOLD, 7.5)
            self.drawString(left, foot - 3.4 * mm, CONFIDENTIAL)
        self.restoreState()


def _heading(data: AttendanceListData, st, width: float) -> list[Flowable]:
    """The list's title and day on the left, its counts and who printed it on the right."""
    title = st.body.clone("title", fontName=BOLD, fontSize=14, leading=17, textColor=ACCENT)
    day = st.body.clone("day", fontName=BOLD, fontSize=11, leading=13.5, spaceAfter=0)
    line = st.body.clone("line", fontSize=9, leading=11.5, spaceAfter=0.5)
    rows = [r for g in data.groups for r in g.rows]
    schools = [
        f"{escape(school)} ({sum(len(g.rows) for g in groups)})"
        for school, groups in groupby(data.groups, key=lambda g: g.school_name)
    ]
    summary = f"<b>{children(len(rows))} inscrits</b>" if rows else "<b>Aucun enfant inscrit</b>"
    summary += f" : {', '.join(schools)}." if len(schools) > 1 else "."
    weekday = _weekday_date(data.day)
    left: list[Flowable] = [
        Paragraph(f"<b>{escape(data.organisation.name or 'Mairie')}</b>", st.org_line),
        Paragraph(escape(_title(data)), title.clone("first", spaceAfter=1)),
        Paragraph(escape(weekday[:1].upper() + weekday[1:]), day),
    ]
    right: list[Flowable] = [Paragraph(summary, line)]
    if data.show_health and mark_counts(rows):
        detail = mark_counts(rows).removeprefix("dont ")
        right.append(Paragraph(f"Régimes et PAI : {escape(detail)}.", line))
    if data.waiting:
        waiting = children(len(data.waiting))
        right.append(Paragraph(f"{waiting} en liste d'attente, en fin de liste.", line))
    printed = french_datetime(data.printed_at)
    right.append(Paragraph(f"Imprimée le {escape(printed)} par {escape(data.printed_by)}.", line))
    note = (
        "Cochez Présent ou Absent pour chaque enfant ; notez les nombres sur les lignes de total."
    )
    right.append(Paragraph(note, st.small))
    if data.show_health:
        box = Table([[Paragraph(f"<b>{CONFIDENTIAL}</b>", st.small)]], hAlign="LEFT")
        box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.8, INK)]))
        right += [Spacer(1, 1.5 * mm), box]
    if width < 200 * mm:  # a portrait page: one under the other
        return [*left, Spacer(1, 1.5 * mm), *right]
    titled = stringWidth(_title(data), BOLD, title.fontSize) + 6 * mm
    split = min(0.6 * width, max(0.4 * width, titled))
    heading = Table([[left, right]], colWidths=[split, width - split], hAlign="LEFT")
    heading.setStyle(
        table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)])
    )
    return [heading]


def render(data: AttendanceListData, out: Path) -> Path:
    """Write one activity's list as an A4 PDF at `out` and return that path."""
    return render_lists((data,), out)


def render_lists(lists: Sequence[AttendanceListData], out: Path) -> Path:
    """Write several lists (a day's activities) in one PDF, each from a new page; return `out`.

    Lists that show who may pick the children up print on landscape pages, the others portrait.
    """
    if not lists:
        raise ValueError("no attendance list to print")
    register_fonts()
    st = styles(10)
    orientation = ["landscape" if d.show_pickup else "portrait" for d in lists]
    templates = {o: _template(o) for o in dict.fromkeys(orientation)}
    story: list[Flowable] = []
    for index, data in enumerate(lists):
        if index:
            story += [NextPageTemplate(orientation[index]), PageBreak()]
        layout = _Layout(data, templates[orientation[index]].frames[0]._width)
        story += [_ListStart(index), *_heading(data, st, layout.width), *_blocks(data, layout, st)]
    days = " et du ".join(_weekday_date(d) for d in sorted({d.day for d in lists}))
    title = f"Listes de présence du {days}" if len(lists) > 1 else _title(lists[0])
    options = document_options(title, author=lists[0].organisation.name, subject=days)
    pdf = BytesIO()
    doc = BaseDocTemplate(pdf, pageCompression=1, **options)
    doc.addPageTemplates(list(templates.values()))
    doc.build(story, canvasmaker=type("ListCanvas", (_ListCanvas,), {"lists": tuple(lists)}))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf.getvalue())
    return out


def _template(orientation: str) -> PageTemplate:
    size = landscape(A4) if orientation == "landscape" else A4
    left, right = MARGINS[orientation]
    bottom = FOOTER_LINE + 3 * mm
    width, height = size[0] - left - right, size[1] - TOP_MARGIN - bottom
    frame = Frame(left, bottom, width, height, 0, 0, 0, 0, id=orientation)
    return PageTemplate(id=orientation, frames=[frame], pagesize=size)
