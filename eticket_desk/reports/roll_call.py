"""The roll call of one school on an attendance list, drawn straight on the canvas: a day's
lists run to thousands of rows, so each school is one flowable that draws its rows as one text
object and one batch of lines instead of a platypus Table (about 130 µs a row)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    Flowable,
)

from eticket_desk.reports.common import (
    ACCENT,
    INK,
    RULE,
)
from eticket_desk.reports.fonts import BOLD, REGULAR, register_fonts
from eticket_desk.rules.contact import format_phone

if TYPE_CHECKING:
    pass

from eticket_desk.reports.attendance_data import (
    BAND,
    BAND_FILL,
    HEADING,
    KEEP_WHOLE,
    LINE,
    MARKS,
    MIN_HEAD,
    MIN_TAIL,
    NOTE,
    PAD,
    PAI,
    ROW_MIN,
    SIZE,
    SMALL,
    TITLES,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
)

_WIDTHS: dict[str, defaultdict] = {}  # font -> widths by code point, in 1/1000 of the size


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
