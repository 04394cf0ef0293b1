"""The "Activités" screen, used like a person would: the table, the editor, the order."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QLabel

from devtools.screenshots.activities import render_activity_screens
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.services.catalogue.activities import list_activities, save_activity
from eticket_desk.services.catalogue.calendar import create_school_year
from eticket_desk.services.core.changes import Topic
from eticket_desk.ui import messages
from eticket_desk.ui.activities import ActivitiesScreen
from eticket_desk.ui.activities.activities_model import ActivitiesTableModel, ActivityColumn
from eticket_desk.ui.activities.activity_dialog import ActivityDialog
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import ImmediateRunner

CODE_MESSAGE = (
    "Le code doit faire de 2 à 20 caractères : majuscules, chiffres ou « _ » (ex. CANTINE)."
)
CANTINE = ActivitySpec(
    code="CANTINE",
    name="Cantine",
    weekdays=(0, 1, 3, 4),
    deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
    billing_mode=BillingMode.PREPAID,
    capacity=180,
    ticket_type="REPAS",
)
BUS = ActivitySpec(
    code="BUS_0830",
    name="Bus 8h30",
    weekdays=(0, 1, 2, 3, 4),
    deadline=DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1),
    billing_mode=BillingMode.FARE,
)


@pytest.fixture
def shown_errors(monkeypatch) -> list[str]:
    """The messages the screens show in a message box (captured instead of blocking)."""
    shown: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, exc, title="": shown.append(messages.error_text(exc))
    )
    return shown


@pytest.fixture
def agent_ctx(qapp, store, agent) -> AppContext:
    return AppContext(store, agent, ImmediateRunner(), ChangeBus())


@pytest.fixture
def school_year(store, admin):
    return create_school_year(store, admin, 2026)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def row_texts(screen: ActivitiesScreen, name: str) -> dict[ActivityColumn, str]:
    model = screen.model
    row = next(r for r in range(model.rowCount()) if model.activity_at(r).name == name)
    return {column: model.index(row, column).data() for column in ActivityColumn}


def double_click_row(qtbot, screen: ActivitiesScreen, row: int) -> None:
    """A person's double click: press and release, then the second press."""
    screen.show()
    qtbot.waitExposed(screen)
    rect = screen.table.visualRect(screen.model.index(row, ActivityColumn.NAME))
    viewport = screen.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())


def open_new_dialog(qtbot, screen: ActivitiesScreen) -> ActivityDialog:
    click(qtbot, screen.new_button)
    dialog = screen.findChild(ActivityDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def type_time(qtbot, editor: QDateTimeEdit, hours_minutes: str) -> None:
    """Types "1800" over a time field, from its hour section on, as one types "18:00"."""
    editor.setFocus()
    editor.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClicks(editor, hours_minutes)


# -- the table model, without widgets --------------------------------------------------------


def test_the_table_says_each_activity_in_french(schools):
    jules_ferry = next(s for s in schools if s.name == "École Jules Ferry")
    model = ActivitiesTableModel()
    tap = ActivitySpec(
        "TAP",
        "TAP",
        (1, 4),
        DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY),
        BillingMode.FARE,
        school_capacities={jules_ferry.id: 30},
        levels=("CP", "CE1", "CE2", "CM1", "CM2"),
        active=False,
        position=2,
    )
    model.set_activities([tap, replace(CANTINE, position=1)], {s.id: s.name for s in schools})

    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in ActivityColumn]
    assert header == [
        "Activité (code)",
        "Jours",
        "Écoles",
        "Niveaux",
        "Places par jour",
        "Délai de réservation",
        "Facturation",
        "Active",
    ]
    assert [model.index(0, c).data() for c in ActivityColumn] == [
        "Cantine\nCANTINE",
        "lun., mar., jeu., ven.",
        "Toutes",
        "Tous",
        "180",
        "Jusqu'au jour d'ouverture précédent, avant 10h00",
        "Tickets prépayés (porte-monnaie) — ticket REPAS",
        "Oui",
    ]
    assert [model.index(1, c).data() for c in ActivityColumn][1:] == [
        "mar., ven.",
        "École Jules Ferry",
        "CP à CM2",
        "illimitée (École Jules Ferry : 30)",
        "Sur abonnement seulement : jamais modifiable au jour le jour",
        "Forfait par période",
        "Non",
    ]
    assert model.index(0, ActivityColumn.NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, ActivityColumn.NAME).data(Qt.ItemDataRole.ForegroundRole) is not None


