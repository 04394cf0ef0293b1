"""Tariffs of invoiced activities in the « Tarifs » screen, driven like a person: the canteen's
price per day and a bus fare per option saved through the bracket editor, a start in the past
refused with the service's French message, and the agent's read-only view."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt

from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.activity_tariffs import (
    list_activity_tariffs,
    save_activity_tariff,
)
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tariffs import TariffsScreen
from eticket_desk.ui.tariffs.dialogs import ActivityTariffDialog
from eticket_desk.ui.tasks import ImmediateRunner


def _screen(qtbot, ctx) -> TariffsScreen:
    screen = TariffsScreen(ctx)
    qtbot.addWidget(screen)
    return screen


def _rows(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _type(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def _set_date(dialog, day: date) -> None:
    dialog.date_edit.setDate(QDate(day.year, day.month, day.day))


def test_the_invoiced_activities_are_listed_beside_the_ticket_types(qtbot, ctx, activities):
    screen = _screen(qtbot, ctx)
    assert _rows(screen.activities_table) == [
        ["Cantine", "à l'unité, par jour"],
        ["Bus 8h30", "forfait par période"],
        ["TAP", "forfait par période"],
    ]
    assert screen.selected_activity().code == "CANTINE"  # no ticket type here
    assert screen.tariffs_title.text() == (
        "Aucun prix par jour pour « Cantine » : créez-en un avant de facturer."
    )
    assert screen.fare_combo.isHidden()


def test_a_price_per_day_saved_and_a_past_start_refused(qtbot, ctx, store, activities):
    canteen = activities["CANTINE"]
    screen = _screen(qtbot, ctx)
    screen.select_activity(canteen.id)
    qtbot.mouseClick(screen.new_tariff_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(ActivityTariffDialog)
    assert dialog.windowTitle() == "Nouveau prix par jour — Cantine"
    _type(qtbot, dialog.cell(0, 0), "600")
    _type(qtbot, dialog.cell(0, 1), "3,10")
    _type(qtbot, dialog.cell(0, 2), "5,20")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, dialog.cell(1, 1), "4,60")
    _type(qtbot, dialog.cell(1, 2), "5,20")

    _set_date(dialog, store.clock.today() - timedelta(days=1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.message("valid_from").startswith(
        "Un nouveau tarif ne peut pas commencer dans le passé : les ventes et les factures"
    )  # the service's own words
    assert list_activity_tariffs(store, canteen.id) == []

    _set_date(dialog, date(2026, 10, 1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [saved] = list_activity_tariffs(store, canteen.id)
    assert saved.fare_option == "" and saved.valid_from == date(2026, 10, 1)
    assert saved.brackets == (Bracket(600, 310, 520), Bracket(None, 460, 520))
    assert screen.tariffs_title.text() == "Prix par jour — « Cantine »"
    assert screen.tariffs_list.item(0).text() == "à partir du 01/10/2026 — à venir"
    assert _rows(screen.brackets_table) == [
        ["600 €", format_cents(310), format_cents(520)],
        ["et au-delà", format_cents(460), format_cents(520)],
    ]
    qtbot.keyClicks(screen.qf_edit, "450")
    assert screen.simulated_label.text().startswith(format_cents(310))


def test_a_fare_tariff_per_option(qtbot, ctx, store, admin, activities):
    bus = activities["BUS"]
    save_activity_tariff(
        store, admin, bus.id, store.clock.today(), [Bracket(None, 4500, 6000)], "1"
    )
    screen = _screen(qtbot, ctx)
    screen.select_activity(bus.id)
    assert not screen.fare_combo.isHidden()
    options = [screen.fare_combo.itemText(i) for i in range(screen.fare_combo.count())]
    assert options == ["1 aller-retour par jour", "2 allers-retours par jour"]
    assert screen.tariffs_title.text() == "Forfait « 1 aller-retour par jour » — « Bus 8h30 »"
    assert screen.tariffs_list.item(0).text() == "à partir du 14/09/2026 — en vigueur"

    screen.fare_combo.setCurrentIndex(1)
    assert screen.tariffs_list.count() == 0
    assert "Aucun tarif pour le forfait « 2 allers-retours par jour »" in (
        screen.tariffs_title.text()
    )
    qtbot.mouseClick(screen.new_tariff_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(ActivityTariffDialog)
    assert dialog.windowTitle() == "Nouveau tarif — Bus 8h30, forfait « 2 allers-retours par jour »"
    _type(qtbot, dialog.cell(0, 1), "80")
    _type(qtbot, dialog.cell(0, 2), "95")
    _set_date(dialog, date(2026, 11, 2))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    by_option = {t.fare_option: t for t in list_activity_tariffs(store, bus.id)}
    assert by_option["2"].brackets == (Bracket(None, 8000, 9500),)
    assert by_option["1"].brackets == (Bracket(None, 4500, 6000),)
    assert screen.fare_combo.currentIndex() == 1  # still on the option just priced
    assert screen.tariffs_list.item(0).text() == "à partir du 02/11/2026 — à venir"
    assert _rows(screen.brackets_table) == [["et au-delà", format_cents(8000), format_cents(9500)]]


def test_an_agent_reads_the_activity_tariffs(qtbot, store, admin, agent, activities):
    save_activity_tariff(
        store, admin, activities["CANTINE"].id, store.clock.today(), [Bracket(None, 460, 520)]
    )
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    screen = _screen(qtbot, ctx)
    assert screen.selected_activity().code == "CANTINE"
    assert _rows(screen.brackets_table) == [["et au-delà", format_cents(460), format_cents(520)]]
    assert screen.new_tariff_button.isHidden()
