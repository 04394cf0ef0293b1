"""Every screen from the keyboard, and the Aide menu: the shortcuts and each role's guide."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eticket_desk.rules.permissions import Role
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.help_dialogs import GUIDES, GuideDialog, ShortcutsDialog, menu_shortcuts
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.screens import SCREENS
from eticket_desk.ui.tasks import ImmediateRunner


@pytest.fixture
def window(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)


def test_every_screen_of_the_navigation_is_in_the_aller_a_menu(window):
    entries = [a.text().replace("&", "") for a in _menu(window, "Aller à").actions()]
    navigation = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert entries == navigation  # the administrator sees all fourteen
    assert len(entries) == len(SCREENS)


def test_ctrl_and_a_digit_opens_the_screen_and_gives_it_the_keyboard(qtbot, window):
    for keys, page in (
        (Qt.Key.Key_2, "counter"),
        (Qt.Key.Key_5, "attendance"),
        (Qt.Key.Key_6, "invoicing"),
        (Qt.Key.Key_9, "calendar"),
        (Qt.Key.Key_1, "families"),
    ):
        qtbot.keyClick(window, keys, Qt.KeyboardModifier.ControlModifier)
        assert window.current_page() == page
        focus = QApplication.focusWidget()
        assert focus is not None and window.current_screen().isAncestorOf(focus), page
    assert QApplication.focusWidget() is window.search_screen.search_edit


def test_ctrl_f_searches_in_the_guichet_when_there_else_in_familles(qtbot, window):
    window.show_page("counter")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "counter"
    assert QApplication.focusWidget() is window.current_screen().search_edit
    window.show_page("calendar")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "families"
    assert QApplication.focusWidget() is window.search_screen.search_edit


def test_an_agent_is_offered_only_the_screens_of_the_role(qtbot, store, agent):
    window = MainWindow(AppContext(store, agent, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    entries = [a.text().replace("&", "") for a in _menu(window, "Aller à").actions()]
    assert "Facturation" not in entries and "Utilisateurs" not in entries
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "families"  # Ctrl+6 is not the agent's: nothing opens


def test_the_shortcuts_window_lists_what_the_menus_really_have(qtbot, window):
    rows = menu_shortcuts(window.menuBar())
    assert ("Aller à", "Ctrl+2", "Guichet") in rows
    assert ("Fichier", "Ctrl+F", "Rechercher une famille") in rows
    assert ("Aide", "F1", "Guide de l'utilisateur") in rows
    dialog = ShortcutsDialog(window.menuBar(), window)
    qtbot.addWidget(dialog)
    cells = {
        (dialog.table.item(r, 1).text(), dialog.table.item(r, 2).text())
        for r in range(dialog.table.rowCount())
    }
    assert ("Ctrl+L", "Verrouiller l'écran") in cells
    assert ("Espace ou Entrée", "Réserver / annuler le jour choisi") in cells


@pytest.mark.parametrize(("role", "heading"), [(r, None) for r, _ in GUIDES])
def test_each_role_has_its_guide_in_french(qtbot, role, heading):
    dialog = GuideDialog(role)
    qtbot.addWidget(dialog)
    text = dialog.browser.toPlainText()
    assert text.startswith("Guide")
    assert role.label.split()[0].lower() in text.lower()
    assert len(text.split()) > 300  # a real guide, not a placeholder
    for english in (" the ", " click ", " button ", "TODO"):
        assert english not in text


def test_f1_opens_the_guide_of_the_agents_own_role(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(GuideDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert opened[0].role_combo.currentData() == Role.ADMIN


def test_a_new_town_without_a_canteen_opens_its_lists_without_an_error_box(qtbot, window):
    """A town just set up has no activity yet: « Listes et présences » says so in place."""
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    screen = window.current_screen()
    assert window.current_page() == "attendance"
    assert QApplication.activeModalWidget() is None
    assert screen.meals_tab.summary_label.text() == (
        "Aucune activité de cantine (code CANTINE) n'est définie."
    )