# -- creating and editing ---------------------------------------------------------------------


def test_admin_creates_the_evening_daycare_through_the_dialog(qtbot, ctx, store, school_year):
    announced: list[frozenset[str]] = []
    ctx.bus.changed.connect(announced.append)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == 0
    dialog = open_new_dialog(qtbot, screen)

    qtbot.keyClicks(dialog.code_edit, "garderie_soir")
    assert dialog.code_edit.text() == "GARDERIE_SOIR"
    qtbot.keyClicks(dialog.name_edit, "Garderie du soir")
    days = {check.text(): check for check in dialog.weekday_checks}
    for day in ("lun.", "mar.", "jeu.", "ven."):
        if not days[day].isChecked():
            click(qtbot, days[day])
    click(qtbot, dialog.school_list.check_of("École du Lac"))
    lac_places = dialog.school_list.spin_of("École du Lac")
    lac_places.selectAll()
    qtbot.keyClicks(lac_places, "25")
    if dialog.unlimited_check.isChecked():
        click(qtbot, dialog.unlimited_check)
    dialog.capacity_spin.selectAll()
    qtbot.keyClicks(dialog.capacity_spin, "60")
    editor = dialog.deadline_editor
    editor.kind_combo.setCurrentIndex(
        editor.kind_combo.findText("Jour d'ouverture précédent, avant l'heure")
    )
    type_time(qtbot, editor.time_edit, "1800")
    assert editor.sentence_label.text() == (
        "Les familles réservent et annulent jusqu'au jour d'ouverture précédent, avant 18h00."
    )
    assert editor.example_label.text() == (
        "Exemple : le mardi 15 septembre 2026 se réserve jusqu'au lundi 14 septembre 2026 à 18:00"
    )
    dialog.billing_combo.setCurrentIndex(dialog.billing_combo.findText("Facturé à l'unité"))
    click(qtbot, dialog.save_button)

    assert not dialog.isVisible()
    assert frozenset({"activities"}) in announced
    row = row_texts(screen, "Garderie du soir")
    assert row[ActivityColumn.NAME] == "Garderie du soir\nGARDERIE_SOIR"
    assert row[ActivityColumn.WEEKDAYS] == "lun., mar., jeu., ven."
    assert row[ActivityColumn.SCHOOLS] == "École du Lac"
    assert row[ActivityColumn.CAPACITY] == "60 (École du Lac : 25)"
    assert row[ActivityColumn.DEADLINE] == "Jusqu'au jour d'ouverture précédent, avant 18h00"
    assert row[ActivityColumn.BILLING] == "Facturé à l'unité"
    assert screen.selected_activity().code == "GARDERIE_SOIR"
    [saved] = list_activities(store)
    assert saved.deadline == DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(18, 0))


def test_a_wrong_code_is_shown_beside_the_field_and_nothing_is_saved(
    qtbot, ctx, store, shown_errors
):
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    dialog = open_new_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.code_edit, "garderie soir!")
    qtbot.keyClicks(dialog.name_edit, "Garderie du soir")
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.errors.message("code") == CODE_MESSAGE
    assert dialog.findChild(QLabel, "error_code").isVisible()
    assert list_activities(store, include_inactive=True) == []
    assert screen.model.rowCount() == 0
    assert shown_errors == []


