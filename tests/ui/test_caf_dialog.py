"""« Heures CAF / MSA… » from the attendance screen: the month's table as the PDF shows it,
a period ending before it starts refused in French beside the dates, the CSV written."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, Qt

from eticket_desk.ui import pdf_preview
from eticket_desk.ui.attendance import caf_dialog
from eticket_desk.ui.attendance.attendance_screen import AttendanceScreen
from tests.services.caf_fixtures import MON, TUE, WED, booked_child, mark, morning_garderie


@pytest.fixture(autouse=True)
def _no_unanswered_box(unexpected_boxes):
    return unexpected_boxes


@pytest.fixture
def november(store, admin, schools, school_year, clock):
    matin = morning_garderie(store, admin)
    lea = booked_child(store, admin, schools, matin, [MON, TUE, WED])
    clock.current = datetime(2026, 11, 20, 9, 0)
    mark(store, admin, lea, [MON, WED])  # 1 h + 0 h 45 (the Wednesday cap)


def _open(qtbot, ctx):
    screen = AttendanceScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.mouseClick(screen.caf_button, Qt.MouseButton.LeftButton)
    return screen, screen.caf_dialog


def _row(dialog, first: str) -> tuple[str, ...]:
    return next(row for row in dialog.model.rows if row[0] == first)


def test_the_month_is_shown_by_age_band_and_regime(qtbot, ctx, november):
    _screen, dialog = _open(qtbot, ctx)
    assert dialog.isVisible()
    rows = dialog.model.rows
    assert rows[0][0] == "Garderie matin — 7 h 30 – 8 h 30 (mercredi : 0 h 45 au plus)"
    assert _row(dialog, "novembre 2026") == (
        "novembre 2026", "prévues", "0 h 00", "0 h 00", "0 h 00", "2 h 45", "0 h 00", "0 h 00",
        "2 h 45",
    )  # fmt: skip
    assert rows[-1][1:] == ("réalisées", "0 h 00", "0 h 00", "0 h 00", "1 h 45", "0 h 00",
                            "0 h 00", "1 h 45")  # fmt: skip
    assert dialog.pdf_button.isEnabled()


def test_a_period_ending_before_it_starts_is_refused(qtbot, ctx, november):
    _screen, dialog = _open(qtbot, ctx)
    dialog.to_edit.setDate(QDate(2026, 10, 1))
    qtbot.keyClick(dialog.compute_button, Qt.Key.Key_Space)
    assert dialog.range_error.isVisible() or not dialog.range_error.isHidden()
    assert "La date de fin doit être le même jour" in dialog.range_error.text()
    assert dialog.model.rowCount() == 0
    assert not dialog.csv_button.isEnabled()


def test_the_csv_and_the_pdf_are_written(qtbot, ctx, november, tmp_path, monkeypatch):
    _screen, dialog = _open(qtbot, ctx)
    out = tmp_path / "caf.csv"
    monkeypatch.setattr(caf_dialog, "ask_csv_path", lambda *args: out)
    qtbot.mouseClick(dialog.csv_button, Qt.MouseButton.LeftButton)
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows[1][0] == "Garderie matin" and rows[1][8:] == ["2,75", "1,75"]
    assert dialog.summary.text() == f"CSV enregistré : {out}"
    shown = []
    monkeypatch.setattr(pdf_preview, "preview", lambda path, title, parent: shown.append(title))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert shown == ["Heures CAF / MSA du 01/11/2026 au 30/11/2026"]
    assert date(2026, 11, 1) == dialog.period()[0]
