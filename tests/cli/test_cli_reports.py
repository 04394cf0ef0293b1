"""The coordinator's commands on a demo town: `attendance` writes the day's lists, `meals`
prints the kitchen's order and writes its CSV and PDF; mistakes are said in French."""

from __future__ import annotations

import csv
import re

import pytest
from pypdf import PdfReader

from eticket_desk.cli import main

THURSDAY = "2026-11-26"


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("town") / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "20", "--seed", "2"]) == 0
    return path


def _text(pdf) -> str:
    pages = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    return " ".join(" ".join(pages).replace("\u202f", " ").replace("\xa0", " ").split())


def test_attendance_writes_every_list_of_the_day(town, tmp_path, capsys):
    out = tmp_path / "listes.pdf"
    assert main(["--db", str(town), "attendance", "--date", THURSDAY, "--out", str(out)]) == 0
    assert f"Listes de présence du 26/11/2026 : {out}" in capsys.readouterr().out
    text = _text(out)
    for name in ("Garderie matin", "Cantine", "Garderie soir", "Bus 8h30", "Bus 16h30"):
        assert f"Liste de présence — {name}" in text
    assert "Liste de présence — TAP" not in text  # Tuesday and Friday only
    assert "Document confidentiel" in text  # the system prints with the health marks


def test_one_activity_without_health_data_matches_the_meal_count(town, tmp_path, capsys):
    out = tmp_path / "cantine.pdf"
    args = ["--db", str(town), "attendance", "--date", THURSDAY, "--activity", "cantine"]
    assert main([*args, "--out", str(out), "--sans-sante"]) == 0
    text = _text(out)
    assert "Liste de présence — Cantine" in text and "Garderie" not in text
    assert "confidentiel" not in text and "PAI" not in text
    booked = int(re.search(r"(\d+) enfants inscrits", text).group(1))
    capsys.readouterr()
    csv_path = tmp_path / "repas.csv"
    command = ["--db", str(town), "meals", "--from", THURSDAY, "--to", THURSDAY]
    assert main([*command, "--csv", str(csv_path)]) == 0
    printed = capsys.readouterr().out
    assert re.search(rf"26/11/2026 \((définitif|PROVISOIRE)\) : {booked} repas", printed)
    with csv_path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert sum(int(row[3]) for row in rows[1:]) == booked


def test_meals_over_a_week_as_pdf(town, tmp_path, capsys):
    pdf = tmp_path / "repas.pdf"
    command = ["--db", str(town), "meals", "--from", "2026-11-23", "--to", "2026-11-27"]
    assert main([*command, "--out", str(pdf)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Commande de repas — Cantine")
    assert "25/11/2026" not in printed  # no canteen on Wednesday
    assert "Total :" in printed and f"PDF : {pdf}" in printed
    assert "Commande de repas — Cantine" in _text(pdf)


def test_mistakes_are_said_in_french(town, tmp_path, capsys):
    out = str(tmp_path / "x.pdf")
    base = ["--db", str(town), "attendance", "--out", out]
    assert main([*base, "--date", THURSDAY, "--activity", "PISCINE"]) == 1
    assert "Aucune activité n'a le code « PISCINE »" in capsys.readouterr().err
    assert main([*base, "--date", "2026-11-11", "--activity", "CANTINE"]) == 1
    assert "Cantine n'a pas lieu le 11/11/2026" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base, "--date", "26/11/2026"])
    assert "écrivez-la AAAA-MM-JJ" in capsys.readouterr().err
    meals = ["--db", str(town), "meals", "--from", "2026-11-27", "--to", "2026-11-23"]
    assert main(meals) == 1
    assert "La fin de la période doit venir après son début." in capsys.readouterr().err


def test_caf_hours_of_a_month_as_pdf_and_csv(town, tmp_path, capsys):
    pdf, csv_path = tmp_path / "caf.pdf", tmp_path / "caf.csv"
    command = ["--db", str(town), "caf", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert main([*command, "--out", str(pdf), "--csv", str(csv_path)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Heures CAF / MSA du 01/11/2026 au 30/11/2026")
    forecast = re.search(r"Garderie matin : (\d+) h (\d\d) prévues", printed)
    assert forecast is not None and "Garderie soir :" in printed
    text = _text(pdf)
    assert "Heures CAF / MSA" in text and "Garderie matin" in text
    assert f"{forecast.group(1)} h {forecast.group(2)}" in text
    with csv_path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    morning = [row for row in rows[1:] if row[0] == "Garderie matin"]
    minutes = sum(round(float(row[8].replace(",", ".")) * 60) for row in morning)
    assert minutes == int(forecast.group(1)) * 60 + int(forecast.group(2))


def test_a_bad_caf_period_is_said_in_french(town, tmp_path, capsys):
    base = ["--db", str(town), "caf", "--out", str(tmp_path / "caf.pdf")]
    assert main([*base, "--from", "2026-11-30", "--to", "2026-11-01"]) == 1
    assert "La date de fin doit être le même jour" in capsys.readouterr().err
    assert main([*base, "--from", "2026-09-01", "--to", "2027-09-01"]) == 1
    assert "ne peut pas dépasser un an" in capsys.readouterr().err