def test_a_code_already_taken_and_a_missing_ticket_type_are_shown_beside_their_fields(
    qtbot, ctx, store, admin
):
    save_activity(store, admin, CANTINE)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    dialog = open_new_dialog(qtbot, screen)
    assert not dialog.ticket_edit.isVisible()
    dialog.billing_combo.setCurrentIndex(
        dialog.billing_combo.findText("Tickets prépayés (porte-monnaie)")
    )
    assert dialog.ticket_edit.isVisible()
    qtbot.keyClicks(dialog.code_edit, "cantine")
    qtbot.keyClicks(dialog.name_edit, "Cantine bis")
    click(qtbot, dialog.save_button)

    assert dialog.errors.message("ticket_type") == (
        "Une activité prépayée doit indiquer son type de ticket."
    )
    qtbot.keyClicks(dialog.ticket_edit, "REPAS")
    click(qtbot, dialog.save_button)
    assert dialog.errors.message("code") == "Le code CANTINE est déjà pris par une autre activité."
    assert dialog.errors.message("ticket_type") == ""
    assert [a.name for a in list_activities(store)] == ["Cantine"]


def test_editing_a_bus_shows_the_rule_of_the_previous_week(
    qtbot, ctx, store, admin, clock, school_year
):
    save_activity(store, admin, CANTINE)
    save_activity(store, admin, BUS)
    clock.advance(hours=1)  # 10:30: Tuesday's canteen deadline (today 10:00) has passed
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    double_click_row(qtbot, screen, 1)
    dialog = screen.findChild(ActivityDialog)
    editor = dialog.deadline_editor

    assert dialog.code_edit.text() == "BUS_0830"
    assert editor.kind_combo.currentText() == "Un jour de la semaine précédente, avant l'heure"
    assert editor.weekday_combo.isVisible() and editor.weekday_combo.currentText() == "mardi"
    assert editor.sentence_label.text() == (
        "Les familles réservent et annulent jusqu'au mardi de la semaine précédente, avant 12h00."
    )
    assert editor.example_label.text() == (
        "Exemple : le lundi 21 septembre 2026 se réserve jusqu'au mardi 15 septembre 2026 à 12:00"
    )

    editor.kind_combo.setCurrentIndex(
        editor.kind_combo.findText("Sur abonnement seulement", Qt.MatchFlag.MatchStartsWith)
    )
    assert not editor.weekday_combo.isVisible() and not editor.time_edit.isVisible()
    assert editor.example_label.text().endswith("il suit l'inscription.")

    editor.kind_combo.setCurrentIndex(
        editor.kind_combo.findText("Jour d'ouverture précédent, avant l'heure")
    )
    assert not editor.weekday_combo.isVisible() and editor.time_edit.isVisible()
    click(qtbot, dialog.weekday_checks[2])  # no more bus on Wednesday
    type_time(qtbot, editor.time_edit, "1000")
    assert editor.example_label.text() == (
        "Exemple : le jeudi 17 septembre 2026 se réserve jusqu'au mardi 15 septembre 2026 à 10:00"
    )
    click(qtbot, dialog.save_button)

    assert row_texts(screen, "Bus 8h30")[ActivityColumn.WEEKDAYS] == "lun., mar., jeu., ven."
    bus = next(a for a in list_activities(store) if a.code == "BUS_0830")
    assert bus.deadline == DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0), 1)


def test_a_deactivated_activity_stays_in_the_table_in_grey(qtbot, ctx, store, admin):
    save_activity(store, admin, CANTINE)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    screen.table.selectRow(0)
    click(qtbot, screen.edit_button)
    dialog = screen.findChild(ActivityDialog)
    click(qtbot, dialog.active_check)
    click(qtbot, dialog.save_button)

    assert row_texts(screen, "Cantine")[ActivityColumn.ACTIVE] == "Non"
    foreground = screen.model.index(0, ActivityColumn.NAME).data(Qt.ItemDataRole.ForegroundRole)
    assert foreground is not None
    assert list_activities(store) == []


# -- order and refresh ------------------------------------------------------------------------


def test_monter_and_descendre_change_the_order(qtbot, ctx, store, admin):
    save_activity(store, admin, CANTINE)
    save_activity(store, admin, BUS)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    screen.table.selectRow(1)
    assert not screen.down_button.isEnabled()
    click(qtbot, screen.up_button)

    assert [screen.model.activity_at(r).code for r in range(2)] == ["BUS_0830", "CANTINE"]
    assert screen.selected_activity().code == "BUS_0830"
    assert not screen.up_button.isEnabled()
    click(qtbot, screen.down_button)
    assert [a.code for a in list_activities(store)] == ["CANTINE", "BUS_0830"]


