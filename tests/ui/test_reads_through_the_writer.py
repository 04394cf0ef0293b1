"""The family search, the idle lock's password check, the main window's title and the dossier
editor go through the writer thread (a real TaskRunner here), as every database call: the
answers come back on the GUI thread, a search typed faster than its answers shows the latest
text's families only, and a dossier opens at once and fills in once read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eticket_desk.services.families.dossiers import save_family
from eticket_desk.ui.family_editor import FamilyEditorDialog
from eticket_desk.ui.family_search import FamilySearchScreen
from eticket_desk.ui.idle_lock import LockDialog
from eticket_desk.ui.main_window import MainWindow
from tests.conftest import ADMIN_PASSWORD, complete_family, validated_family


def test_typing_faster_than_the_answers_shows_the_latest_text(qtbot, writer, schools):
    for name, child in (("Lefèvre", "Éloïse"), ("Bérard", "Noé"), ("Martin", "Chloé")):
        save_family(
            writer.store,
            writer.actor,
            complete_family(schools, last_name=name, child_first_name=child),
        )
    screen = FamilySearchScreen(writer)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 3)
    qtbot.keyClicks(screen.search_edit, "chl")  # three searches queued on the writer
    qtbot.waitUntil(lambda: screen.count_label.text() == "1 famille")
    assert [h.display_name for h in screen.model.hits] == ["MARTIN Marie"]


def test_the_lock_checks_the_password_on_the_writer(qtbot, writer):
    lock = LockDialog(writer)
    qtbot.addWidget(lock)
    unlocked = []
    lock.unlocked.connect(lambda: unlocked.append(True))
    lock.show_locked()
    qtbot.keyClicks(lock.password_edit, "faux")
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.error_label.text() == "Mot de passe incorrect.")
    assert unlocked == [] and lock.isVisible()
    lock.password_edit.clear()
    qtbot.keyClicks(lock.password_edit, ADMIN_PASSWORD)
    with qtbot.waitSignal(lock.unlocked):
        qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    assert not lock.isVisible()


def test_the_main_window_names_the_town_once_read(qtbot, writer):
    window = MainWindow(writer)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.windowTitle() == "eTicket Guichet — Commune de Neuvecelle")


def test_a_dossier_opens_at_once_and_shows_once_read(
    qtbot, writer, store, admin, schools, activities
):
    family = validated_family(store, admin, schools, last_name="Bernard")
    dialog = FamilyEditorDialog(writer, family.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    assert not dialog.save_button.isEnabled()  # nothing to save before the dossier is read
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.header.reference.text() == family.reference
    assert dialog.tabs.currentWidget() is dialog.planning  # a validated family: its planning
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.planning.table)


def test_a_new_dossier_offers_the_schools_once_read(qtbot, writer, schools):
    dialog = FamilyEditorDialog(writer)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    combo = dialog.child_form.school
    names = [combo.itemText(i) for i in range(combo.count())]
    assert names == ["(non renseignée)", *(school.name for school in schools)]
