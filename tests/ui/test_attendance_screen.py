"""The « Listes et présences » screen, used like the coordinator does: choose the day and the
activity, mark the presence from the keyboard, save, print the lists, look at the meal counts
and the checks, export them."""

from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.presence import presence_sheet
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.families.dossiers import save_family, validate_family
from eticket_desk.ui import messages
from eticket_desk.ui.attendance import AttendanceScreen
from eticket_desk.ui.attendance.presence_model import Column
from tests.conftest import complete_family, validated_family

THURSDAY = date(2026, 11, 26)
NAMES = (("Dupont", "Léa"), ("Martin", "Hugo"), ("Bernard", "Inès"))


@pytest.fixture
def previews(monkeypatch) -> list:
    shown = []
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: shown.append((path, title)),
    )
    return shown


@pytest.fixture
def thursday(store, admin, schools, activities, clock):
    """Three children at the canteen on Thursday 26 November; it is 17:00 that day."""
    families = []
    for last, first in NAMES:
        family = validated_family(store, admin, schools, last_name=last, child_first_name=first)
        book_day(store, admin, family.children[0].id, activities["CANTINE"].id, THURSDAY)
        families.append(family)
    clock.current = datetime(2026, 11, 26, 17, 0)
    return families


@pytest.fixture
def screen(qtbot, ctx, thursday):
    screen = AttendanceScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    screen.select_activity("Cantine")
    return screen


def _cell(screen, row: int, column: Column) -> str:
    model = screen.presence_tab.model
    return model.data(model.index(row, column))


def _names(screen) -> list[str]:
    return [_cell(screen, r, Column.CHILD) for r in range(screen.presence_tab.model.rowCount())]


def test_the_day_and_its_activities(screen):
    assert screen.day_label.text() == "Jeudi 26 novembre 2026"
    items = [screen.activity_combo.itemText(i) for i in range(screen.activity_combo.count())]
    assert items == ["Cantine", "Bus 8h30"]  # TAP runs on Tuesday and Friday
    assert _names(screen) == ["BERNARD Inès", "DUPONT Léa", "MARTIN Hugo"]
    assert screen.presence_tab.counts_label.text() == "3 inscrits : 3 non pointés"
    # The activity chosen stays chosen over a day it does not run (no TAP on Wednesday).
    screen.go_to(date(2026, 11, 24))
    screen.select_activity("TAP")
    screen.go_to(date(2026, 11, 25))
    assert screen.activity_combo.currentText() == "Bus 8h30"
    screen.go_to(date(2026, 11, 27))
    assert screen.activity_combo.currentText() == "TAP"


