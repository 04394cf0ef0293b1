"""The kitchen's meal counts on a real store: they equal the canteen's bookings by diet, per
day and school; a day is final once its booking deadline has passed; PDF and CSV read back."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from eticket_desk.rules.errors import InvalidInput, PermissionDenied
from eticket_desk.services.attendance.meals import (
    export_meal_counts,
    meal_counts_of,
    print_meal_counts,
)
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.core.documents import documents_root
from eticket_desk.services.families.dossiers import save_family, validate_family
from tests.conftest import complete_family

# The canteen's days of the week of 23 November 2026 (closed on Wednesday).
WEEK = [date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26), date(2026, 11, 27)]
# name, school (index in list_schools), diet, PAI, treatments, days booked
CHILDREN = (
    ("Dupont", 0, "sans_porc", True, "", WEEK),
    ("Martin", 0, "vegetarien", False, "", WEEK[:3]),
    ("Bernard", 0, "", False, "", WEEK[1:]),
    ("Petit", 1, "sans_gluten", True, "Panier repas fourni par la famille", WEEK),
    ("Richard", 1, "", False, "", WEEK[::2]),
    ("Durand", 1, "sans_porc", False, "", WEEK[:1]),
)


@pytest.fixture
def canteen_week(store, admin, schools, activities):
    """The children of CHILDREN booked at the canteen, Martin's Thursday cancelled in time;
    returns the expected counts by (day, school, what)."""
    cantine = activities["CANTINE"]
    expected: Counter = Counter()
    for name, school, diet, pai, treatments, days in CHILDREN:
        ordered = [schools[school], schools[1 - school]]
        data = complete_family(ordered, last_name=name)
        child = data.children[0]
        child.diet, child.pai, child.treatments = diet, pai, treatments
        child.allergies = "Arachide" if pai else ""
        saved = save_family(store, admin, data)
        assert validate_family(store, admin, saved.id) == []
        for day in days:
            book_day(store, admin, saved.children[0].id, cantine.id, day)
            expected[(day, schools[school].name, "meals")] += 1
            for mark, flag in (("diet:" + diet, diet), ("pai", pai), ("packed", treatments)):
                if flag:
                    expected[(day, schools[school].name, mark)] += 1
        if name == "Martin":
            cancel_booking(store, admin, saved.children[0].id, cantine.id, WEEK[2])
            expected[(WEEK[2], schools[school].name, "meals")] -= 1
            expected[(WEEK[2], schools[school].name, "diet:vegetarien")] -= 1
    return expected


def test_meal_counts_equal_the_bookings_by_diet(store, coordinator, schools, canteen_week):
    data = meal_counts_of(store, coordinator, WEEK[0], WEEK[-1])
    assert data.activity_name == "Cantine"
    assert [d.day for d in data.days] == WEEK  # Wednesday: no canteen
    for meal_day in data.days:
        assert [s.school_name for s in meal_day.schools] == [s.name for s in schools]
        for school in meal_day.schools:
            c, key = school.counts, (meal_day.day, school.school_name)
            assert c.meals == canteen_week[(*key, "meals")]
            assert c.no_pork == canteen_week[(*key, "diet:sans_porc")]
            assert c.vegetarian == canteen_week[(*key, "diet:vegetarien")]
            assert c.gluten_free == canteen_week[(*key, "diet:sans_gluten")]
            assert c.pai == canteen_week[(*key, "pai")]
            assert c.packed_meal == canteen_week[(*key, "packed")]
    assert data.total.meals == sum(v for k, v in canteen_week.items() if k[2] == "meals") == 16
    assert data.total.to_cook == 16 - 4  # Petit brings a packed meal every day


def test_a_day_is_final_once_its_deadline_has_passed(store, coordinator, canteen_week, clock):
    clock.current = datetime(2026, 11, 24, 16, 0)  # Tuesday afternoon
    data = meal_counts_of(store, coordinator, WEEK[0], WEEK[-1])
    # Thursday's deadline was Tuesday 10:00; Friday's is Thursday 10:00.
    assert [(d.day, d.final) for d in data.days] == [
        (WEEK[0], True),
        (WEEK[1], True),
        (WEEK[2], True),
        (WEEK[3], False),
    ]
    assert data.days[3].deadline == datetime(2026, 11, 26, 10, 0)


def test_the_order_as_pdf_and_csv(store, coordinator, canteen_week, clock, tmp_path):
    clock.current = datetime(2026, 11, 24, 16, 0)
    data = meal_counts_of(store, coordinator, WEEK[0], WEEK[-1])
    pdf = print_meal_counts(store, data)
    assert pdf == documents_root(store) / "Listes/2026/Repas 2026-11-23 au 2026-11-27.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert "Commande de repas — Cantine" in text and "PROVISOIRE" in text
    out = export_meal_counts(data, tmp_path / "repas.csv")
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows[0][:4] == ["Date", "Jour", "École", "Repas inscrits"]
    monday_lac = next(r for r in rows if r[0] == "23/11/2026" and r[2] == "École du Lac")
    assert monday_lac[3] == "3" and monday_lac[-1] == "définitif"
    friday = [r for r in rows if r[0] == "27/11/2026"]
    assert {r[-1] for r in friday} == {"provisoire"}


def test_refusals(store, coordinator, agent, canteen_week):
    with pytest.raises(InvalidInput):
        meal_counts_of(store, coordinator, WEEK[-1], WEEK[0])
    with pytest.raises(InvalidInput):
        meal_counts_of(store, coordinator, date(2026, 9, 1), date(2027, 6, 30))
    with pytest.raises(PermissionDenied):
        meal_counts_of(store, agent, WEEK[0], WEEK[-1])
