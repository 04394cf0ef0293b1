"""The daily attendance lists (listes de présence): one per activity, by school and class, to tick.

A day's lists run to thousands of rows, so each school is one flowable that draws its rows
straight on the canvas (one text object, one batch of lines) instead of a platypus Table.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
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
    FOOTER_TOP,
    INK,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    MUTED,
    RULE,
    document_options,
    escape,
    french_date,
    french_datetime,
    french_time,
    styles,
    table_style,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.rules.contact import format_phone

if TYPE_CHECKING:
    from eticket_desk.services.organisation import OrganisationData

# The diet and care marks a row may carry, in the order they print.
NO_PORK = "sans porc"
VEGETARIAN = "végétarien"
GLUTEN_FREE = "sans gluten"
PAI = "PAI"  # projet d'accueil individualisé
PACKED_MEAL = "panier repas"
MARKS = (NO_PORK, VEGETARIAN, GLUTEN_FREE, PAI, PACKED_MEAL)
_PLURALS = {VEGETARIAN: "végétariens", PACKED_MEAL: "paniers repas"}

TOP_MARGIN = 20 * mm  # room for the running header above the body
SIZE, SMALL, LINE, PAD = 8.5, 7.2, 1.2, 2.5  # font sizes, line height (in sizes), cell padding
ROW_MIN = 7 * mm  # room to tick
HEADING, TITLES, BAND, NOTE = 24.0, 14.0, 15.0, 12.0  # heights of the block's parts
MIN_HEAD, MIN_TAIL = 3, 2  # rows a class keeps under its band, and together at its end
KEEP_WHOLE = 6  # a class this small never splits over two pages
BAND_FILL = colors.HexColor("#E3E7EC")  # a light grey that a black & white laser keeps
CONFIDENTIAL = "Document confidentiel : contient des données de santé. Ne pas afficher."


@dataclass(frozen=True)
class PickupPerson:
    """Someone allowed to take the child home: 'MARTIN Sophie (grand-mère) 06 12 34 56 78'."""

    name: str
    relation: str = ""
    phone: str = ""  # E.164 as stored ('+33612345678'), printed the French way


@dataclass(frozen=True)
class AttendanceRow:
    last_name: str
    first_name: str
    class_name: str
    age: int | None  # in years on the day, computed by the service
    marks: tuple[str, ...] = ()  # of MARKS; printed only when the list shows health data
    allergies: str = ""  # printed only when the list shows health data
    pickup: tuple[PickupPerson, ...] = ()  # printed only when the list shows them
    emergency_name: str = ""  # 'MARTIN Sophie (mère)'
    emergency_phone: str = ""  # E.164 as stored
    booked_late: bool = False  # booked after the families' deadline (an agent's override)


@dataclass(frozen=True)
class AttendanceGroup:
    school_name: str
    class_name: str
    rows: tuple[AttendanceRow, ...]


@dataclass(frozen=True)
class AttendanceListData:
    organisation: OrganisationData
    activity_name: str
    day: date
    printed_at: datetime
    printed_by: str
    show_health: bool  # the printing role may see diets, allergies and PAI
    show_pickup: bool  # evening garderie: who may take the child home (landscape pages)
    groups: tuple[AttendanceGroup, ...]  # in print order: by school, then class
    waiting: tuple[AttendanceRow, ...] = ()  # in waiting order: printed last, never counted


def children(count: int) -> str:
    """'0 enfant', '1 enfant', '14 enfants'."""
    return f"{count} enfant" if count < 2 else f"{count} enfants"


def mark_counts(rows: Sequence[AttendanceRow]) -> str:
    """'dont 2 sans porc, 1 PAI' (a child with several marks counts once under each)."""
    counts = Counter(mark for row in rows for mark in set(row.marks))
    parts = [
        f"{counts[m]} {_PLURALS.get(m, m) if counts[m] > 1 else m}" for m in MARKS if counts[m]
    ]
    return f"dont {', '.join(parts)}" if parts else ""


@lru_cache(maxsize=64)
def _weekday_date(day: date) -> str:
    return f"{format_date(day, 'EEEE', locale='fr_FR')} {french_date(day)}"


def _title(data: AttendanceListData) -> str:
    return f"Liste de présence — {data.activity_name}"


_WIDTHS: dict[str, defaultdict] = {}


def _width(text: str, font: str, size: float) -> float:
    """pdfmetrics.stringWidth, several times faster (it runs for every string of a day)."""
    widths = _WIDTHS.get(font)
    if widths is None:
        register_fonts()
        face = pdfmetrics.getFont(font).face
        widths = _WIDTHS[font] = defaultdict(lambda: face.defaultWidth, face.charWidths)
    return sum(map(widths.__getitem__, map(ord, text))) * size / 1000


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap on plain spaces (a phone's no-break spaces keep it on one line)."""
    if _width(text, font, size) <= width:
        return [text]
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and _width(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line]


