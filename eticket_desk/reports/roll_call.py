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
    PAD_Y,
    PAI,
    ROW_MIN,
    SIZE,
    SMALL,
    TITLES,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
)

TITLE_SIZE = 7.2  # the column titles
PEOPLE = 6.8  # the persons who may take the child home, three of them on a line
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


# A run of text in a cell's line: (x from the cell's text start, font, size, text); a cell is
# a list of lines, each a list of runs.
Run = tuple[float, str, float, str]
Line = list[Run]
EMERGENCY_TITLE = "Autorisés à venir chercher l'enfant (en gras : à prévenir en cas d'urgence)"


def _line_height(line: Line) -> float:
    size = max(size for _, _, size, _ in line)
    return size * (LINE if size >= SIZE else LINE - 0.07)  # small lines set a little closer


def _name(r: AttendanceRow, with_class: bool = False) -> str:
    """'DUPONT Léa', or 'DUPONT Léa (CE1)' with the class."""
    name = f"{r.last_name.upper()} {r.first_name}"
    return f"{name} ({r.class_name})" if with_class and r.class_name else name


def _short(name: str, child_last_name: str) -> str:
    """'Sophie' for 'DUPONT Sophie' on the row of a DUPONT child: the row already says it."""
    own = f"{child_last_name.upper()} "
    return name[len(own) :] if name.startswith(own) and len(name) > len(own) else name


def _person(p: PickupPerson, child_last_name: str) -> str:
    """'Sophie (mère) 06 12 34 56 78' for a person with the child's last name, else
    'MARTIN Sophie (grand-mère) 06 12 34 56 78'."""
    relation = f" ({p.relation[:1].lower()}{p.relation[1:]})" if p.relation else ""
    return f"{_short(p.name, child_last_name)}{relation} {_phone(p.phone)}".strip()


class _Layout:
    """The columns of one list, and its rows cut into lines placed in their cells: a row is
    one line when its texts fit side by side (the persons who may take the child home, the
    emergency phone and name), so that a day's list takes few pages."""

    def __init__(self, data: AttendanceListData, width: float) -> None:
        # No class column: a class's band heads its rows (the waiting list, of several
        # classes, says each child's class after the name).
        spec = [("number", "N°", 6), ("child", "Enfant", 0), ("age", "Âge", 10.5)]
        if data.show_health:
            spec.append(("health", "Régime, allergies, PAI", 33))
        if data.show_pickup:  # the emergency contact is one of them, or added to them
            spec.append(("pickup", EMERGENCY_TITLE, 60))
        else:
            spec.append(("emergency", "Urgence", 46))
        spec += [("present", "Présent", 12.5), ("absent", "Absent", 12.5)]
        spare = width - sum(w for _, _, w in spec) * mm
        names = max(
            (_width(_name(r), REGULAR, SIZE) for g in data.groups for r in g.rows),
            default=0,
        )
        names = max([names, *(_width(_name(r, True), REGULAR, SIZE) for r in data.waiting)])
        child = min(spare, max(30 * mm, min(names + 2 * PAD + 1, 48 * mm)))  # a name on a line
        grow = "pickup" if data.show_pickup else "emergency"
        self.x, self.widths, self.titles, x = {}, {}, [], 0.0
        for key, title, w in spec:
            w = child if key == "child" else w * mm + (spare - child if key == grow else 0)
            self.x[key], self.widths[key] = x, w
            self.titles.append((x + PAD, title, w - 2 * PAD))
            x += w
        self.width, self.data = width, data

    def _lines(self, key: str, text: str, font: str = REGULAR, size: float = SIZE) -> list[Line]:
        width = self.widths[key] - 2 * PAD
        return (
            [[(0.0, font, size, line)] for line in _wrap(text, font, size, width)] if text else []
        )

    def _pack(self, key: str, runs: Sequence[tuple[str, str, float]], sep: str) -> list[Line]:
        """Runs (text, font, size) side by side, `sep` between them, on as few lines as the
        cell's width allows; a run never breaks unless it is wider than the cell."""
        width = self.widths[key] - 2 * PAD
        lines: list[Line] = []
        used = width + 1  # no line open yet
        for text, font, size in runs:
            if not text:
                continue
            wide, gap = _width(text, font, size), _width(sep, REGULAR, size)
            if lines and used + gap + wide <= width:
                lines[-1] += [(used, REGULAR, size, sep), (used + gap, font, size, text)]
                used += gap + wide
            elif wide <= width:
                lines.append([(0.0, font, size, text)])
                used = wide
            else:
                lines += [[(0.0, font, size, part)] for part in _wrap(text, font, size, width)]
                used = width + 1
        return lines

    def _health(self, r: AttendanceRow) -> list[Line]:
        marks = [m for m in MARKS if m in r.marks] + [m for m in r.marks if m not in MARKS]
        font, size = (BOLD if PAI in r.marks or r.allergies else REGULAR), SMALL + 0.2
        allergies = r.allergies and f"Allergies : {r.allergies}"
        return self._lines("health", " · ".join(marks), font, size) + self._lines(
            "health", allergies, font, size
        )

    def _pickup(self, r: AttendanceRow) -> list[Line]:
        people = [
            (_person(p, r.last_name), BOLD if p.emergency else REGULAR, PEOPLE) for p in r.pickup
        ]
        if not people:
            people.append(("Aucune personne indiquée", REGULAR, PEOPLE))
        if r.emergency_phone and not any(p.emergency for p in r.pickup):
            urgent = f"{_short(r.emergency_name, r.last_name)} {_phone(r.emergency_phone)}"
            urgent = f"Urgence : {urgent.strip()}"
            people.append((urgent, BOLD, PEOPLE))
        return self._pack("pickup", people, " · ")

    def row(self, r: AttendanceRow, number: int, with_class: bool = False) -> tuple[float, list]:
        """The row's height and its strings: (x, depth of the baseline under the row's top,
        font, size, text), in reading order; `with_class` names the class after the name."""
        late = "inscrit hors délai" if r.booked_late else ""
        runs = [(_name(r, with_class), REGULAR, SIZE), (late, REGULAR, SMALL)]
        cells = [("child", self._pack("child", runs, " "))]
        if r.age is not None:
            age = f"{r.age}\u00a0an{'s' if r.age > 1 else ''}"
            cells.append(("age", self._lines("age", age, size=SIZE - 1)))
        if self.data.show_health:
            cells.append(("health", self._health(r)))
        if self.data.show_pickup:
            cells.append(("pickup", self._pickup(r)))
        else:
            phone = (_phone(r.emergency_phone), REGULAR, SIZE - 0.5)
            runs = [phone, (_short(r.emergency_name, r.last_name), REGULAR, SMALL)]
            cells.append(("emergency", self._pack("emergency", runs, " ")))
        tall = max(sum(map(_line_height, lines)) for _, lines in cells)
        height = max(ROW_MIN, tall + 2 * PAD_Y)
        text = str(number)
        right = self.x["child"] - PAD - _width(text, REGULAR, SIZE)
        placed = [(right, height / 2 + SIZE * 0.35, REGULAR, SIZE, text)]
        for key, lines in cells:
            depth = (height - sum(map(_line_height, lines))) / 2
            for line in lines:
                depth += _line_height(line)
                base = depth - _line_height(line) * 0.27
                for dx, font, size, value in line:
                    placed.append((self.x[key] + PAD + dx, base, font, size, value))
        return height, placed

    def total(self, text: str) -> Item:
        """A total line, wrapped before the « Présent » column (where its numbers are noted)."""
        room = self.x["present"] - 2 * PAD
        head, cut, detail = text.partition(" (dont ")  # a line breaks before the detail
        lines = _wrap(head, BOLD, SIZE, room)
        if cut and _width(f"{lines[-1]} (dont {detail}", BOLD, SIZE) <= room:
            lines[-1] = f"{lines[-1]} (dont {detail}"
        elif cut:
            lines += _wrap(f"(dont {detail}", BOLD, SIZE, room)
        height = max(ROW_MIN, len(lines) * SIZE * LINE + 2 * PAD_Y)
        return ("total", height, lines, False)


