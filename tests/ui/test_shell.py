"""The shell as an agent meets it: login, search with the keyboard, idle lock, set-up wizard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWizard

from eticket_desk.services.access.users import authenticate, has_users
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.core.store import Store
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.login_dialog import LoginDialog
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.setup_wizard import SetupWizard
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import ADMIN_PASSWORD, complete_family


def test_login_refuses_a_wrong_password_in_french(qtbot, store):
    dialog = LoginDialog(store, "Commune de Neuvecelle")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClicks(dialog.password_edit, "mauvais")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.password_edit.text() == ""
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor.full_name == "Anne Martin"


def test_find_a_family_by_a_child_and_open_it_with_the_keyboard(qtbot, ctx, schools):
    for name, child in (("Lefèvre", "Éloïse"), ("Bérard", "Noé"), ("Martin", "Chloé")):
        save_family(
            ctx.store, ctx.actor, complete_family(schools, last_name=name, child_first_name=child)
        )
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    screen = window.search_screen
    assert screen.model.rowCount() == 3
    qtbot.keyClicks(screen.search_edit, "noe")
    assert [h.display_name for h in screen.model.hits] == ["BÉRARD Marie"]
    assert screen.count_label.text() == "1 famille"
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(screen.family_requested) as opened:
        qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert opened.args[0] == screen.model.hits[0].id


def test_no_result_says_so(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.search_screen.search_edit, "zzz")
    assert window.search_screen.count_label.text() == "Aucune famille ne correspond à « zzz »."


def test_an_agent_sees_no_admin_screens(qtbot, store, agent, coordinator):
    window = MainWindow(AppContext(store, agent, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    # Activities and the calendar are there to read; changing them is the régisseur's.
    assert labels == [
        "Familles",
        "Guichet",
        "Saisie des inscriptions",
        "Activités",
        "Tarifs",
        "Calendrier",
        "Portail des familles",  # the parents' documents, the mairie's messages
        "Messagerie",  # the e-mails waiting or refused, to see and try again
        "Synchronisation",
        "Paramètres",
    ]
    window = MainWindow(AppContext(store, coordinator, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == [
        "Familles",
        "Guichet",
        "Saisie des inscriptions",
        "Fréquentation",
        "Listes et présences",
        "Activités",
        "Tarifs",
        "Calendrier",
        "Portail des familles",  # the parents' documents, the mairie's messages
        "Messagerie",
        "Synchronisation",
        "Paramètres",
    ]
    window.show_page("occupancy")
    assert type(window.current_screen()).__name__ == "OccupancyScreen"


def test_idle_lock_keeps_what_was_being_typed(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    typing = QLineEdit(window)
    typing.setText("Madame Lefèvre a appelé pour")
    window.locker.watcher.timer.setInterval(50)
    window.locker.watcher.timer.start()
    qtbot.waitUntil(lambda: window.locker.is_locked, timeout=3000)

    lock = window.locker.dialog
    qtbot.keyClicks(lock.password_edit, "faux")
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    assert window.locker.is_locked
    assert lock.error_label.text() == "Mot de passe incorrect."
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Escape)
    assert window.locker.is_locked

    lock.password_edit.clear()
    qtbot.keyClicks(lock.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_Return)
    assert not window.locker.is_locked
    assert typing.text() == "Madame Lefèvre a appelé pour"


def test_setup_wizard_creates_the_commune_schools_and_admin(qtbot, tmp_path, clock):
    store = Store(tmp_path / "vide.sqlite", clock)
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.commune_edit, "Commune de Publier")
    qtbot.keyClicks(wizard.postcode_edit, "745")
    qtbot.keyClicks(wizard.city_edit, "Publier")
    wizard.next()
    assert wizard.currentId() == 0
    assert "code postal" in wizard.page(0).errors.text()
    wizard.postcode_edit.setText("74500")
    wizard.next()
    wizard.schools_edit.setPlainText("École Jules Ferry\nÉcole du Lac\n")
    wizard.next()
    qtbot.keyClicks(wizard.login_edit, "mairie")
    wizard.civility_combo.setCurrentIndex(wizard.civility_combo.findText("Madame"))
    wizard.name_edit.insert("Hélène Dubois")  # keyClicks only types ASCII
    qtbot.keyClicks(wizard.password_edit, "publier2026")
    qtbot.keyClicks(wizard.confirm_edit, "publier2025")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert "pas identiques" in wizard.page(2).errors.text()
    assert not has_users(store)
    wizard.confirm_edit.setText("publier2026")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.actor.full_name == "Hélène Dubois"
    assert wizard.actor.role_label == "Administratrice"  # her role in her gender, at once
    assert authenticate(store, "mairie", "publier2026")[0].role == "admin"
    assert authenticate(store, "mairie", "publier2026")[0].role_label == "Administratrice"
    assert [s.name for s in list_schools(store)] == ["École Jules Ferry", "École du Lac"]
    assert [c.name for c in list_schools(store)[0].classes] == [
        "PS",
        "MS",
        "GS",
        "CP",
        "CE1",
        "CE2",
        "CM1",
        "CM2",
    ]
    store.close()


def test_agent_may_type_and_press_enter_before_the_database_is_open(qtbot, store):
    from eticket_desk.ui.login_dialog import StoreOpener

    store.close()
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    assert dialog.error_label.text() == "Ouverture de la base de données…"
    assert not dialog.connect_button.isEnabled()
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    opener = StoreOpener(store.path, dialog)
    opener.opened.connect(dialog.set_store)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        opener.start()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.heading.text() == "Commune de Neuvecelle"
    assert dialog.actor.login == "admin"
    dialog.store.close()


def test_a_file_without_accounts_goes_to_first_launch(qtbot, tmp_path, clock):
    from eticket_desk.ui.login_dialog import StoreOpener

    Store(tmp_path / "sans-compte.sqlite", clock).close()
    dialog = LoginDialog(None)
    qtbot.addWidget(dialog)
    opener = StoreOpener(tmp_path / "sans-compte.sqlite", dialog)
    opener.opened.connect(dialog.set_store)
    with qtbot.waitSignal(dialog.finished, timeout=10_000) as finished:
        opener.start()
    assert finished.args == [LoginDialog.NO_USERS]
    dialog.store.close()