def test_marking_from_the_keyboard_and_saving(qtbot, screen, store, admin, activities):
    tab = screen.presence_tab
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_A)  # Inès: absent, no certificate
    qtbot.keyClick(tab.table, Qt.Key.Key_C)  # Léa: absent with a medical certificate
    qtbot.keyClick(tab.table, Qt.Key.Key_P)  # Hugo: present
    assert _cell(screen, 0, Column.MARK) == "Absent non justifié (à enregistrer)"
    assert _cell(screen, 1, Column.MARK) == "Absent justifié (à enregistrer)"
    assert _cell(screen, 2, Column.MARK) == "Présent (à enregistrer)"
    certificate = tab.model.index(1, Column.CERTIFICATE)
    assert tab.model.data(certificate, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert "3 pointages à enregistrer" in tab.counts_label.text()
    assert tab.save_button.isEnabled()

    qtbot.keyClick(tab.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "Pointage enregistré — Cantine du 26/11/2026" in tab.saved_label.text()
    assert "1 présent, 1 absent non justifié, 1 absent avec certificat" in tab.saved_label.text()
    assert _cell(screen, 2, Column.MARK) == "Présent"
    assert not tab.save_button.isEnabled()
    sheet = presence_sheet(store, admin, activities["CANTINE"].id, THURSDAY)
    assert [r.state for r in sheet.rows] == [
        BookingState.ABSENT_UNJUSTIFIED,
        BookingState.ABSENT_JUSTIFIED,
        BookingState.PRESENT,
    ]


def test_the_certificate_box_and_everyone_else_present(qtbot, screen):
    tab = screen.presence_tab
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_A)
    box = tab.model.index(0, Column.CERTIFICATE)
    assert tab.model.setData(box, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert _cell(screen, 0, Column.MARK) == "Absent justifié (à enregistrer)"
    qtbot.mouseClick(tab.all_present_button, Qt.MouseButton.LeftButton)
    assert [_cell(screen, r, Column.MARK) for r in (1, 2)] == ["Présent (à enregistrer)"] * 2
    assert "2 présents, 1 absent avec certificat" in tab.counts_label.text()
    # Espace takes a mark back.
    tab.table.setCurrentIndex(tab.model.index(2, Column.MARK))
    qtbot.keyClick(tab.table, Qt.Key.Key_Space)
    assert _cell(screen, 2, Column.MARK) == "Non pointé"


def test_changing_day_with_marks_not_saved_offers_to_save(qtbot, screen, monkeypatch):
    asked = []
    monkeypatch.setattr(messages, "ask_yes_no", lambda *args: asked.append(args) or True)
    tab = screen.presence_tab
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_P)
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "ne sont pas enregistrés" in asked[0][2]
    assert screen.day_label.text() == "Vendredi 27 novembre 2026"
    # Friday is still to come: nobody is booked, and nothing can be marked.
    assert tab.model.rowCount() == 0
    qtbot.mouseClick(screen.previous_button, Qt.MouseButton.LeftButton)
    assert _cell(screen, 0, Column.MARK) == "Présent"  # saved on the way


def test_a_day_to_come_is_read_only(qtbot, screen, store, admin, activities, thursday, clock):
    clock.current = datetime(2026, 11, 25, 16, 0)  # Wednesday afternoon: tomorrow's lists
    qtbot.mouseClick(screen.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    tab = screen.presence_tab
    assert "n'est pas encore passé" in tab.status_label.text()
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_P)
    assert _cell(screen, 0, Column.MARK) == "Non pointé"
    assert not tab.save_button.isEnabled()


def test_printing_the_lists_opens_the_preview(qtbot, screen, previews):
    qtbot.mouseClick(screen.print_all_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.print_one_button, Qt.MouseButton.LeftButton)
    (every, every_title), (one, one_title) = previews
    assert every_title == "Listes de présence du 26/11/2026"
    assert one_title == "Liste de présence — Cantine du 26/11/2026"
    assert every.name == "Listes 2026-11-26.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(str(one)).pages)
    for last, first in NAMES:
        assert f"{last.upper()} {first}" in text
    assert "Arachide" in text  # the administrator may see health data
    screen.health_check.setChecked(False)
    qtbot.mouseClick(screen.print_one_button, Qt.MouseButton.LeftButton)
    plain = " ".join(page.extract_text() for page in PdfReader(str(previews[-1][0])).pages)
    assert "Arachide" not in plain and "DUPONT Léa" in plain


def test_meal_counts_of_the_week_and_their_csv(qtbot, screen, previews, monkeypatch, tmp_path):
    screen.tabs.setCurrentWidget(screen.meals_tab)
    tab = screen.meals_tab
    assert (tab.period.start, tab.period.end) == (date(2026, 11, 23), date(2026, 11, 27))
    rows = tab.model.rows
    thursday = [r for r in rows if r[0].endswith("26/11")]
    assert thursday[0][1] == "École Jules Ferry" and thursday[0][2] == "3"
    assert thursday[0][3] == "3"  # the three children eat sans porc (complete_family's diet)
    assert rows[-1][0] == "Total" and rows[-1][2] == "3"
    # Thursday 17:00: Friday's deadline (Thursday 10:00) has passed too.
    assert tab.summary_label.text().startswith("Tous les jours sont définitifs")
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    assert previews[-1][1] == "Commande de repas"
    target = tmp_path / "repas.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(tab.csv_button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8-sig", newline="") as file:
        exported = list(csv.reader(file, delimiter=";"))
    assert exported[0][3] == "Repas inscrits" and len(exported) == 1 + 4 * 2
    assert f"Commande exportée : {target}" == tab.summary_label.text()


