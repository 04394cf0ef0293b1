"""The week grid driven like an agent does: clicks, Space, arrows, links, weeks."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.cells import CellState
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.planning import WeekGrid
from eticket_desk.ui.planning import week_grid as week_grid_module
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import validated_family


@pytest.fixture
def family(store, admin, schools, activities):
    return validated_family(store, admin, schools)


def _grid(qtbot, ctx, family, day=date(2026, 9, 21)) -> WeekGrid:
    grid = WeekGrid(ctx, family.id)
    qtbot.addWidget(grid)
    grid.resize(1000, 600)
    grid.show()
    grid.go_to(day)
    return grid


def _row(grid: WeekGrid, code: str) -> int:
    return next(
        i
        for i, r in enumerate(grid.model.rows)
        if r.activity is not None and r.activity.code == code
    )


def _click(qtbot, grid: WeekGrid, row: int, column: int) -> None:
    rect = grid.table.visualRect(grid.model.index(row, column))
    qtbot.mouseClick(grid.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _cell(grid: WeekGrid, row: int, column: int):
    return grid.model.cell_at(row, column)


def _booked_days(store, admin, family, code, day):
    plan = load_week(store, admin, family.id, day)
    row = next(r for r in plan.children[0].rows if r.code == code)
    return [c.day.day for c in row.cells if c.booking == BookingState.BOOKED]


def test_click_books_space_cancels_arrows_move(qtbot, ctx, store, admin, family):
    grid = _grid(qtbot, ctx, family)
    assert grid.title.text() == "Semaine du lundi 21 au vendredi 25 septembre 2026"
    cantine = _row(grid, "CANTINE")
    _click(qtbot, grid, cantine, 1)
    assert _cell(grid, cantine, 1).state == CellState.OPEN_BOOKED
    assert grid.status.text() == "Réservé : Cantine du lundi 21 septembre pour Léa Dupont."
    assert _booked_days(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21]
    grid.table.setFocus()
    qtbot.keyClick(grid.table, Qt.Key.Key_Space)
    assert _cell(grid, cantine, 1).state == CellState.OPEN_FREE
    qtbot.keyClick(grid.table, Qt.Key.Key_Right)
    qtbot.keyClick(grid.table, Qt.Key.Key_Space)
    assert _booked_days(store, admin, family, "CANTINE", date(2026, 9, 21)) == [22]


def test_whole_week_link_and_whole_day_link(qtbot, ctx, store, admin, family):
    grid = _grid(qtbot, ctx, family)
    cantine = _row(grid, "CANTINE")
    _click(qtbot, grid, cantine, grid.model.week_column)
    assert _booked_days(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21, 22, 24, 25]
    assert grid.status.text().startswith("4 jour(s) réservé(s).")
    child_row = cantine - 1
    _click(qtbot, grid, child_row, 5)  # Friday: every activity of Léa
    # The bus of that week is open until Tuesday 15 at noon; TAP goes by subscription only,
    # so « toutes les activités » leaves it out instead of reporting it refused.
    assert _booked_days(store, admin, family, "BUS", date(2026, 9, 21)) == [25]
    assert _booked_days(store, admin, family, "TAP", date(2026, 9, 21)) == []
    assert grid.status.text() == "1 jour(s) réservé(s)."


def test_weeks_change_with_buttons_and_page_keys(qtbot, ctx, family):
    grid = _grid(qtbot, ctx, family)
    qtbot.mouseClick(grid.next_button, Qt.MouseButton.LeftButton)
    assert grid.title.text() == "Semaine du lundi 28 septembre au vendredi 2 octobre 2026"
    grid.table.setFocus()
    qtbot.keyClick(grid.table, Qt.Key.Key_PageUp)
    qtbot.keyClick(grid.table, Qt.Key.Key_PageUp)
    assert grid.title.text() == "Semaine du lundi 14 au vendredi 18 septembre 2026"
    grid.go_to(date(2026, 10, 21))
    assert {c.state for c in grid.model.rows[_row(grid, "CANTINE")].activity.cells} == {
        CellState.CLOSED
    }
    qtbot.mouseClick(grid.today_button, Qt.MouseButton.LeftButton)
    assert grid.plan.monday == date(2026, 9, 14)


def test_a_passed_deadline_needs_the_right_and_a_reason(
    qtbot, store, agent, coordinator, family, monkeypatch
):
    agent_grid = _grid(
        qtbot, AppContext(store, agent, ImmediateRunner(), ChangeBus()), family, date(2026, 9, 14)
    )
    cantine = _row(agent_grid, "CANTINE")
    _click(qtbot, agent_grid, cantine, 1)  # Monday 14: deadline Friday 11 at 10:00
    assert "Délai dépassé depuis le vendredi 11 septembre 2026 à 10:00" in agent_grid.status.text()
    assert "Seul un profil autorisé" in agent_grid.status.text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Retour d'hôpital", True))
    grid = _grid(
        qtbot,
        AppContext(store, coordinator, ImmediateRunner(), ChangeBus()),
        family,
        date(2026, 9, 14),
    )
    _click(qtbot, grid, cantine, 1)
    cell = _cell(grid, cantine, 1)
    assert cell.state == CellState.LOCKED_BOOKED and cell.late


TAP_REASON = "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."


def test_a_tap_day_offers_no_override_even_to_a_coordinator(
    qtbot, store, admin, coordinator, family, monkeypatch
):
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *args, **kwargs: asked.append(args[2]) or ("Oubli", True)
    )
    grid = _grid(qtbot, AppContext(store, coordinator, ImmediateRunner(), ChangeBus()), family)
    tap = _row(grid, "TAP")
    tuesday = _cell(grid, tap, 2)  # TAP runs on Tuesday 22 and Friday 25
    assert tuesday.state == CellState.LOCKED_FREE and not tuesday.overridable
    tooltip = grid.model.data(grid.model.index(tap, 2), Qt.ItemDataRole.ToolTipRole)
    assert tooltip == f"TAP — mardi 22 septembre\nNon réservé\n{TAP_REASON}"
    _click(qtbot, grid, tap, 2)
    assert grid.status.text() == TAP_REASON
    _click(qtbot, grid, tap, grid.model.week_column)  # « toute la semaine »
    assert grid.status.text() == TAP_REASON
    monkeypatch.setattr(
        week_grid_module, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    _click(qtbot, grid, tap, grid.model.template_column)  # « semaine type »: the form's job
    assert grid.status.text() == TAP_REASON
    assert asked == []  # no « Dérogation au délai » dialog, nothing to confirm
    assert _booked_days(store, admin, family, "TAP", date(2026, 9, 21)) == []
    # A canteen day past its deadline still offers the override to the coordinator.
    grid.go_to(date(2026, 9, 14))
    _click(qtbot, grid, _row(grid, "CANTINE"), 1)
    assert len(asked) == 1 and "Délai dépassé" in asked[0]


def test_a_full_bus_puts_the_child_on_the_waiting_list(
    qtbot, ctx, store, admin, schools, family, activities, monkeypatch
):
    bus, day = activities["BUS"].id, date(2026, 9, 28)
    for name in ("Aubert", "Blanc"):
        other = validated_family(store, admin, schools, last_name=name)
        book_day(store, admin, other.children[0].id, bus, day)
    asked: list[str] = []
    monkeypatch.setattr(
        week_grid_module, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    grid = _grid(qtbot, ctx, family, day)
    row = _row(grid, "BUS")
    assert _cell(grid, row, 1).places_left == 0
    _click(qtbot, grid, row, 1)
    assert "complet (2 places)" in asked[0]
    assert _cell(grid, row, 1).booking == BookingState.WAITING
    assert grid.status.text() == "Liste d'attente : Léa Dupont, Bus 8h30 du lundi 28 septembre."


def test_semaine_type_copies_the_week_forward_after_a_confirmation(
    qtbot, ctx, store, admin, family, monkeypatch
):
    grid = _grid(qtbot, ctx, family)
    cantine = _row(grid, "CANTINE")
    _click(qtbot, grid, cantine, 1)  # Monday 21
    _click(qtbot, grid, cantine, 4)  # Thursday 24
    asked: list[str] = []
    monkeypatch.setattr(
        week_grid_module, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    _click(qtbot, grid, cantine, grid.model.template_column)
    assert "du 28/09/2026 au 16/10/2026" in asked[0]
    assert "Cantine : 6 jour(s) à réserver" in asked[0]
    assert grid.status.text().startswith("Semaine type mise à jour — Cantine : 6 jour(s)")
    assert _booked_days(store, admin, family, "CANTINE", date(2026, 10, 5)) == [5, 8]


def test_an_empty_wallet_offers_to_sell_tickets(qtbot, ctx, store, admin, family, monkeypatch):
    from datetime import time

    from eticket_desk.rules.activity import ActivitySpec, BillingMode
    from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
    from eticket_desk.rules.pricing import Bracket
    from eticket_desk.services.catalogue.activities import save_activity
    from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
    from eticket_desk.ui.counter.counter_screen import CounterScreen

    ticket = save_ticket_type(store, admin, "GARDERIE", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), [Bracket(None, 240, 290)])
    save_activity(
        store,
        admin,
        ActivitySpec(
            code="GARDERIE_SOIR",
            name="Garderie soir",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.PREPAID,
            ticket_type="GARDERIE",
        ),
    )
    asked: list[str] = []
    monkeypatch.setattr(
        week_grid_module, "ask_yes_no", lambda parent, title, text: asked.append(text) or True
    )
    grid = _grid(qtbot, ctx, family)
    _click(qtbot, grid, _row(grid, "GARDERIE_SOIR"), 1)
    assert "Plus de ticket « Garderie » dans le porte-monnaie" in asked[0]
    assert "Ouvrir le guichet pour vendre des tickets ?" in asked[0]
    dialog = grid.counter_dialog
    assert dialog.windowTitle() == "Guichet — vendre des tickets"
    assert dialog.findChild(CounterScreen).family.id == family.id  # opened on this family
    dialog.close()
