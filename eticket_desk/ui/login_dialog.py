"""The login dialog: identifier and password, checked against argon2 hashes."""

from __future__ import annotations

from PySide6.QtCore import Qt
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
from eticket_desk.services import users
from eticket_desk.services.store import Actor, Store


class LoginDialog(QDialog):
    """On success `actor` holds the agent and `must_change_password` tells what comes next."""

    def __init__(self, store: Store, organisation_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.must_change_password = False
        self.setWindowTitle(self.tr("eTicket Guichet — Connexion"))
        self.setMinimumWidth(420)
        heading = QLabel(organisation_name or self.tr("eTicket Guichet"))
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        heading.setWordWrap(True)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton(
            self.tr("Se &connecter"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        buttons.accepted.connect(self._on_buttons_accepted)
        self.password_edit.returnPressed.connect(self._on_buttons_accepted)
        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.login_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_buttons_accepted(self) -> None:
        if not self.login_edit.text().strip() or not self.password_edit.text():
            self.error_label.setText(self.tr("Saisissez votre identifiant et votre mot de passe."))
            return
        try:
            self.actor, self.must_change_password = users.authenticate(
                self.store, self.login_edit.text(), self.password_edit.text()
            )
        except DomainError as exc:
            self.error_label.setText(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()
