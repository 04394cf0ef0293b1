"""« Heures CAF / MSA » in the activity dialog: the slot typed and saved, a slot ending
before it starts refused beside the field, nothing saved."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import Qt

from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.ui.activities import ActivitiesScreen
from tests.ui.test_activities_screen import open_new_dialog, type_time


def _new_morning(qtbot, ctx):
    screen = ActivitiesScreen(ctx)
    qtbot.addWidget(screen)
    dialog = open_new_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.code_edit, "matin")
    qtbot.keyClicks(dialog.name_edit, "Garderie matin")
    qtbot.mouseClick(dialog.caf_box.counted_check, Qt.MouseButton.LeftButton)
    return screen, dialog


def test_the_declared_slot_and_the_wednesday_cap_are_saved(qtbot, ctx, store, school_year):
    _screen, dialog = _new_morning(qtbot, ctx)
    type_time(qtbot, dialog.caf_box.start_edit, "0715")
    type_time(qtbot, dialog.caf_box.end_edit, "0845")
    qtbot.mouseClick(dialog.caf_box.cap_check, Qt.MouseButton.LeftButton)
    type_time(qtbot, dialog.caf_box.cap_edit, "0100")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    [saved] = list_activities(store)
    assert saved.caf_counted
    assert saved.caf_slot == (time(7, 15), time(8, 45))
    assert saved.caf_wednesday_cap == 60


def test_a_slot_ending_before_it_starts_is_refused_beside_it(qtbot, ctx, store, school_year):
    _screen, dialog = _new_morning(qtbot, ctx)
    type_time(qtbot, dialog.caf_box.start_edit, "0900")
    type_time(qtbot, dialog.caf_box.end_edit, "0800")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.errors.message("caf_slot") == (
        "L'heure de fin du créneau doit être après l'heure de début."
    )
    assert list_activities(store, include_inactive=True) == []
