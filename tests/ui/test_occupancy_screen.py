"""The « Fréquentation » screen: a person switches week and month, picks an activity or a
school, and reads the chart's tooltips and the table's « booked/capacity (+waiting) »."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from eticket_desk.services.catalogue.calendar import create_school_year
from eticket_desk.services.core.changes import Topic
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.occupancy.occupancy_screen import OccupancyScreen
from eticket_desk.ui.occupancy.table_model import FULL_BACKGROUND
from eticket_desk.ui.tasks import ImmediateRunner
from tests.services.test_occupancy import book, make_activity, make_children

THURSDAY = date(2026, 9, 17)


@pytest.fixture
def town(store, admin, schools):
    create_school_year(store, admin, 2026)
    bus = make_activity(store, admin, "BUS_MATIN", "Bus 8h30", 2, colour="#16a34a")
    canteen = make_activity(store, admin, "CANTINE", "Cantine", 250, colour="#dc2626")
    children = make_children(store, admin, schools, 3)
    for child in children:
        book(store, admin, child, bus, THURSDAY)
    book(store, admin, children[0], canteen, THURSDAY)
    return bus, canteen, children


@pytest.fixture
def screen(qtbot, ctx, town):
    widget = OccupancyScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    return widget


def header(screen) -> list[str]:
    model = screen.model
    return [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(model.columnCount())
    ]


def cell(screen, activity: str, column: str, role=Qt.ItemDataRole.DisplayRole):
    model = screen.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == activity)
    return model.index(row, header(screen).index(column)).data(role)


def test_the_week_shows_booked_over_capacity_and_the_waiting_list(screen):
    assert screen.period_label.text() == "Semaine du 14 au 18 septembre 2026"
    assert header(screen)[:6] == ["Activité", "lun. 14", "mar. 15", "mer. 16", "jeu. 17", "ven. 18"]
    assert cell(screen, "Bus 8h30", "jeu. 17") == "2/2 (+1)"
    assert cell(screen, "Bus 8h30", "jeu. 17", Qt.ItemDataRole.BackgroundRole) == FULL_BACKGROUND
    assert cell(screen, "Bus 8h30", "ven. 18") == "0/2"
    assert cell(screen, "Bus 8h30", "mer. 16") == "—"  # no bus on Wednesdays
    assert cell(screen, "Bus 8h30", "mer. 16", Qt.ItemDataRole.ToolTipRole) == (
        "Bus 8h30 — mercredi 16 septembre : fermé (Bus 8h30 n'a pas lieu le mercredi)"
    )
    assert cell(screen, "Cantine", "jeu. 17") == "1/250"
    assert cell(screen, "Bus 8h30", "Jours complets") == "1"
    assert cell(screen, "Bus 8h30", "Maximum") == "2"


def test_hovering_a_bar_tells_its_numbers(screen):
    bar = next(
        b for b in screen.chart.bars() if b.activity.name == "Bus 8h30" and b.item.day == THURSDAY
    )
    point = bar.slot.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, point, screen.chart.mapToGlobal(point))
    QApplication.sendEvent(screen.chart, event)

    assert QToolTip.text() == (
        "Bus 8h30 — jeudi 17 septembre : 2 réservés / 2 places, 1 en liste d'attente"
    )
    QToolTip.hideText()


def test_switching_to_the_month_and_on_to_the_holidays(qtbot, screen):
    qtbot.mouseClick(screen.month_button, Qt.MouseButton.LeftButton)

    assert screen.period_label.text() == "Septembre 2026"
    days = header(screen)[1:-3]
    assert days[0] == "mar. 1" and days[-1] == "mer. 30"
    assert len(days) == 22  # the weekdays of September, no weekend
    assert cell(screen, "Bus 8h30", "jeu. 17") == "2/2 (+1)"

    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)

    assert screen.period_label.text() == "Octobre 2026"
    assert cell(screen, "Cantine", "lun. 19") == "fermé"
    assert "Vacances de la Toussaint" in cell(
        screen, "Cantine", "lun. 19", Qt.ItemDataRole.ToolTipRole
    )
    assert any(reason == "Vacances de la Toussaint" for *_, reason in screen.chart.closed_runs())

    qtbot.mouseClick(screen.week_button, Qt.MouseButton.LeftButton)
    assert screen.period_label.text() == "Semaine du 12 au 16 octobre 2026"


def test_previous_today_and_the_date_edit_move_the_week(qtbot, screen):
    qtbot.mouseClick(screen.previous_button, Qt.MouseButton.LeftButton)
    assert screen.period_label.text() == "Semaine du 7 au 11 septembre 2026"

    screen.date_edit.setDate(QDate(2026, 9, 30))
    assert screen.period_label.text() == "Semaine du 28 septembre au 2 octobre 2026"

    qtbot.mouseClick(screen.today_button, Qt.MouseButton.LeftButton)
    assert screen.period_label.text() == "Semaine du 14 au 18 septembre 2026"
    assert cell(screen, "Bus 8h30", "jeu. 17") == "2/2 (+1)"


def test_choosing_one_activity_draws_one_bar_per_day(screen):
    combo = screen.activity_combo
    assert combo.itemText(0) == "Toutes les activités"
    combo.setCurrentIndex(combo.findText("Bus 8h30"))

    assert screen.model.rowCount() == 1
    assert cell(screen, "Bus 8h30", "jeu. 17") == "2/2 (+1)"
    assert {b.activity.name for b in screen.chart.bars()} == {"Bus 8h30"}
    assert len(screen.chart.bars()) == 5

    combo.setCurrentIndex(0)
    assert screen.model.rowCount() == 2


def test_choosing_a_school_counts_its_children_only(screen, schools):
    combo = screen.school_combo
    assert combo.itemText(0) == "Toutes les écoles"
    combo.setCurrentIndex(combo.findText(schools[1].name))  # nobody booked there
    assert cell(screen, "Bus 8h30", "jeu. 17") == "0/2"

    combo.setCurrentIndex(combo.findText(schools[0].name))
    assert cell(screen, "Bus 8h30", "jeu. 17") == "2/2 (+1)"


def test_a_new_booking_shows_when_the_bus_announces_it(screen, store, admin, schools, town):
    bus, _, _ = town
    [child] = make_children(store, admin, schools, 1, school_index=1)
    book(store, admin, child, bus, date(2026, 9, 18))
    assert cell(screen, "Bus 8h30", "ven. 18") == "0/2"

    screen._ctx.bus.announce(Topic.BOOKINGS)

    assert cell(screen, "Bus 8h30", "ven. 18") == "1/2"


def test_the_agent_is_told_the_view_is_not_for_their_profile(qtbot, store, agent, town):
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    widget = OccupancyScreen(ctx)
    qtbot.addWidget(widget)
    widget.show()

    assert widget.denied_label.isVisible()
    assert "Votre profil (Agent d'accueil) ne permet pas" in widget.denied_label.text()
    assert widget.model.rowCount() == 0
