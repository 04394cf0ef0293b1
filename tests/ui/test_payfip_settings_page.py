"""Paramètres › Organisation, PayFiP, as the secretary uses it: a client number that is not
six digits is shown in red beside its field and nothing is saved; the mode chosen in the
list (test, activation, production) is saved with a right number."""

from __future__ import annotations

from PySide6.QtCore import Qt

from eticket_desk.services.catalogue import organisation
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from tests.ui.test_admin_screens import retype


def test_a_client_number_of_five_digits_is_shown_and_nothing_saved(qtbot, ctx, store):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.organisation_page
    qtbot.waitUntil(lambda: page.loaded)
    before = organisation.load_organisation(store)
    retype(qtbot, page.editors["name"], "Commune de Neuvecelle")
    retype(qtbot, page.editors["payfip_id"], "12345")
    page.payfip_mode_combo.setCurrentIndex(page.payfip_mode_combo.findData("production"))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors.message("payfip_id") == (
        "Le numéro client PayFiP compte 6 chiffres (il figure sur la convention signée avec la "
        "DGFiP)."
    )
    assert organisation.load_organisation(store) == before

    retype(qtbot, page.editors["payfip_id"], "012345")
    with qtbot.waitSignal(ctx.bus.changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    saved = organisation.load_organisation(store)
    assert (saved.payfip_id, saved.payfip_mode) == ("012345", "production")
    assert page.payfip_mode_combo.currentText() == "Production"
    assert page.errors.message("payfip_id") == ""