# A block's items: (kind, height, content, a page may break before it). Kinds: "band" (a class
# title, content its text), "row" (content: the placed strings and the class's band text),
# "total" (content its lines).
Item = tuple[str, float, object, bool]


def _class_items(
    layout: _Layout,
    label: str,
    count: str,
    rows: Sequence[AttendanceRow],
    with_class: bool = False,
) -> list[Item]:
    """A class's band ('label — count') and its rows; the rows keep the band to repeat it.
    `with_class`: rows of several classes (the waiting list), each says its class."""
    band = (label, count)
    items: list[Item] = [("band", BAND, f"{label} — {count}", True)]
    size = len(rows)
    for index, row in enumerate(rows):
        height, placed = layout.row(row, index + 1, with_class)
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
        self.spaceBefore = 4 * mm if heading else 0
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
            text(0, top - 12, self.heading, BOLD, 11)
            tx.setFillColor(INK)
            c.setStrokeColor(ACCENT)
            c.setLineWidth(1)
            c.line(0, top - 16, lay.width, top - 16)
            top -= HEADING
        for x, title, room in lay.titles:  # a title shrinks to its column, never overflows
            size = min(TITLE_SIZE, TITLE_SIZE * room / _width(title, BOLD, TITLE_SIZE))
            text(x, top - 8.5, title, BOLD, size)
        top -= TITLES
        ticks, rules = top, [(0, top, lay.width, top)]
        c.setFillColor(BAND_FILL)
        for kind, height, content, _ in self.items:
            if kind == "band":
                c.rect(0, top - height, lay.width, height, stroke=0, fill=1)
                room = lay.x["present"] - 2 * PAD  # long school names shrink, never overflow
                size = min(SIZE, SIZE * room / _width(content, BOLD, SIZE))
                text(PAD, top - 9.2, content, BOLD, size)
            elif kind == "row":
                for x, depth, face, size, value in content[0]:
                    text(x, top - depth, value, face, size)
            else:  # a total, its lines in the middle of its height
                depth = (height - len(content) * SIZE * LINE) / 2
                for index, line in enumerate(content, start=1):
                    text(PAD, top - depth - index * SIZE * LINE + SIZE * 0.3, line, BOLD, SIZE)
            top -= height
            rules.append((0, top, lay.width, top))
        if self.more:
            note = "Suite page suivante"
            text(lay.width - _width(note, REGULAR, SMALL), top - 8.5, note, REGULAR, SMALL)
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