def test_the_table_refreshes_when_activities_change_elsewhere(qtbot, ctx, store, admin):
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    save_activity(store, admin, CANTINE)
    assert screen.model.rowCount() == 0
    ctx.bus.announce(Topic.ACTIVITIES)
    assert row_texts(screen, "Cantine")[ActivityColumn.WEEKDAYS] == "lun., mar., jeu., ven."


# -- read-only --------------------------------------------------------------------------------


def test_an_agent_sees_the_activities_but_cannot_change_them(qtbot, agent_ctx, store, admin):
    save_activity(store, admin, CANTINE)
    screen = ActivitiesScreen(agent_ctx)
    qtbot.addWidget(screen)
    screen.show()

    assert not screen.new_button.isVisible()
    assert not screen.up_button.isVisible() and not screen.down_button.isVisible()
    assert screen.edit_button.text() == "Consulter…"
    assert "Agent d'accueil" in screen.note.text()
    assert row_texts(screen, "Cantine")[ActivityColumn.CAPACITY] == "180"

    double_click_row(qtbot, screen, 0)
    dialog = screen.findChild(ActivityDialog)
    assert dialog.windowTitle() == "Activité Cantine (consultation)"
    assert not dialog.save_button.isVisible()
    assert dialog.code_edit.isReadOnly() and dialog.name_edit.isReadOnly()
    assert not any(check.isEnabled() for check in dialog.weekday_checks)
    assert not dialog.deadline_editor.kind_combo.isEnabled()
    assert not dialog.billing_combo.isEnabled()


# -- screenshots ------------------------------------------------------------------------------


def test_screenshots_are_rendered_with_sample_activities(qtbot, ctx, store, tmp_path):
    paths = render_activity_screens(ctx, tmp_path)
    assert [p.name for p in paths] == ["activities.png", "activity_dialog.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert len(list_activities(store, include_inactive=True)) == 7


def test_the_product_code_and_nature_for_the_pes_are_checked_then_saved(
    qtbot, ctx, store, admin, school_year
):
    save_activity(store, admin, BUS)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    double_click_row(qtbot, screen, 0)
    dialog = screen.findChild(ActivityDialog)
    qtbot.keyClicks(dialog.product_code_edit, "b 1")
    qtbot.keyClicks(dialog.nature_edit, "70-67")
    click(qtbot, dialog.save_button)

    assert dialog.isVisible()
    assert dialog.errors.message("product_code") == (
        "Le code produit (PES) fait de 1 à 4 lettres ou chiffres, sans espace (ex. 01, CANT)."
    )
    assert dialog.errors.message("accounting_nature") == (
        "L'imputation (nature) s'écrit en chiffres seulement, comme le compte 7067."
    )
    assert list_activities(store)[0].product_code == ""

    dialog.product_code_edit.clear()
    qtbot.keyClicks(dialog.product_code_edit, "bus1")
    dialog.nature_edit.clear()
    qtbot.keyClicks(dialog.nature_edit, "70632")
    click(qtbot, dialog.save_button)

    assert not dialog.isVisible()
    [saved] = list_activities(store)
    assert (saved.product_code, saved.accounting_nature) == ("BUS1", "70632")


def test_the_care_share_for_the_tax_certificate_is_typed_then_saved(
    qtbot, ctx, store, admin, school_year
):
    save_activity(store, admin, BUS)
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    double_click_row(qtbot, screen, 0)
    dialog = screen.findChild(ActivityDialog)
    assert dialog.care_share_spin.value() == 0 and dialog.care_share_spin.suffix() == " %"
    dialog.care_share_spin.lineEdit().selectAll()
    qtbot.keyClicks(dialog.care_share_spin, "20")
    click(qtbot, dialog.save_button)

    assert not dialog.isVisible()
    assert list_activities(store)[0].care_share_bp == 2000