def test_unconsumed_bookings_open_the_family(qtbot, screen, thursday):
    tab = screen.presence_tab
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_A)  # Inès BERNARD, absent without a word
    qtbot.keyClick(tab.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    screen.tabs.setCurrentWidget(screen.unconsumed_tab)
    checks = screen.unconsumed_tab
    assert checks.model.rows == [
        ("BERNARD Marie", thursday[2].reference, "BERNARD Inès", "Cantine", "1", "26/11")
    ]
    assert checks.summary_label.text().startswith("1 jour réservé non consommé")
    with qtbot.waitSignal(screen.family_requested) as opened:
        checks.table.doubleClicked.emit(checks.model.index(0, 2))
    assert opened.args == [thursday[2].id]


def test_the_bus_fares_tab_says_when_every_fare_is_kept(screen):
    screen.tabs.setCurrentWidget(screen.bus_tab)
    assert screen.bus_tab.model.rowCount() == 0
    assert "respectent les forfaits payés" in screen.bus_tab.summary_label.text()


def test_the_coordinator_opens_it_from_the_navigation(qtbot, store, coordinator, thursday):
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.main_window import MainWindow
    from eticket_desk.ui.tasks import ImmediateRunner

    window = MainWindow(AppContext(store, coordinator, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[labels.index("Fréquentation") + 1] == "Listes et présences"
    window.show_page("attendance")
    screen = window.current_screen()
    assert isinstance(screen, AttendanceScreen)
    screen.family_requested.emit(thursday[0].id)  # a double click in the checks' tables
    editor = window.editors[thursday[0].id]
    assert editor.isVisible()


def test_the_option_with_diets_shows_their_column_on_screen_too(qtbot, screen):
    tab = screen.presence_tab
    assert screen.health_check.isChecked()
    assert not tab.table.isColumnHidden(Column.HEALTH) and tab.table.columnWidth(Column.HEALTH)
    title = tab.model.headerData(Column.HEALTH, Qt.Orientation.Horizontal)
    assert title == "Régime, allergies, PAI"
    assert _cell(screen, 0, Column.HEALTH) == "sans porc · PAI · Allergies : Arachide"
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_P)  # a mark not saved yet, then the option off
    screen.health_check.setChecked(False)
    assert tab.table.isColumnHidden(Column.HEALTH)
    assert _cell(screen, 0, Column.HEALTH) == ""  # not even loaded
    assert _cell(screen, 0, Column.MARK) == "Présent (à enregistrer)"
    screen.health_check.setChecked(True)
    assert not tab.table.isColumnHidden(Column.HEALTH)
    assert _cell(screen, 1, Column.HEALTH).startswith("sans porc")
    assert _cell(screen, 0, Column.MARK) == "Présent (à enregistrer)"


def test_an_agent_never_sees_the_diets_column(qtbot, store, agent, thursday):
    from eticket_desk.ui.attendance.presence_tab import PresenceTab
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    tab = PresenceTab(AppContext(store, agent, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(tab)
    tab.with_health = True  # asked for, not allowed
    tab.load(next(iter(_cantine(store, agent))), THURSDAY)

    assert tab.model.rowCount() == 3
    assert tab.table.isColumnHidden(Column.HEALTH)
    assert all(_cell_of(tab, r, Column.HEALTH) == "" for r in range(3))


def test_home_and_end_go_to_the_first_and_the_last_child(qtbot, screen):
    tab = screen.presence_tab
    tab.focus_table()
    qtbot.keyClick(tab.table, Qt.Key.Key_End)
    assert (tab.table.currentIndex().row(), tab.table.currentIndex().column()) == (2, Column.MARK)
    qtbot.keyClick(tab.table, Qt.Key.Key_Home)
    assert (tab.table.currentIndex().row(), tab.table.currentIndex().column()) == (0, Column.MARK)
    qtbot.keyClick(tab.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert tab.table.currentIndex().row() == 2
    qtbot.keyClick(tab.table, Qt.Key.Key_P)  # marking still works from there
    assert _cell(screen, 2, Column.MARK) == "Présent (à enregistrer)"


def test_the_numbers_on_screen_are_those_of_the_printed_list(
    qtbot, ctx, store, admin, schools, activities, thursday, clock, previews
):
    data = complete_family(schools, last_name="Abadie", child_first_name="Zoé")
    ce1 = next(c for c in schools[0].classes if c.name == "CE1")
    data.children[0].class_id = ce1.id
    zoe = save_family(store, admin, data)
    validate_family(store, admin, zoe.id)
    clock.current = datetime(2026, 11, 20, 9, 0)
    book_day(store, admin, zoe.children[0].id, activities["CANTINE"].id, THURSDAY)
    clock.current = datetime(2026, 11, 26, 17, 0)
    screen = AttendanceScreen(ctx)
    qtbot.addWidget(screen)
    screen.select_activity("Cantine")

    rows = [
        (_cell(screen, r, Column.NUMBER), _cell(screen, r, Column.CLASS), _names(screen)[r])
        for r in range(screen.presence_tab.model.rowCount())
    ]
    assert rows == [
        ("1", "CP", "BERNARD Inès"),
        ("2", "CP", "DUPONT Léa"),
        ("3", "CP", "MARTIN Hugo"),
        ("1", "CE1", "ABADIE Zoé"),  # numbered in its class, as on the paper
    ]
    qtbot.mouseClick(screen.print_one_button, Qt.MouseButton.LeftButton)
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(str(previews[-1][0])).pages
    )
    for number, class_name, name in rows:  # under its class's band, with its number
        band = f"École Jules Ferry · {class_name} — "
        rows_of_class = text.split(band)[1].split("École Jules Ferry ·")[0].split("Total")[0]
        assert f"{number} {name} " in rows_of_class


def _cantine(store, actor):
    from eticket_desk.services.attendance.lists import activities_of_day

    return [a.id for a in activities_of_day(store, THURSDAY) if a.code == "CANTINE"]


def _cell_of(tab, row: int, column: Column) -> str:
    return tab.model.data(tab.model.index(row, column))