def _phone(e164: str) -> str:
    return format_phone(e164).replace(" ", "\u00a0")


class _Layout:
    """The columns of one list, and its rows cut into lines placed in their cells."""

    def __init__(self, data: AttendanceListData, width: float) -> None:
        spec = [("number", "N°", 7), ("child", "Enfant", 0), ("class", "Classe", 11)]
        spec.append(("age", "Âge", 12))
        if data.show_health:
            spec.append(("health", "Régime, allergies, PAI", 35))
        if data.show_pickup:
            spec.append(("pickup", "Autorisés à venir chercher l'enfant", 72))
        spec += [("emergency", "Urgence", 40), ("present", "Présent", 14), ("absent", "Absent", 14)]
        spare = width - sum(w for _, _, w in spec) * mm
        child = min(spare, 50 * mm)
        grow = "pickup" if data.show_pickup else "emergency"
        self.x, self.widths, self.titles, x = {}, {}, [], 0.0
        for key, title, w in spec:
            w = child if key == "child" else w * mm + (spare - child if key == grow else 0)
            self.x[key], self.widths[key] = x, w
            self.titles.append((x + PAD, title))
            x += w
        self.width, self.data = width, data

    def _lines(self, key: str, text: str, font: str = REGULAR, size: float = SIZE) -> list:
        width = self.widths[key] - 2 * PAD
        return [(key, font, size, line) for line in _wrap(text, font, size, width)] if text else []

    def row(self, r: AttendanceRow, number: int) -> tuple[float, list]:
        """The row's height and its strings: (x, depth of the baseline under the row's top,
        font, size, text), in reading order."""
        cells = [self._lines("child", f"{r.last_name.upper()} {r.first_name}")]
        if r.booked_late:
            cells[0].append(("child", REGULAR, SMALL, "inscrit hors délai"))
        cells.append(self._lines("class", r.class_name))
        if r.age is not None:
            cells.append(self._lines("age", f"{r.age}\u00a0an{'s' if r.age > 1 else ''}"))
        if self.data.show_health:
            marks = [m for m in MARKS if m in r.marks] + [m for m in r.marks if m not in MARKS]
            font = BOLD if PAI in r.marks or r.allergies else REGULAR
            health = self._lines("health", " · ".join(marks), font)
            cells.append(
                health + self._lines("health", r.allergies and f"Allergies : {r.allergies}", font)
            )
        if self.data.show_pickup:
            people = []
            for p in r.pickup or (PickupPerson("Aucune personne indiquée"),):
                relation = f" ({p.relation[:1].lower()}{p.relation[1:]})" if p.relation else ""
                people += self._lines("pickup", f"{p.name}{relation} {_phone(p.phone)}".strip())
            cells.append(people)
        emergency = self._lines("emergency", _phone(r.emergency_phone))
        cells.append(emergency + self._lines("emergency", r.emergency_name, size=SMALL))
        height = max(ROW_MIN, max(sum(s * LINE for _, _, s, _ in c) for c in cells) + 2 * PAD)
        text = str(number)
        right = self.x["child"] - PAD - _width(text, REGULAR, SIZE)
        placed = [(right, height / 2 + 3, REGULAR, SIZE, text)]
        for cell in cells:
            depth = (height - sum(s * LINE for _, _, s, _ in cell)) / 2
            for key, font, size, line in cell:
                depth += size * LINE
                placed.append((self.x[key] + PAD, depth - size * 0.3, font, size, line))
        return height, placed


# A block's items: (kind, height, content, a page may break before it). Kinds: "band" (a class
# title, content its text), "row" (content: the placed strings and the class's band text),
# "total" (content its text).
Item = tuple[str, float, object, bool]


def _class_items(
    layout: _Layout, label: str, count: str, rows: Sequence[AttendanceRow]
) -> list[Item]:
    """A class's band ('label — count') and its rows; the rows keep the band to repeat it."""
    band = (label, count)
    items: list[Item] = [("band", BAND, f"{label} — {count}", True)]
    size = len(rows)
    for index, row in enumerate(rows):
        height, placed = layout.row(row, index + 1)
        breakable = size > KEEP_WHOLE and MIN_HEAD <= index <= size - MIN_TAIL
        items.append(("row", height, (placed, band), breakable))
    return items


