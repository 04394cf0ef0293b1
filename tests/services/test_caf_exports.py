"""The CAF / MSA hours written out: the PDF read back shows the hours as the screen does, the
CSV is the partner's (semicolons, UTF-8 BOM, decimal comma), the export is audited."""

from __future__ import annotations

import csv
from datetime import date, datetime

from pypdf import PdfReader

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.caf_exports import export_caf_hours
from eticket_desk.services.core.audit import list_audit
from tests.services.caf_fixtures import MON, THU, TUE, WED, booked_child, mark, morning_garderie


def _november(store, admin, schools, school_year, clock):
    matin = morning_garderie(store, admin)
    lea = booked_child(store, admin, schools, matin, [MON, TUE, WED, THU])
    tom = booked_child(store, admin, schools, matin, [MON, TUE], last_name="Martin", regime="msa")
    clock.current = datetime(2026, 12, 1, 9, 0)
    mark(store, admin, lea, [MON, WED, THU])  # 60 + 45 (the Wednesday cap) + 60
    mark(store, admin, lea, [TUE], BookingState.ABSENT_UNJUSTIFIED)
    mark(store, admin, tom, [MON, TUE])
    return lea, tom


def test_the_pdf_reads_back_the_hours(store, admin, schools, school_year, clock, tmp_path):
    _november(store, admin, schools, school_year, clock)
    done = export_caf_hours(
        store, admin, date(2026, 11, 1), date(2026, 11, 30), tmp_path / "caf.pdf"
    )
    text = " ".join(page.extract_text() for page in PdfReader(done.pdf).pages)
    text = " ".join(text.split())
    assert "Commune de Neuvecelle" in text
    assert "Du 1 novembre 2026 au 30 novembre 2026" in text or "1er novembre 2026" in text
    assert "Garderie matin" in text
    assert "novembre 2026" in text
    # Léa (CAF, 7 years): 3 h 45 booked, 2 h 45 present; Tom (MSA): 2 h 00 both.
    assert "prévues 0 h 00 0 h 00 0 h 00 3 h 45 2 h 00 0 h 00 5 h 45" in text
    assert "réalisées 0 h 00 0 h 00 0 h 00 2 h 45 2 h 00 0 h 00 4 h 45" in text
    assert "Total de la période" in text
    [entry] = [e for e in list_audit(store, admin) if e.entity == "Heures CAF / MSA"]
    assert "Heures CAF / MSA du 01/11/2026 au 30/11/2026" in entry.summary


def test_the_csv_is_the_partners(store, admin, schools, school_year, clock, tmp_path):
    _november(store, admin, schools, school_year, clock)
    done = export_caf_hours(
        store,
        admin,
        date(2026, 11, 1),
        date(2026, 11, 30),
        csv=tmp_path / "caf.csv",
        with_pdf=False,
    )
    assert done.pdf is None
    raw = done.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0][:3] == ["Activité", "Mois", "Nom"]
    assert rows[1] == [
        "Garderie matin",
        "2026-11",
        "DUPONT",
        "Léa",
        "03/05/2019",
        "6 ans et plus",
        "CAF",
        "1234567",
        "3,75",
        "2,75",
    ]
    assert rows[2][2] == "MARTIN" and rows[2][6] == "MSA" and rows[2][8:] == ["2,00", "2,00"]
