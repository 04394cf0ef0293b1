"""The « Tarifs » screen driven like a person: a ticket type and a tariff created through the
dialogs, refusals in French, the simulator's price, the commune postcodes, the agent's view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.tariffs import (
    list_tariffs,
    list_ticket_types,
    load_commune_postcodes,
    save_tariff,
    save_ticket_type,
)
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tariffs import TariffsScreen
from eticket_desk.ui.tariffs.dialogs import TariffDialog, TicketTypeDialog
from eticket_desk.ui.tasks import ImmediateRunner

BRACKETS = [Bracket(600, 120, 170), Bracket(1000, 160, 210), Bracket(None, 240, 290)]


@pytest.fixture
def garderie(store, admin):
    ticket = save_ticket_type(store, admin, "GARDERIE", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), BRACKETS)
    return ticket


def _screen(qtbot, ctx) -> TariffsScreen:
    screen = TariffsScreen(ctx)
    qtbot.addWidget(screen)
    return screen


def _row_texts(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _type(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_create_a_ticket_type_and_its_tariff_through_the_dialogs(qtbot, ctx, store):
    screen = _screen(qtbot, ctx)
    assert screen.types_table.rowCount() == 0

    qtbot.mouseClick(screen.new_type_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(TicketTypeDialog)
    qtbot.keyClicks(dialog.code_edit, "cantine")
    qtbot.keyClicks(dialog.name_edit, "Cantine du midi")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert _row_texts(screen.types_table) == [["CANTINE", "Cantine du midi", "oui"]]
    assert screen.selected_type().code == "CANTINE"
    assert "Aucun tarif" in screen.tariffs_title.text()

    qtbot.mouseClick(screen.new_tariff_button, Qt.MouseButton.LeftButton)
    tariff_dialog = screen.findChild(TariffDialog)
    tomorrow = store.clock.today() + timedelta(days=1)
    assert tariff_dialog.valid_from() == tomorrow
    assert tariff_dialog.table.rowCount() == 1
    _type(qtbot, tariff_dialog.cell(0, 0), "700")
    _type(qtbot, tariff_dialog.cell(0, 1), "3,10")
    _type(qtbot, tariff_dialog.cell(0, 2), "4.5")
    qtbot.mouseClick(tariff_dialog.add_button, Qt.MouseButton.LeftButton)
    _type(qtbot, tariff_dialog.cell(1, 1), "4,20")
    _type(qtbot, tariff_dialog.cell(1, 2), "5")
    qtbot.mouseClick(tariff_dialog.save_button, Qt.MouseButton.LeftButton)

    assert screen.tariffs_list.count() == 1
    assert screen.tariffs_list.item(0).text() == "à partir du 15/09/2026 — à venir"
    assert _row_texts(screen.brackets_table) == [
        ["700 €", format_cents(310), format_cents(450)],
        ["et au-delà", format_cents(420), format_cents(500)],
    ]
    saved = list_tariffs(store, screen.selected_type().id)
    assert saved[0].valid_from == tomorrow


def test_the_new_tariff_is_prefilled_and_refuses_bad_brackets_and_a_past_date(
    qtbot, ctx, store, garderie
):
    screen = _screen(qtbot, ctx)
    dialog = screen.open_tariff_dialog()
    qtbot.addWidget(dialog)
    assert [dialog.cell(r, 0).text() for r in range(3)] == ["600", "1000", ""]
    assert dialog.cell(1, 1).text() == "1,60"

    _type(qtbot, dialog.cell(1, 0), "500")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "croissant" in dialog.brackets_error.text()
    assert not dialog.brackets_error.isHidden()

    _type(qtbot, dialog.cell(1, 0), "1000")
    _type(qtbot, dialog.cell(1, 1), "1,605")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Ligne 2" in dialog.brackets_error.text()
    assert "deux décimales" in dialog.brackets_error.text()

    _type(qtbot, dialog.cell(1, 1), "1,65")
    yesterday = store.clock.today() - timedelta(days=1)
    dialog.date_edit.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.brackets_error.isHidden()
    assert "dans le passé" in dialog.errors.message("valid_from")
    assert len(list_tariffs(store, garderie.id)) == 1

    dialog.date_edit.setDate(QDate(2026, 10, 1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    texts = [screen.tariffs_list.item(r).text() for r in range(screen.tariffs_list.count())]
    assert texts == ["à partir du 01/10/2026 — à venir", "à partir du 14/09/2026 — en vigueur"]


def test_the_simulator_shows_the_unit_price_and_why(qtbot, ctx, garderie):
    screen = _screen(qtbot, ctx)
    qtbot.keyClicks(screen.qf_edit, "850")
    assert screen.simulated_label.text() == (
        f"{format_cents(160)} — Quotient familial 850 € — tranche 2 sur 3"
    )
    qtbot.keyClick(screen.outside_check, Qt.Key.Key_Space)
    assert screen.outside_check.isChecked()
    assert screen.simulated_label.text().startswith(format_cents(210))
    assert screen.simulated_label.text().endswith("hors commune")
    screen.qf_edit.clear()
    assert screen.simulated_label.text().startswith(format_cents(290))
    assert "sans quotient familial valide" in screen.simulated_label.text()


def test_deactivate_a_ticket_type_and_save_the_commune_postcodes(qtbot, ctx, store, garderie):
    screen = _screen(qtbot, ctx)
    qtbot.mouseClick(screen.toggle_button, Qt.MouseButton.LeftButton)
    assert _row_texts(screen.types_table) == [["GARDERIE", "Garderie", "non"]]
    assert screen.toggle_button.text() == "Réactiver"

    assert "74500" in screen.own_postcode_label.text()
    qtbot.keyClicks(screen.postcodes_edit, "74200, 74210")
    qtbot.mouseClick(screen.save_postcodes_button, Qt.MouseButton.LeftButton)
    assert load_commune_postcodes(store).extra == ("74200", "74210")
    assert screen.postcodes_edit.text() == "74200, 74210"


def test_an_agent_reads_the_tariffs_without_editing(qtbot, qapp, store, agent, garderie):
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    screen = _screen(qtbot, ctx)
    assert _row_texts(screen.types_table) == [["GARDERIE", "Garderie", "oui"]]
    assert _row_texts(screen.brackets_table)[-1] == [
        "et au-delà",
        format_cents(240),
        format_cents(290),
    ]
    assert not screen.read_only_label.isHidden()
    assert "Consultation seule" in screen.read_only_label.text()
    for button in (
        screen.new_type_button,
        screen.toggle_button,
        screen.new_tariff_button,
        screen.save_postcodes_button,
    ):
        assert button.isHidden()
    assert screen.postcodes_edit.isReadOnly()
    qtbot.keyClicks(screen.qf_edit, "450")
    assert screen.simulated_label.text().startswith(format_cents(120))


def test_the_care_share_of_a_ticket_type_is_changed_for_the_tax_certificate(
    qtbot, ctx, store, garderie
):
    screen = _screen(qtbot, ctx)
    screen.select_type(garderie.id)
    qtbot.mouseClick(screen.edit_type_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(TicketTypeDialog)
    assert dialog.code_edit.isReadOnly() and dialog.name_edit.text() == "Garderie"
    assert dialog.save_button.text() == "Enregistrer"
    dialog.care_share_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.care_share_spin, "100")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    [saved] = list_ticket_types(store)
    assert (saved.code, saved.name, saved.active, saved.care_share_bp) == (
        "GARDERIE",
        "Garderie",
        True,
        10000,
    )
