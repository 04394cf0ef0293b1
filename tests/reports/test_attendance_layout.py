"""How the attendance lists sit on paper: the evening garderie's 110 children on a few pages,
one line a child, and no total running into the columns where the staff write."""

from __future__ import annotations

import dataclasses
import random

from pypdf import PdfReader

from devtools.samples.attendance import _groups, day_lists, make_pupils
from eticket_desk.reports import attendance_list
from eticket_desk.reports.attendance_list import (
    NO_PORK,
    PAI,
    VEGETARIAN,
    AttendanceGroup,
    AttendanceListData,
    PickupPerson,
)
from eticket_desk.reports.roll_call import _Layout
from tests.printed import words_on
from tests.reports.test_attendance_list import _child, _list, _name

LONG_SCHOOL = "École maternelle et élémentaire Jules Ferry"


def _evening(count: int, seed: int = 1) -> AttendanceListData:
    """The evening garderie of `count` children drawn from a town of 520, health shown."""
    pupils = make_pupils(520, seed=3)
    chosen = random.Random(seed).sample(pupils, count)
    chosen.sort(key=lambda p: (p.row.last_name, p.row.first_name))
    evening = next(d for d in day_lists(pupils) if d.activity_name == "Garderie soir")
    return dataclasses.replace(evening, groups=_groups(chosen))


def test_an_evening_garderie_of_110_children_takes_four_pages_at_most(tmp_path):
    data = _evening(110)
    pdf = attendance_list.render(data, tmp_path / "soir.pdf")

    reader = PdfReader(str(pdf))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) <= 4, f"{len(pages)} pages for 110 children"
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)  # landscape
    text = " ".join(pages)
    for group in data.groups:
        for row in group.rows:
            assert text.count(f"{_name(row)} ") >= 1, _name(row)
    assert "110 enfants inscrits" in text
    for page in pages:  # every page can be ticked: its column titles are there
        assert "Présent Absent" in page


def test_a_child_with_the_parents_and_a_grandmother_takes_one_line():
    mother = PickupPerson("DURAND Sophie", "Mère", "+33612345678", emergency=True)
    father = PickupPerson("DURAND Marc", "Père", "+33698765432")
    granny = PickupPerson("MEYNET Odile", "Grand-mère", "+33450123456")
    row = _child(1, last_name="Durand", pickup=(mother, father, granny))
    data = _list([AttendanceGroup("École du Lac", "CE1", (row,))], show_pickup=True)
    layout = _Layout(data, 273 * 72 / 25.4)  # a landscape page

    height, placed = layout.row(row, 1)
    texts = [(text, size, depth) for _x, depth, _font, size, text in placed]

    assert height < 5 * 72 / 25.4  # one line: under 5 mm
    assert (_name(row), 8.5) in [(t, s) for t, s, _ in texts]  # the child's name, readable
    persons = [t for t, _, _ in texts if "06" in t or "04" in t]
    assert persons == [
        "Sophie (mère) 06\xa012\xa034\xa056\xa078",
        "Marc (père) 06\xa098\xa076\xa054\xa032",
        "MEYNET Odile (grand-mère) 04\xa050\xa012\xa034\xa056",
    ]
    assert len({depth for t, _, depth in texts if t in persons}) == 1  # side by side


def test_an_emergency_contact_who_may_not_pick_up_is_added_to_the_persons(tmp_path):
    mother = PickupPerson("DURAND Sophie", "Mère", "+33612345678")
    row = _child(
        1, pickup=(mother,), emergency_name="BLANC Paul (voisin)", emergency_phone="+33611111111"
    )
    data = _list([AttendanceGroup("École du Lac", "CE1", (row,))], show_pickup=True)

    text = " ".join(
        " ".join(page.extract_text().replace("\xa0", " ").split())
        for page in PdfReader(str(attendance_list.render(data, tmp_path / "s.pdf"))).pages
    )

    assert "DURAND Sophie (mère) 06 12 34 56 78 · Urgence : BLANC Paul (voisin) 06 11 11 11 11" in (
        text
    )
    assert "Urgence Présent" not in text  # no column of its own on the evening list


def test_no_total_runs_into_the_columns_where_the_numbers_are_written(tmp_path):
    marks = (NO_PORK, VEGETARIAN, PAI)
    rows = tuple(_child(i, "CM2", marks=marks[: i % 4]) for i in range(40))
    data = _list(
        [
            AttendanceGroup(LONG_SCHOOL, "CM2", rows[:30]),
            AttendanceGroup("École du Lac", "CP", rows[30:]),
        ]
    )

    pages = words_on(attendance_list.render(data, tmp_path / "cantine.pdf"))

    totals = 0
    for words in pages:
        present = max(x0 for x0, _, _, w in words if w == "Présent")  # the column title
        lines: dict[float, list] = {}
        for x0, x1, y0, word in words:
            lines.setdefault(round(y0), []).append((x0, x1, word))
        for line in lines.values():
            if sorted(line)[0][2] in ("Total", "(dont"):  # a total and its wrapped detail
                totals += 1
                assert max(x1 for _, x1, _ in line) < present, [w for *_, w in line]
    assert totals >= 3  # the two schools' totals and the list's, some on two lines
