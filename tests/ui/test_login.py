"""The login dialog from the keyboard: Enter never quits, Échap does, the last login stays."""

from __future__ import annotations

from PySide6.QtCore import Qt

from eticket_desk.ui.login_dialog import LoginDialog, StoreOpener
from tests.conftest import ADMIN_PASSWORD


def _shown(qtbot, dialog: LoginDialog) -> LoginDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_typo_in_the_password_then_enter_keeps_the_dialog_open(qtbot, store):
    dialog = _shown(qtbot, LoginDialog(store, "Commune de Neuvecelle"))
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Return)  # Enter in the login: next field
    assert dialog.focusWidget() is dialog.password_edit
    qtbot.keyClicks(dialog.password_edit, "motdepasse")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.result() == 0 and dialog.actor is None
    assert dialog.error_label.text() == "Identifiant ou mot de passe incorrect."
    assert dialog.password_edit.text() == ""
    # Enter again on the empty password: still there, and it says what is missing.
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error_label.text() == "Saisissez votre identifiant et votre mot de passe."
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Enter)  # the keypad's Enter too
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor.full_name == "Anne Martin"


def test_enter_while_the_base_opens_waits_for_it_instead_of_quitting(qtbot, store):
    path = store.path
    store.close()
    dialog = _shown(qtbot, LoginDialog(None))
    assert not dialog.connect_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Return)  # nothing typed yet
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.login_edit, "admin")
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.error_label.text() == "Ouverture de la base de données… la connexion suivra."
    opener = StoreOpener(path, dialog)
    opener.opened.connect(dialog.set_store)
    with qtbot.waitSignal(dialog.finished, timeout=10_000):
        opener.start()
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor.login == "admin"
    dialog.store.close()


def test_only_escape_or_quitter_closes_the_program(qtbot, store):
    dialog = _shown(qtbot, LoginDialog(store))
    assert dialog.quit_button.text().replace("&", "") == "Quitter"
    with qtbot.waitSignal(dialog.finished) as finished:
        qtbot.keyClick(dialog.login_edit, Qt.Key.Key_Escape)
    assert finished.args == [LoginDialog.DialogCode.Rejected.value]
    dialog = _shown(qtbot, LoginDialog(store))
    with qtbot.waitSignal(dialog.finished) as finished:
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert finished.args == [LoginDialog.DialogCode.Rejected.value]


def test_this_computer_remembers_the_last_login_not_the_password(qtbot, store):
    first = _shown(qtbot, LoginDialog(store))
    assert first.login_edit.text() == ""
    assert first.focusWidget() is first.login_edit
    qtbot.keyClicks(first.login_edit, "admin")
    qtbot.keyClicks(first.password_edit, ADMIN_PASSWORD)
    with qtbot.waitSignal(first.finished):
        qtbot.keyClick(first.password_edit, Qt.Key.Key_Return)
    second = _shown(qtbot, LoginDialog(store))
    assert second.login_edit.text() == "admin"
    assert second.password_edit.text() == ""
    assert second.focusWidget() is second.password_edit
    # A failed attempt remembers nothing.
    second.login_edit.setText("inconnu")
    qtbot.keyClicks(second.password_edit, "x")
    qtbot.keyClick(second.password_edit, Qt.Key.Key_Return)
    assert LoginDialog(store).login_edit.text() == "admin"