class _RollCall(Flowable):
    """One school of a list (or its waiting list): column titles, then each class's band and
    rows, then the totals. It breaks before a class or inside a long one (never leaving its
    band or its last rows alone) and repeats the column titles and the class band on the
    next page, marked « suite »."""

    def __init__(self, layout: _Layout, heading: str, items: list[Item], more: bool = False):
        super().__init__()
        self.layout, self.heading, self.items, self.more = layout, heading, items, more
        self.spaceBefore = 6 * mm if heading else 0
        self.width = layout.width
        self.height = (HEADING if heading else 0) + TITLES + sum(i[1] for i in items)
        self.height += NOTE if more else 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        used, cut, under_band = (HEADING if self.heading else 0) + TITLES + NOTE, 0, 0
        for index, (kind, height, _, breakable) in enumerate(self.items):
            if kind == "row" and under_band < MIN_HEAD:  # a band keeps its first rows,
                breakable = False  # a repeated « suite » band too
            if index and breakable and used <= avail_height:
                cut = index
            under_band = 0 if kind == "band" else under_band + 1
            used += height
            if used > avail_height:
                break
        if not cut:
            return []
        rest = self.items[cut:]
        if rest[0][0] == "row":
            label, count = rest[0][2][1]
            rest.insert(0, ("band", BAND, f"{label} (suite) — {count}", False))
        head = _RollCall(self.layout, self.heading, self.items[:cut], more=True)
        return [head, _RollCall(self.layout, "", rest)]

    def draw(self) -> None:
        c, lay, top = self.canv, self.layout, self.height
        tx = c.beginText()
        code, font = tx._code, None

        def text(x: float, y: float, value: str, face: str, size: float) -> None:
            # Placed by hand: textOut would measure each string to move a cursor never used.
            nonlocal font
            if font != (face, size):
                tx.setFont(face, size, size * LINE)
                font = (face, size)
            code.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
            tx._textOut(value)

        c.saveState()
        if self.heading:
            tx.setFillColor(ACCENT)
            text(0, top - 14, self.heading, BOLD, 12)
            tx.setFillColor(INK)
            c.setStrokeColor(ACCENT)
            c.setLineWidth(1)
            c.line(0, top - 19, lay.width, top - 19)
            top -= HEADING
        for x, title in lay.titles:
            text(x, top - 9.5, title, BOLD, 7.5)
        top -= TITLES
        ticks, rules = top, [(0, top, lay.width, top)]
        c.setFillColor(BAND_FILL)
        for kind, height, content, _ in self.items:
            if kind == "band":
                c.rect(0, top - height, lay.width, height, stroke=0, fill=1)
                room = lay.x["present"] - 2 * PAD  # long school names shrink, never overflow
                size = min(9, 9 * room / _width(content, BOLD, 9))
                text(PAD, top - 10.5, content, BOLD, size)
            elif kind == "row":
                for x, depth, face, size, value in content[0]:
                    text(x, top - depth, value, face, size)
            else:
                text(PAD, top - height / 2 - 3, content, BOLD, SIZE)
            top -= height
            rules.append((0, top, lay.width, top))
        if self.more:
            note = "Suite page suivante"
            text(lay.width - _width(note, REGULAR, SMALL), top - 9, note, REGULAR, SMALL)
        c.setFillColor(INK)
        c.drawText(tx)
        c.setStrokeColor(RULE)
        c.setLineWidth(0.4)
        c.lines(rules[1:])
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.line(*rules[0])
        c.setLineWidth(0.6)
        right = lay.x["absent"]
        c.lines([(x, ticks, x, top) for x in (lay.x["present"], right, lay.width)])
        c.restoreState()


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
        total = f"Total {name} : {_count(school_rows, health)}"
        items.append(("total", ROW_MIN, total, False))
        blocks.append(_RollCall(layout, f"{name} — {children(len(school_rows))}", items))
    if len(schools) > 1:
        everyone = [row for group in data.groups for row in group.rows]
        total = f"Total de la liste : {_count(everyone, health)}"
        blocks[-1].items.append(("total", ROW_MIN, total, False))
        blocks[-1].height += ROW_MIN
    if data.waiting:
        label = "Liste d'attente, par ordre d'arrivée"
        count = f"{children(len(data.waiting))}, non comptés dans les totaux"
        items = _class_items(layout, label, count, data.waiting)
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
        right, y, foot = width - MARGIN_RIGHT, height - MARGIN_TOP + 2 * mm, FOOTER_TOP - 3.2 * mm
        self.saveState()
        self.setFont(BOLD, 8.5)
        self.drawRightString(right, y, f"{data.activity_name} — page {page} / {pages}")
        self.setFont(REGULAR, 7.5)
        self.setFillColor(MUTED)
        if page > 1:
            self.drawString(MARGIN_LEFT, y, f"{_title(data)} — {_weekday_date(data.day)} (suite)")
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.lines([(MARGIN_LEFT, y - 1.5 * mm, right, y - 1.5 * mm)])
        self.lines([(MARGIN_LEFT, FOOTER_TOP, right, FOOTER_TOP)])
        count = f"Document : page {number} / {len(self._pages)}"
        self.drawRightString(right, foot, count)
        printed = f"{data.printed_at:%d/%m/%Y} à {french_time(data.printed_at)}"
        footer = f"{data.activity_name} · {_weekday_date(data.day)} · imprimée le {printed}"
        footer += f" par {data.printed_by}"
        room = right - MARGIN_LEFT - _width(count, REGULAR, 7.5) - 6 * mm
        self.setFont(REGULAR, min(7.5, 7.5 * room / _width(footer, REGULAR, 7.5)))
        self.drawString(MARGIN_LEFT, foot, footer)
        if data.show_health:
            self.setFont(BOLD, 7.5)
            self.drawString(MARGIN_LEFT, foot - 3.4 * mm, CONFIDENTIAL)
        self.restoreState()


