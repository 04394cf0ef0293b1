"""The kitchen's meal counts, read back from the PDF and the CSV as the cook would."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from eticket_desk.reports import meal_counts
from eticket_desk.reports.attendance_list import GLUTEN_FREE, NO_PORK, PACKED_MEAL, PAI, VEGETARIAN
from eticket_desk.reports.meal_counts import MealCounts, MealCountsData, MealDay, SchoolMeals
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import COMMUNE

ORGANISATION = OrganisationData(**COMMUNE)
LAC, FERRY = "École du Lac", "École Jules Ferry"


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _text(pdf: Path) -> str:
    return " ".join(_flat(page.extract_text()) for page in PdfReader(str(pdf)).pages)


def _day(day: date, final: bool, lac: MealCounts, ferry: MealCounts) -> MealDay:
    deadline = datetime(day.year, day.month, day.day - 1, 10, 0)
    return MealDay(day, final, (SchoolMeals(LAC, lac), SchoolMeals(FERRY, ferry)), deadline)


def _data(days: int = 3) -> MealCountsData:
    all_days = (
        _day(
            date(2026, 11, 23), True, MealCounts(120, 9, 7, 2, 3, 1), MealCounts(98, 6, 5, 1, 2, 2)
        ),
        _day(
            date(2026, 11, 24), True, MealCounts(118, 8, 7, 2, 3, 1), MealCounts(101, 6, 4, 1, 2, 2)
        ),
        _day(
            date(2026, 11, 26), False, MealCounts(125, 9, 8, 2, 3, 1), MealCounts(97, 5, 5, 1, 2, 0)
        ),
    )[:days]
    return MealCountsData(
        organisation=ORGANISATION,
        activity_name="Cantine",
        first_day=all_days[0].day,
        last_day=all_days[-1].day,
        printed_at=datetime(2026, 11, 24, 16, 42),
        printed_by="Hélène Mégevand",
        days=all_days,
    )


def _numbers(c: MealCounts) -> str:
    return " ".join(
        str(n)
        for n in (c.meals, c.no_pork, c.vegetarian, c.gluten_free, c.pai, c.packed_meal, c.to_cook)
    )


def test_a_child_counts_once_per_mark_and_packed_meals_are_not_cooked():
    counts = MealCounts.of([(GLUTEN_FREE, PAI, PACKED_MEAL), (NO_PORK,), (), (VEGETARIAN, NO_PORK)])

    assert counts == MealCounts(
        meals=4, no_pork=2, vegetarian=1, gluten_free=1, pai=1, packed_meal=1
    )
    assert counts.to_cook == 3


def test_impossible_counts_are_refused():
    with pytest.raises(ValueError):
        MealCounts(meals=2, no_pork=3)
    with pytest.raises(ValueError):
        MealCounts(meals=-1)


def test_the_pdf_totals_are_the_sums_of_the_rows(tmp_path):
    data = _data()

    text = _text(meal_counts.render(data, tmp_path / "repas.pdf"))

    for meal_day in data.days:
        lac, ferry = (s.counts for s in meal_day.schools)
        assert f"{LAC} {_numbers(lac)}" in text
        assert f"{FERRY} {_numbers(ferry)}" in text
        assert f"Total du jour {_numbers(lac + ferry)}" in text
    total = data.total
    assert total.meals == sum(s.counts.meals for d in data.days for s in d.schools) == 659
    assert f"Total de la période {_numbers(total)}" in text
    assert "Du lundi 23 novembre au jeudi 26 novembre 2026" in text
    assert "Repas à préparer" in text and "un enfant peut compter dans plusieurs colonnes" in text


def test_provisional_and_final_days_are_told_apart(tmp_path):
    text = _text(meal_counts.render(_data(), tmp_path / "repas.pdf"))

    assert "Attention : 1 jour PROVISOIRE (jeudi 26/11)" in text
    first, second, third = (d.schools[0].counts for d in _data().days)
    assert f"lundi 23/11 {LAC} {_numbers(first)} définitif" in text
    assert f"mardi 24/11 {LAC} {_numbers(second)} définitif" in text
    provisional = "PROVISOIRE réservations jusqu'au 25/11 à 10 h 00"
    assert f"jeudi 26/11 {LAC} {_numbers(third)} {provisional}" in text
    assert "dont 1 jour provisoire" in text

    final = _text(meal_counts.render(_data(days=2), tmp_path / "final.pdf"))
    assert "PROVISOIRE" not in final and "Tous les jours sont définitifs." in final


def test_the_csv_opens_in_excel_with_accents_and_sums_to_the_totals(tmp_path):
    data = _data()

    path = meal_counts.write_csv(data, tmp_path / "repas.csv")
    raw = path.read_bytes()
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))

    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0] == [
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
    ]
    body = rows[1:]
    assert len(body) == 6  # one row per day and school, no total rows
    assert body[0][:3] == ["23/11/2026", "lundi", LAC]
    assert [row[-1] for row in body] == ["définitif"] * 4 + ["provisoire"] * 2
    sums = [sum(int(row[col]) for row in body) for col in range(3, 10)]
    assert " ".join(map(str, sums)) == _numbers(data.total)
    pdf_text = _text(meal_counts.render(data, tmp_path / "repas.pdf"))
    assert f"Total de la période {' '.join(map(str, sums))}" in pdf_text


def test_an_empty_range_still_prints(tmp_path):
    data = _data()
    empty = MealCountsData(
        organisation=ORGANISATION,
        activity_name="Cantine",
        first_day=date(2026, 12, 21),
        last_day=date(2026, 12, 25),
        printed_at=data.printed_at,
        printed_by=data.printed_by,
        days=(),
    )

    text = _text(meal_counts.render(empty, tmp_path / "vacances.pdf"))
    rows = meal_counts.csv_rows(empty)

    assert "Aucun repas sur la période." in text
    assert "Total de la période 0 0 0 0 0 0 0" in text
    assert rows == []
