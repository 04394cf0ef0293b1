"""The settings pages, the tariffs, the counter's ticket types and the year-templates dialog
read through the writer thread (a real TaskRunner here): each shows at once, with what a user
could act on disabled (or « Chargement… ») until the answer is back, then filled."""

from __future__ import annotations

import pytest

from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
from eticket_desk.ui.admin.desk_page import DeskPage
from eticket_desk.ui.admin.organisation_page import OrganisationPage
from eticket_desk.ui.admin.schools_page import SchoolsPage
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.tariffs.screen import TariffsScreen
from eticket_desk.ui.year_templates.apply_dialog import ApplyTemplatesDialog


@pytest.fixture
def tickets(store, admin):
    """« Cantine » then « Garderie », each with a tariff in force."""
    made = [
        save_ticket_type(store, admin, code, name)
        for code, name in (("CANTINE", "Cantine"), ("GARDERIE", "Garderie"))
    ]
    for ticket in made:
        save_tariff(store, admin, ticket.id, store.clock.today(), [Bracket(None, 240, 300)])
    return made


def test_the_schools_page_adds_a_class_once_the_schools_are_read(qtbot, writer, schools):
    page = SchoolsPage(writer, editable=True)
    qtbot.addWidget(page)
    assert not page.add_class_button.isEnabled() and page.tree.topLevelItemCount() == 0
    qtbot.waitUntil(lambda: page.loaded)
    assert [page.tree.topLevelItem(i).text(0) for i in range(len(schools))] == [
        school.name for school in schools
    ]
    assert page.add_class_button.isEnabled()


def test_the_town_page_saves_only_what_it_read(qtbot, writer):
    page = OrganisationPage(writer, editable=True)
    qtbot.addWidget(page)
    assert not page.save_button.isEnabled() and page.editors["name"].text() == ""
    qtbot.waitUntil(lambda: page.loaded)
    assert page.editors["name"].text() == "Commune de Neuvecelle"
    assert page.save_button.isEnabled()
    assert page.logo_label.text() == "Aucun logo"


def test_the_desk_page_saves_only_what_it_read(qtbot, writer):
    page = DeskPage(writer, editable=True)
    qtbot.addWidget(page)
    assert not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: page.loaded)
    assert page.save_button.isEnabled()
    assert page.idle_spin.value() == writer.settings.idle_lock_minutes
    assert page.last_backup_label.text() == "Aucune sauvegarde pour l'instant."


def test_the_tariffs_show_loading_then_the_first_types(qtbot, writer, tickets):
    screen = TariffsScreen(writer)
    qtbot.addWidget(screen)
    assert screen.types_table.rowCount() == 0
    assert not screen.save_postcodes_button.isEnabled()
    qtbot.waitUntil(lambda: screen.save_postcodes_button.isEnabled())
    assert screen.types_table.rowCount() == 2
    assert screen.selected_type() == tickets[0]
    qtbot.waitUntil(lambda: screen.pane.title.text() not in ("", "Chargement…"))
    assert screen.new_tariff_button.isEnabled()
    assert screen.pane.tariffs_list.count() == 1


def test_the_counter_adds_a_quantity_per_ticket_type_once_read(qtbot, writer, tickets):
    screen = CounterScreen(writer)
    qtbot.addWidget(screen)
    assert screen.spins == {}
    qtbot.waitUntil(lambda: len(screen.spins) == 2)
    labels = [screen.spins_grid.itemAtPosition(row, 0).widget().text() for row in range(2)]
    assert labels == ["Cantine", "Garderie"]
    assert list(screen.spins) == [ticket.id for ticket in tickets]
    qtbot.waitUntil(lambda: screen.till_open is not None)
    assert not screen.sale_box.isEnabled()  # nobody at the desk yet


def test_the_year_templates_apply_once_the_years_are_read(qtbot, writer, school_year):
    dialog = ApplyTemplatesDialog(writer)
    qtbot.addWidget(dialog)
    assert not dialog.run_button.isEnabled() and dialog.status.text() == "Chargement…"
    qtbot.waitUntil(dialog.run_button.isEnabled)
    assert dialog.period_combo.itemText(0) == "Année scolaire 2026-2027 (01/09/2026 → 02/07/2027)"
    assert dialog.status.text() == ""