def _heading(data: AttendanceListData, st) -> list[Flowable]:
    title = st.body.clone("title", fontName=BOLD, fontSize=15, leading=19, textColor=ACCENT)
    day = st.body.clone("day", fontName=BOLD, fontSize=12, leading=15, spaceAfter=4)
    line = st.body.clone("line", spaceAfter=1.5)
    rows = [r for g in data.groups for r in g.rows]
    schools = [
        f"{escape(school)} ({sum(len(g.rows) for g in groups)})"
        for school, groups in groupby(data.groups, key=lambda g: g.school_name)
    ]
    summary = f"<b>{children(len(rows))} inscrits</b>" if rows else "<b>Aucun enfant inscrit</b>"
    summary += f" : {', '.join(schools)}." if len(schools) > 1 else "."
    weekday = _weekday_date(data.day)
    story: list[Flowable] = [
        Paragraph(f"<b>{escape(data.organisation.name or 'Mairie')}</b>", st.org_line),
        Spacer(1, 2 * mm),
        Paragraph(escape(_title(data)), title),
        Paragraph(escape(weekday[:1].upper() + weekday[1:]), day),
        Paragraph(summary, line),
    ]
    if data.show_health and mark_counts(rows):
        detail = mark_counts(rows).removeprefix("dont ")
        story.append(Paragraph(f"Régimes et PAI : {escape(detail)}.", line))
    if data.waiting:
        waiting = children(len(data.waiting))
        story.append(Paragraph(f"{waiting} en liste d'attente, en fin de liste.", line))
    printed = french_datetime(data.printed_at)
    story.append(Paragraph(f"Imprimée le {escape(printed)} par {escape(data.printed_by)}.", line))
    note = (
        "Cochez Présent ou Absent pour chaque enfant ; notez les nombres sur les lignes de total."
    )
    story += [Paragraph(note, st.small), Spacer(1, 1 * mm)]
    if data.show_health:
        box = Table([[Paragraph(f"<b>{CONFIDENTIAL}</b>", st.small)]], hAlign="LEFT")
        box.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.8, INK)]))
        story += [Spacer(1, 2 * mm), box]
    return story


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
        page_width = templates[orientation[index]].pagesize[0]
        layout = _Layout(data, page_width - MARGIN_LEFT - MARGIN_RIGHT)
        story += [_ListStart(index), *_heading(data, st), *_blocks(data, layout, st)]
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
    bottom = FOOTER_TOP + 4 * mm
    width, height = size[0] - MARGIN_LEFT - MARGIN_RIGHT, size[1] - TOP_MARGIN - bottom
    frame = Frame(MARGIN_LEFT, bottom, width, height, 0, 0, 0, 0, id=orientation)
    return PageTemplate(id=orientation, frames=[frame], pagesize=size)
