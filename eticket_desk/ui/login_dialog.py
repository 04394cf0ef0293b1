"""The login dialog: shown at once, usable while the database opens in the background."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.ui import local_prefs

if TYPE_CHECKING:
    from eticket_desk.services.core.store import Actor, Store


class StoreOpener(QObject):
    """Imports the database layer and opens (migrates) the file on a background thread."""

    opened = Signal(object, bool, str)  # store, has users, organisation name
    failed = Signal(object)  # the exception

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path

    def start(self) -> None:
        threading.Thread(target=self._run, name="store-opener", daemon=True).start()

    def _run(self) -> None:
        try:
            from eticket_desk.services.access.users import has_users
            from eticket_desk.services.catalogue.organisation import load_organisation
            from eticket_desk.services.core.store import Store

            store = Store(self.path)
            found = has_users(store)
            name = load_organisation(store).name
            import eticket_desk.ui.main_window  # noqa: F401  (warm: shown right after login)
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
            self.failed.emit(exc)
        else:
            self.opened.emit(store, found, name)


class LoginDialog(QDialog):
    """On success `actor` holds the agent and `must_change_password` tells what comes next.

    Without a store yet, the agent may already type; « Se connecter » waits for `set_store`.
    Enter always means « Se connecter » (never « Quitter »): a typo keeps the dialog open with
    the reason, and only Échap or « Quitter » leaves the program. The last login that
    succeeded on this computer is filled in, the focus then in the password.
    """

    NO_USERS = 2  # result code: the file has no account, the first-launch flow must run

    def __init__(
        self, store: Store | None, organisation_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.must_change_password = False
        self.setWindowTitle(self.tr("eTicket Guichet — Connexion"))
        self.setMinimumWidth(440)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.heading.setWordWrap(True)
        subtitle = QLabel(self.tr("Guichet des services périscolaires"))
        subtitle.setStyleSheet("color: #4b5563;")
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.error_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Identifiant :"), self.login_edit)
        form.addRow(self.tr("&Mot de passe :"), self.password_edit)
        buttons = QDialogButtonBox()
        self.quit_button = buttons.addButton(
            self.tr("&Quitter"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.connect_button = buttons.addButton(
            self.tr("Se &connecter"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        # Enter is handled in keyPressEvent: no button may take it by being « default ».
        for button in (self.quit_button, self.connect_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._pending = False
        remembered = local_prefs.last_login()
        if remembered:
            self.login_edit.setText(remembered)
            self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.login_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._set_heading(organisation_name)
        if store is None:
            self.connect_button.setEnabled(False)
            self.error_label.setStyleSheet("color: #4b5563;")
            self.error_label.setText(self.tr("Ouverture de la base de données…"))

    def _set_heading(self, organisation_name: str) -> None:
        self.heading.setText(organisation_name or self.tr("eTicket Guichet"))

    def set_store(self, store: Store, has_users: bool = True, organisation_name: str = "") -> None:
        """The database is open: log in now (at once if the agent already pressed Enter)."""
        self.store = store
        if not has_users:
            self.done(self.NO_USERS)
            return
        self._set_heading(organisation_name)
        self.connect_button.setEnabled(True)
        self.error_label.clear()
        self.error_label.setStyleSheet("color: #b91c1c;")
        if self._pending:
            self._on_buttons_accepted()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter: next field, then « Se connecter »; Échap: « Quitter »."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            if self.focusWidget() is self.login_edit and not self.password_edit.text():
                self.password_edit.setFocus(Qt.FocusReason.TabFocusReason)
            else:
                self._on_buttons_accepted()
            return
        super().keyPressEvent(event)

    def _on_buttons_accepted(self) -> None:
        if not self.login_edit.text().strip() or not self.password_edit.text():
            self.error_label.setText(self.tr("Saisissez votre identifiant et votre mot de passe."))
            return
        if self.store is None:
            self._pending = True
            self.error_label.setText(
                self.tr("Ouverture de la base de données… la connexion suivra.")
            )
            return
        self._pending = False
        from eticket_desk.services.access import users

        try:
            self.actor, self.must_change_password = users.authenticate(
                self.store, self.login_edit.text(), self.password_edit.text()
            )
        except DomainError as exc:
            self.error_label.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        local_prefs.remember_login(self.actor.login)
        self.accept()
