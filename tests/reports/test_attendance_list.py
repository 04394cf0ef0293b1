"""The attendance lists, read back from the PDF as the coordinator and the staff would."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from eticket_desk.reports import attendance_list
from eticket_desk.reports.attendance_list import (
    GLUTEN_FREE,
    NO_PORK,
    PACKED_MEAL,
    PAI,
    AttendanceGroup,
    AttendanceListData,
    AttendanceRow,
    PickupPerson,
)
from eticket_desk.reports.common import CONTENT_WIDTH, styles
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import BOYS, COMMUNE, GIRLS, SURNAMES

ORGANISATION = OrganisationData(**COMMUNE)
DAY = date(2026, 11, 26)
PRINTED = datetime(2026, 11, 25, 16, 42)
TITLES = "N° Enfant Âge"
# First names that are nobody's parent or surname, so that a name read back is a child's.
FIRST_NAMES = sorted(set(GIRLS + BOYS) - {"Camille", "Charlotte", "Chloé", "Gaël", "Loïc", "Noël"})


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _pages(pdf: Path) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(str(pdf)).pages]


def _child(index: int, class_name: str = "CE1", **changes) -> AttendanceRow:
    row = AttendanceRow(
        last_name=SURNAMES[index % len(SURNAMES)],
        first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
        class_name=class_name,
        age=7,
        emergency_name="TUTEUR Légal (mère)",
        emergency_phone="+33450391240",
    )
    return dataclasses.replace(row, **changes)


def _name(row: AttendanceRow) -> str:
    return f"{row.last_name.upper()} {row.first_name}"


def _list(groups, **changes) -> AttendanceListData:
    data = AttendanceListData(
        organisation=ORGANISATION,
        activity_name="Cantine",
        day=DAY,
        printed_at=PRINTED,
        printed_by="Hélène Mégevand",
        show_health=True,
        show_pickup=False,
        groups=tuple(groups),
    )
    return dataclasses.replace(data, **changes)


def _group(school: str, class_name: str, first: int, count: int, **changes) -> AttendanceGroup:
    rows = tuple(_child(first + i, class_name, **changes) for i in range(count))
    return AttendanceGroup(school, class_name, rows)


def test_the_list_names_exactly_the_children_given(tmp_path):
    town = [_child(i, ("CP", "CE1", "CE2")[i % 3]) for i in range(60)]
    booked = [row for i, row in enumerate(town) if i % 3 == 0 or i % 7 == 1]
    groups = [
        AttendanceGroup("École du Lac", level, tuple(r for r in booked if r.class_name == level))
        for level in ("CP", "CE1", "CE2")
    ]

    text = " ".join(_pages(attendance_list.render(_list(groups), tmp_path / "cantine.pdf")))

    for row in booked:
        assert text.count(_name(row)) == 1, _name(row)
    for row in town:
        if row not in booked:
            assert _name(row) not in text
    assert f"{len(booked)} enfants inscrits" in text
    assert "Total de la liste" not in text  # one school: its total is the list's
    assert f"Total École du Lac : {len(booked)} enfants" in text


def test_health_marks_print_only_for_a_role_allowed_to_see_them(tmp_path):
    rows = (
        _child(1, marks=(NO_PORK,)),
        _child(2, marks=(GLUTEN_FREE, PAI, PACKED_MEAL), allergies="Arachide, fruits à coque"),
        _child(3),
    )
    groups = [AttendanceGroup("École du Lac", "CE1", rows)]

    shown = " ".join(_pages(attendance_list.render(_list(groups), tmp_path / "coordinator.pdf")))
    hidden_list = _list(groups, show_health=False)
    hidden = " ".join(_pages(attendance_list.render(hidden_list, tmp_path / "agent.pdf")))

    assert "sans gluten · PAI · panier repas Allergies : Arachide, fruits à coque" in shown
    assert "Régimes et PAI : 1 sans porc, 1 sans gluten, 1 PAI, 1 panier repas." in shown
    assert "CE1 — 3 enfants (dont 1 sans porc, 1 sans gluten, 1 PAI, 1 panier repas)" in shown
    assert "Document confidentiel" in shown
    for word in ("sans porc", "sans gluten", "PAI", "panier repas", "Arachide", "Allergies"):
        assert word not in hidden
    assert "Document confidentiel" not in hidden
    assert "École du Lac · CE1 — 3 enfants" in hidden
    assert all(_name(r) in hidden for r in rows)


def test_pickup_persons_print_only_on_the_lists_that_show_them(tmp_path):
    granny = PickupPerson("GRANDJEAN Odile", "Grand-mère", "+33611223344")
    rows = (_child(1, pickup=(granny,)), _child(2, pickup=(granny,)))
    groups = [AttendanceGroup("École du Lac", "CE1", rows)]
    cantine = _list(groups)
    evening = _list(groups, activity_name="Garderie soir", show_pickup=True)

    pdf = attendance_list.render_lists((cantine, evening), tmp_path / "day.pdf")
    pages = _pages(pdf)
    sizes = [(p.mediabox.width, p.mediabox.height) for p in PdfReader(str(pdf)).pages]

    assert len(pages) == 2
    assert "Liste de présence — Cantine" in pages[0] and "Odile" not in pages[0]
    assert "Autorisés" not in pages[0]
    assert "Liste de présence — Garderie soir" in pages[1]
    assert pages[1].count("GRANDJEAN Odile (grand-mère) 06 11 22 33 44") == 2
    assert "Autorisés à venir chercher l'enfant" in pages[1]
    assert sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]  # the pickup list: landscape


def test_totals_per_class_school_and_list(tmp_path):
    groups = [
        _group("École du Lac", "CP", 0, 3),
        _group("École du Lac", "CE1", 10, 2, marks=(NO_PORK,)),
        _group("École Jules Ferry", "CE2", 20, 4, marks=(PAI,)),
    ]

    text = " ".join(_pages(attendance_list.render(_list(groups), tmp_path / "totals.pdf")))

    assert "9 enfants inscrits : École du Lac (5), École Jules Ferry (4)." in text
    assert "École du Lac — 5 enfants" in text
    assert "École du Lac · CP — 3 enfants" in text
    assert "École du Lac · CE1 — 2 enfants (dont 2 sans porc)" in text
    assert "Total École du Lac : 5 enfants (dont 2 sans porc)" in text
    assert "École Jules Ferry · CE2 — 4 enfants (dont 4 PAI)" in text
    assert "Total École Jules Ferry : 4 enfants (dont 4 PAI)" in text
    assert "Total de la liste : 9 enfants (dont 2 sans porc, 4 PAI)" in text


def test_a_long_class_repeats_its_titles_and_band_on_the_next_pages(tmp_path):
    group = _group("École du Lac", "CE1", 0, 130)

    pages = _pages(attendance_list.render(_list([group]), tmp_path / "long.pdf"))

    assert len(pages) >= 3
    first = pages[0]
    assert "Cantine — page 1 / " in first and "(suite)" not in first
    for number, page in enumerate(pages[1:], start=2):
        assert f"Cantine — page {number} / {len(pages)}" in page
        assert "Liste de présence — Cantine — jeudi 26 novembre 2026 (suite)" in page
        assert TITLES in page
        assert "École du Lac · CE1 (suite) — 130 enfants" in page
    assert "Suite page suivante" in first
    assert "Total École du Lac : 130 enfants" in pages[-1]
    assert "130 " + _name(group.rows[-1]) in pages[-1]


@pytest.mark.parametrize("first_class", range(8, 44))
def test_a_class_never_leaves_its_band_or_its_last_rows_alone(tmp_path, first_class):
    classes = [_group("École du Lac", "CE1", 0, first_class), _group("École du Lac", "CE2", 100, 9)]

    pages = _pages(attendance_list.render(_list(classes), tmp_path / "breaks.pdf"))

    for group in classes:
        names = [_name(r) for r in group.rows]
        band = f"· {group.class_name} — {len(names)} enfants"
        for page in pages:
            on_page = [n for n in names if n in page]
            if band in page:  # the class starts here: with 3 of its rows at least
                assert len(on_page) >= 3
            if f"· {group.class_name} (suite)" in page:  # a repeated band: never alone
                assert on_page
            if on_page:  # no row without its class's band on the page
                assert f"· {group.class_name}" in page
        assert sum(len([n for n in names if n in page]) for page in pages) == len(names)
    last = [_name(r) for r in classes[-1].rows]
    total = next(page for page in pages if "Total École du Lac" in page)
    assert len([n for n in last if n in total]) >= 2


def test_no_page_break_leaves_a_band_alone_whatever_the_room_left():
    """Split a school's block at every height, then its rest at every height again: each part
    ends on a row or a total, never on a class band (a repeated one included)."""
    data = _list([_group("École du Lac", "CE1", 0, 11), _group("École du Lac", "CE2", 20, 12)])
    layout = attendance_list._Layout(data, CONTENT_WIDTH)
    block = attendance_list._blocks(data, layout, styles())[0]

    def check(parts: list) -> None:
        for part in parts:
            kinds = [kind for kind, *_ in part.items]
            assert kinds and kinds[-1] != "band", kinds
            assert all(a != "band" or b == "row" for a, b in zip(kinds, kinds[1:], strict=False))

    for room in range(0, 400, 2):
        parts = block.split(layout.width, room)
        check(parts)
        for second in range(0, 200, 2) if parts else ():
            check(parts[1].split(layout.width, second))


def test_each_list_of_a_run_starts_a_page_and_counts_its_own_pages(tmp_path):
    lists = (
        _list([_group("École du Lac", "CE1", 0, 70)]),
        _list([_group("École du Lac", "CE1", 0, 5)], activity_name="Garderie matin"),
        _list([], activity_name="TAP"),
    )

    pages = _pages(attendance_list.render_lists(lists, tmp_path / "run.pdf"))

    headers = [re.search(r"(Cantine|Garderie matin|TAP) — page (\d+) / (\d+)", p) for p in pages]
    found = [(h[1], int(h[2]), int(h[3])) for h in headers]
    cantine = found[0][2]
    assert cantine >= 2
    assert found == [
        *(("Cantine", n, cantine) for n in range(1, cantine + 1)),
        ("Garderie matin", 1, 1),
        ("TAP", 1, 1),
    ]
    for index, (name, number, _) in enumerate(found):
        assert (f"Liste de présence — {name} Jeudi" in pages[index]) == (number == 1)
    assert "Aucun enfant inscrit ce jour." in pages[-1]
    assert f"Document : page {len(pages)} / {len(pages)}" in pages[-1]


def test_the_waiting_list_prints_last_in_its_order_and_is_not_counted(tmp_path):
    waiting = (_child(30, "CM2"), _child(31, "CP"), _child(32, "CE1"))
    data = _list([_group("École du Lac", "CE1", 0, 4)], activity_name="Bus 8h30", waiting=waiting)

    text = " ".join(_pages(attendance_list.render(data, tmp_path / "bus.pdf")))

    assert "4 enfants inscrits." in text
    assert "3 enfants en liste d'attente, en fin de liste." in text
    assert "Total École du Lac : 4 enfants" in text
    after = text.split("Liste d'attente, par ordre d'arrivée — 3 enfants")[1]
    positions = [after.index(f"{i} {_name(r)} ({r.class_name})") for i, r in enumerate(waiting, 1)]
    assert positions == sorted(positions)


def test_a_late_booking_is_flagged_and_french_typography_holds(tmp_path):
    rows = (_child(1, "PS", booked_late=True, age=1), _child(2, "PS", age=10))
    data = _list([AttendanceGroup("École du Lac", "PS", rows)])

    text = " ".join(_pages(attendance_list.render(data, tmp_path / "late.pdf")))

    assert f"{_name(rows[0])} inscrit hors délai 1 an" in text
    assert f"{_name(rows[1])} 10 ans" in text
    assert "Imprimée le mercredi 25 novembre 2026 à 16 h 42 par Hélène Mégevand." in text
    assert "06 50 39 12 40" not in text and "04 50 39 12 40 TUTEUR Légal (mère)" in text


def test_no_list_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        attendance_list.render_lists((), tmp_path / "none.pdf")


def test_the_samples_render(tmp_path):
    from devtools.samples.attendance import render_attendance_samples

    paths = render_attendance_samples(tmp_path)

    assert [p.name for p in paths] == [
        "attendance_cantine.pdf",
        "attendance_garderie_soir.pdf",
        "attendance_bus.pdf",
        "meal_counts.pdf",
    ]
    bus = " ".join(_pages(tmp_path / "attendance_bus.pdf"))
    assert "Liste d'attente" in bus and "Document confidentiel" not in bus
    assert "Autorisés à venir chercher" in " ".join(_pages(paths[1]))
