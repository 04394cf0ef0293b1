"""The « Calendrier » screen, used like a person would: years, the year view, closures, rights."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from devtools.screenshots.calendar import render_calendar_screens
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.calendar import ClosureKind
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import PermissionDenied
from eticket_desk.services.catalogue import calendar
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.core.changes import Topic
from eticket_desk.ui import messages
from eticket_desk.ui.calendar.calendar_screen import CalendarScreen
from eticket_desk.ui.calendar.closure_dialog import ClosureDialog
from eticket_desk.ui.calendar.date_field import parse_french_date
from eticket_desk.ui.calendar.days import DayKind, YearDays
from eticket_desk.ui.calendar.tables import ClosureColumn, PeriodColumn
from eticket_desk.ui.calendar.year_dialog import YearDialog, default_first_year
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import ImmediateRunner, TaskRunner

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def shown_errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, exc, title="": shown.append(messages.error_text(exc))
    )
    return shown


@pytest.fixture
def answers(monkeypatch) -> list[str]:
    """Questions asked with ask_yes_no, answered yes."""
    asked: list[str] = []
    monkeypatch.setattr(
        messages, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    return asked


@pytest.fixture
def agent_ctx(qapp, store, agent) -> AppContext:
    return AppContext(store, agent, ImmediateRunner(), ChangeBus())


@pytest.fixture
def year_2026(store, admin):
    calendar.create_school_year(store, admin, 2026)
    return calendar.list_school_years(store)[0]


@pytest.fixture
def canteen(store, admin) -> ActivitySpec:
    rule = DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0))
    return save_activity(
        store, admin, ActivitySpec("CANTINE", "Cantine", (0, 1, 3, 4), rule, BillingMode.UNIT)
    )


def open_screen(qtbot, ctx) -> CalendarScreen:
    screen = CalendarScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    return screen


def column(model, col) -> list[str]:
    return [model.index(row, col).data() for row in range(model.rowCount())]


def retype(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClicks(editor, text)


# -- pure helpers --------------------------------------------------------------------------------


def test_the_default_year_is_the_one_in_progress_when_missing_else_the_next_rentree():
    assert default_first_year(date(2026, 9, 14), set()) == 2026
    assert default_first_year(date(2026, 9, 14), {2026}) == 2027
    assert default_first_year(date(2027, 3, 2), {2026}) == 2027
    assert default_first_year(date(2027, 7, 10), set()) == 2027
    assert default_first_year(date(2027, 5, 10), {2026, 2027}) == 2028


def test_french_dates_are_read_as_typed():
    assert parse_french_date("03/09/2029") == date(2029, 9, 3)
    assert parse_french_date("3/9/2029") == date(2029, 9, 3)
    assert parse_french_date("03092029") == date(2029, 9, 3)
    assert parse_french_date("31/02/2029") is None
    assert parse_french_date("septembre") is None


def test_every_day_of_the_year_has_a_kind_and_a_reason(store, admin, year_2026):
    calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), "Pont")
    calendar.add_closure(
        store, admin, date(2026, 11, 26), date(2026, 11, 26), "Grève", ("CANTINE",)
    )
    days = YearDays(calendar.list_school_years(store)[0])
    cases = {
        date(2026, 8, 31): (DayKind.OUTSIDE, "Hors année scolaire"),
        date(2026, 9, 1): (DayKind.OPEN, "Jour d'école"),
        date(2026, 9, 5): (DayKind.WEEKEND, "Week-end"),
        date(2026, 10, 20): (DayKind.SCHOOL_HOLIDAY, "Vacances de la Toussaint"),
        date(2026, 11, 11): (DayKind.PUBLIC_HOLIDAY, "Armistice"),
        date(2026, 11, 12): (DayKind.LOCAL_CLOSURE, "Pont"),
        date(2026, 11, 26): (DayKind.OPEN, "Jour d'école"),  # closed for the canteen only
    }
    for day, expected in cases.items():
        status = days.status(day)
        assert (status.kind, status.reason) == expected, day
    assert [c.label for c in days.status(date(2026, 11, 26)).partial] == ["Grève"]
    assert days.describe(date(2026, 11, 26), {"CANTINE": "Cantine"}) == (
        "jeudi 26 novembre 2026\nJour d'école\nFermé pour Cantine : Grève"
    )
    # September 2026: 22 weekdays; the first period loses no day to a closure.
    assert days.open_days(date(2026, 9, 1), date(2026, 9, 30)) == 22
    assert days.open_days(date(2026, 11, 9), date(2026, 11, 13)) == 2  # Armistice and the pont


# -- school years ---------------------------------------------------------------------------------


def test_an_empty_calendar_says_how_to_start(qtbot, ctx):
    screen = open_screen(qtbot, ctx)
    assert screen.years_list.count() == 0
    assert "Aucune année scolaire n'est enregistrée" in screen.year_view.empty_text
    assert screen.new_year_button.isEnabled()
    assert not screen.add_closure_button.isEnabled()
    assert screen.add_closure_button.toolTip() == "Créez d'abord une année scolaire."


def test_admin_creates_the_year_through_the_dialog(qtbot, ctx):
    screen = open_screen(qtbot, ctx)
    qtbot.mouseClick(screen.new_year_button, LEFT)
    dialog = screen.findChild(YearDialog)
    assert dialog is not None and dialog.isVisible()

    assert dialog.year_spin.value() == 2026  # the year in progress (14/09/2026) is missing
    assert dialog.year_label.text() == "année scolaire 2026-2027"
    assert dialog.zone_label.text().startswith("Zone A")
    assert dialog.start_value.text() == "mardi 1 septembre 2026"
    assert dialog.end_value.text() == "vendredi 2 juillet 2027"
    assert not dialog.status_label.isVisible()
    holidays = dialog.preview.holidays_label.text()
    assert "Vacances de la Toussaint" in holidays and "du 17/10/2026 au 01/11/2026" in holidays
    assert "Armistice" in dialog.preview.publics_label.text()
    assert "Période 5" in dialog.preview.periods_label.text()
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findText("Trimestres"))
    assert "3e trimestre" in dialog.preview.periods_label.text()
    dialog.mode_combo.setCurrentIndex(dialog.mode_combo.findText("Périodes entre les vacances"))
    qtbot.mouseClick(dialog.create_button, LEFT)

    assert not dialog.isVisible()
    assert screen.years_list.count() == 1
    item_text = screen.years_list.item(0).text()
    assert item_text.startswith("2026-2027 (en cours)")
    assert "du 01/09/2026 au 02/07/2027" in item_text
    assert "Zone A · Périodes entre les vacances" in item_text
    assert screen.selected_year().label == "2026-2027"
    assert screen.year_view.reason_of(date(2026, 10, 20)) == "Vacances de la Toussaint"
    assert screen.year_view.tooltip_of(date(2026, 10, 20)) == (
        "mardi 20 octobre 2026\nVacances de la Toussaint (vacances scolaires)"
    )
    assert column(screen.periods_model, PeriodColumn.NAME) == [f"Période {i}" for i in range(1, 6)]
    open_days = [int(n) for n in column(screen.periods_model, PeriodColumn.OPEN_DAYS)]
    assert screen.year_panel.open_days_label.text() == f"{sum(open_days)} jours d'école"
    assert not screen.year_panel.unknown_banner.isVisible()


def test_the_tooltip_of_a_day_under_the_mouse_gives_its_reason(qtbot, ctx, year_2026):
    screen = open_screen(qtbot, ctx)
    view = screen.year_view
    rect = view.day_rect(date(2026, 11, 11))
    assert rect.isValid() and view.rect().contains(rect)
    assert view.day_at(rect.center().toPointF()) == date(2026, 11, 11)
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), view.mapToGlobal(rect.center()))
    QApplication.sendEvent(view, event)
    assert QToolTip.text() == "mercredi 11 novembre 2026\nArmistice (jour férié)"
    QToolTip.hideText()


def test_a_year_beyond_the_data_is_said_unknown_and_takes_typed_dates(qtbot, ctx, shown_errors):
    first = calendar.holiday_data_years()[1] + 1
    screen = open_screen(qtbot, ctx)
    qtbot.mouseClick(screen.new_year_button, LEFT)
    dialog = screen.findChild(YearDialog)
    retype(qtbot, dialog.year_spin.lineEdit(), str(first))
    label = f"{first}-{first + 1}"

    assert dialog.label() == label
    status = dialog.status_label.text()
    assert dialog.status_label.isVisible()
    assert f"Les vacances scolaires de {label} ne sont pas encore connues" in status
    assert "Vacances de la Toussaint" in status and "ne seront pas devinées" in status
    assert dialog.start_edit.isVisible() and dialog.start_edit.is_empty()
    assert "Inconnues des données installées" in dialog.preview.holidays_label.text()

    qtbot.mouseClick(dialog.create_button, LEFT)
    assert dialog.isVisible()
    assert dialog.errors.message("start") == "Indiquez la date de la rentrée."
    assert dialog.errors.message("end") == "Indiquez la date de la fin des cours."
    assert calendar.list_school_years(ctx.store) == []

    qtbot.keyClicks(dialog.start_edit.line_edit, f"03/09/{first}")
    qtbot.keyClicks(dialog.end_edit.line_edit, f"06/07/{first + 1}")
    assert "Période 1" in dialog.preview.periods_label.text()
    qtbot.mouseClick(dialog.create_button, LEFT)

    assert not dialog.isVisible() and shown_errors == []
    year = screen.selected_year()
    assert (year.label, year.start, year.end) == (
        label,
        date(first, 9, 3),
        date(first + 1, 7, 6),
    )
    banner = screen.year_panel.unknown_banner
    assert banner.isVisible()
    assert "Vacances de la Toussaint, Vacances de Noël" in banner.text()
    assert screen.year_view.reason_of(date(first, 10, 23)) == "Jour d'école"  # never guessed


def test_an_existing_year_is_flagged_before_creating(qtbot, ctx, year_2026):
    screen = open_screen(qtbot, ctx)
    dialog = screen.open_year_dialog()
    assert dialog.year_spin.value() == 2027
    retype(qtbot, dialog.year_spin.lineEdit(), "2026")
    assert dialog.status_label.text() == "L'année scolaire 2026-2027 existe déjà."
    assert not dialog.create_button.isEnabled()


# -- closures -------------------------------------------------------------------------------------


def test_admin_adds_a_closure_through_the_dialog(qtbot, ctx, year_2026, canteen):
    screen = open_screen(qtbot, ctx)
    qtbot.mouseClick(screen.add_closure_button, LEFT)
    dialog = screen.findChild(ClosureDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.start() == date(2026, 9, 14)  # today

    dialog.start_edit.setDate(date(2026, 11, 26))
    assert dialog.end() == date(2026, 11, 26)  # follows the start
    qtbot.keyClicks(dialog.label_edit, "Travaux de la cuisine")
    qtbot.mouseClick(dialog.some_radio, LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.errors.message("activities") == "Cochez au moins une activité."
    dialog.check_activity("Cantine")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert not dialog.isVisible()
    row = column(screen.closures_model, ClosureColumn.LABEL).index("Travaux de la cuisine")
    texts = [screen.closures_model.index(row, c).data() for c in ClosureColumn]
    assert texts == ["Fermeture locale", "Travaux de la cuisine", "jeu. 26/11/2026", "Cantine"]
    assert screen.selected_closure().label == "Travaux de la cuisine"
    assert "Fermé pour Cantine : Travaux de la cuisine" in screen.year_view.tooltip_of(
        date(2026, 11, 26)
    )


def test_double_clicking_a_day_prefills_a_closure_for_every_activity(qtbot, ctx, year_2026):
    screen = open_screen(qtbot, ctx)
    before = screen.year_panel.open_days_label.text()
    view = screen.year_view
    qtbot.mouseDClick(view, LEFT, pos=view.day_rect(date(2026, 11, 13)).center())
    dialog = screen.findChild(ClosureDialog)
    assert dialog is not None
    assert (dialog.start(), dialog.end()) == (date(2026, 11, 13), date(2026, 11, 13))
    assert dialog.span_label.text() == "vendredi 13 novembre 2026 : Jour d'école"
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.errors.message("label").startswith("Indiquez le motif")
    qtbot.keyClicks(dialog.label_edit, "Pont du 11 novembre")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert screen.year_view.status_of(date(2026, 11, 13)).kind == DayKind.LOCAL_CLOSURE
    assert screen.year_view.reason_of(date(2026, 11, 13)) == "Pont du 11 novembre"
    row = column(screen.closures_model, ClosureColumn.LABEL).index("Pont du 11 novembre")
    assert screen.closures_model.index(row, ClosureColumn.ACTIVITIES).data() == "Toutes"
    count = int(before.split()[0])
    assert screen.year_panel.open_days_label.text() == f"{count - 1} jours d'école"


def test_only_local_closures_can_be_removed_after_a_yes(
    qtbot, ctx, store, admin, year_2026, answers
):
    pont = calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), "Pont")
    screen = open_screen(qtbot, ctx)
    labels = column(screen.closures_model, ClosureColumn.LABEL)

    screen.closures_table.selectRow(labels.index("Vacances de la Toussaint"))
    assert not screen.remove_closure_button.isEnabled()
    assert "seules les fermetures locales" in screen.remove_closure_button.toolTip()

    qtbot.mouseClick(
        screen.year_view, LEFT, pos=screen.year_view.day_rect(date(2026, 11, 12)).center()
    )
    assert screen.selected_closure().id == pont  # a click on a day picks its closure
    assert screen.remove_closure_button.isEnabled()
    qtbot.mouseClick(screen.remove_closure_button, LEFT)

    assert answers == [
        "Supprimer la fermeture « Pont » (du 12/11/2026 au 13/11/2026) ? Les activités "
        "concernées rouvriront ces jours-là."
    ]
    assert "Pont" not in column(screen.closures_model, ClosureColumn.LABEL)
    assert screen.year_view.reason_of(date(2026, 11, 12)) == "Jour d'école"
    kinds = {c.kind for c in calendar.list_school_years(store)[0].closures}
    assert ClosureKind.LOCAL not in kinds


def test_saying_no_keeps_the_closure(qtbot, ctx, store, admin, year_2026, monkeypatch):
    calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), "Pont")
    monkeypatch.setattr(messages, "ask_yes_no", lambda parent, title, text: False)
    screen = open_screen(qtbot, ctx)
    screen.closures_table.selectRow(
        column(screen.closures_model, ClosureColumn.LABEL).index("Pont")
    )
    qtbot.mouseClick(screen.remove_closure_button, LEFT)
    assert "Pont" in column(screen.closures_model, ClosureColumn.LABEL)


# -- rights and refresh ---------------------------------------------------------------------------


def test_an_agent_sees_the_calendar_with_disabled_buttons(
    qtbot, agent_ctx, store, agent, year_2026
):
    screen = open_screen(qtbot, agent_ctx)
    assert screen.selected_year().label == "2026-2027"
    assert screen.year_view.reason_of(date(2026, 10, 20)) == "Vacances de la Toussaint"
    screen.closures_table.selectRow(0)
    reason = "Votre profil (Agent d'accueil) ne permet pas de modifier le calendrier."
    for button in (screen.new_year_button, screen.add_closure_button, screen.remove_closure_button):
        assert not button.isEnabled()
        assert button.toolTip() == reason
    assert screen.read_only_label.isVisible()
    assert screen.read_only_label.text() == f"Consultation seulement : {reason}"
    qtbot.mouseDClick(
        screen.year_view, LEFT, pos=screen.year_view.day_rect(date(2026, 11, 13)).center()
    )
    assert screen.findChild(ClosureDialog) is None
    with pytest.raises(PermissionDenied):
        calendar.add_closure(store, agent, date(2026, 11, 13), date(2026, 11, 13), "Pont")


def test_the_screen_follows_changes_announced_on_the_bus(qtbot, ctx, store, admin):
    screen = open_screen(qtbot, ctx)
    calendar.create_school_year(store, admin, 2026)
    assert screen.years_list.count() == 0
    ctx.bus.announce(Topic.FAMILIES)
    assert screen.years_list.count() == 0
    ctx.bus.announce(Topic.CALENDAR)
    assert screen.years_list.count() == 1
    assert screen.selected_year().label == "2026-2027"


def test_the_screen_fits_the_smallest_window(qtbot, ctx, year_2026):
    screen = open_screen(qtbot, ctx)
    hint = screen.minimumSizeHint()
    assert hint.width() <= 1100 and hint.height() <= 700
    assert screen.size().width() == 1100
    first = screen.year_view.day_rect(date(2026, 9, 1))
    last = screen.year_view.day_rect(date(2027, 8, 31))
    assert screen.year_view.rect().contains(first) and screen.year_view.rect().contains(last)


def test_screenshots_are_rendered(qtbot, ctx, store, admin, year_2026, tmp_path):
    calendar.add_closure(store, admin, date(2026, 11, 12), date(2026, 11, 13), "Pont")
    paths = render_calendar_screens(ctx, tmp_path)
    assert [p.name for p in paths] == [
        "calendar_year.png",
        "calendar_new_year.png",
        "calendar_new_year_unknown.png",
    ]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_the_screen_and_dialog_load_in_the_background(qtbot, store, admin, year_2026):
    runner = TaskRunner()
    ctx = AppContext(store, admin, runner, ChangeBus())
    screen = CalendarScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.years_list.count() == 1)
    dialog = screen.open_year_dialog()
    qtbot.waitUntil(lambda: dialog.draft is not None)
    assert dialog.label() == "2027-2028"
    assert "Vacances de la Toussaint" in dialog.preview.holidays_label.text()
    dialog.close()
    assert runner.wait()
