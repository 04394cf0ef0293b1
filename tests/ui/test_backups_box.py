"""The « Sauvegardes » box of the settings: a folder chosen and saved, « Sauvegarder
maintenant » writes a checked backup there and shows its date; an agent cannot."""

from __future__ import annotations

from PySide6.QtCore import Qt

from eticket_desk.paths import documents_folder
from eticket_desk.services.core import settings
from eticket_desk.services.maintenance.backups import list_backups, verify_backup
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import ImmediateRunner


def test_the_folder_is_saved_and_a_backup_made_now(qtbot, ctx, store, tmp_path):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.desk_page
    assert page.last_backup_label.text() == "Aucune sauvegarde pour l'instant."
    folder = tmp_path / "cle_usb"
    qtbot.keyClicks(page.folder_edit, str(folder))
    assert page.status_label.text() == "Modification non enregistrée."
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert settings.load_settings(store).backup_folder == str(folder)
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    [made] = list_backups(folder)
    assert verify_backup(made.path)
    assert page.last_backup_label.text() == "Dernière sauvegarde : le 14/09/2026 à 09:30"
    assert page.status_label.text() == "Sauvegarde faite."


def test_an_agent_cannot_back_up(qtbot, qapp, store, agent):
    screen = SettingsScreen(AppContext(store, agent, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(screen)
    assert not screen.desk_page.backup_button.isEnabled()
    assert not screen.desk_page.folder_edit.isEnabled()


def test_closing_the_window_makes_a_backup(qtbot, ctx, store):
    from eticket_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.close()
    [made] = list_backups(documents_folder(store.path).parent / "backups")
    assert verify_backup(made.path)


def test_a_second_window_on_the_same_base_is_refused_in_french(store, qapp, monkeypatch):
    from eticket_desk.services.core.base_lock import hold
    from eticket_desk.ui import app

    shown: list[str] = []
    monkeypatch.setattr(app, "show_error", lambda _parent, exc: shown.append(exc.message))
    window = hold(store.path)  # the first window
    try:
        assert app.run_gui(store.path) == 1
    finally:
        window.release()
    assert shown == [
        f"La base {store.path.name} est déjà ouverte dans eTicket Guichet sur cet ordinateur : "
        "utilisez la fenêtre déjà ouverte (ou fermez-la d'abord)."
    ]
