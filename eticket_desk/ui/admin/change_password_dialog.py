"""The dialog where the logged-in agent changes their own password (or must, after a reset)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.access import users
from eticket_desk.services.core import fields as field_checks
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, save_cancel_buttons
from eticket_desk.ui.context import AppContext


class ChangePasswordDialog(QDialog):
    """Current, new and confirmation. When `forced`, there is no Cancel and Escape is ignored."""

    password_changed = Signal()

    def __init__(
        self, ctx: AppContext, forced: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.forced = forced
        self.errors = FieldErrors()
        self.setWindowTitle(self.tr("Changer de mot de passe"))
        if forced:
            self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

        self.current_edit = self._password_edit()
        self.new_edit = self._password_edit()
        self.new_edit.setPlaceholderText(self.tr("au moins 8 caractères, lettres et chiffres"))
        self.confirm_edit = self._password_edit()
        if forced:
            intro = self.tr(
                "Votre mot de passe a été fixé par un administrateur : choisissez-en un nouveau."
            )
        else:
            intro = self.tr("Choisissez un mot de passe que vous seul connaissez.")
        self.intro_label = QLabel(intro)
        self.intro_label.setWordWrap(True)

        form = QFormLayout()
        form.addRow(
            self.tr("Mot de passe actuel :"), self.errors.wrap("current", self.current_edit)
        )
        form.addRow(self.tr("Nouveau mot de passe :"), self.errors.wrap("new", self.new_edit))
        form.addRow(self.tr("Confirmation :"), self.errors.wrap("confirmation", self.confirm_edit))
        self.buttons, self.save_button = save_cancel_buttons(
            self, self.tr("Changer le mot de passe"), cancel=not forced
        )
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    @staticmethod
    def _password_edit() -> QLineEdit:
        edit = QLineEdit()
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.forced and event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        current, new = self.current_edit.text(), self.new_edit.text()
        if not current:
            self.errors.set("current", self.tr("Saisissez votre mot de passe actuel."))
            return
        try:
            field_checks.check_password(new)
        except InvalidInput as exc:
            self.errors.set("new", exc.message)
            return
        if new == current:
            self.errors.set(
                "new", self.tr("Le nouveau mot de passe doit être différent de l'ancien.")
            )
            return
        if new != self.confirm_edit.text():
            self.errors.set(
                "confirmation", self.tr("La confirmation ne correspond pas au mot de passe.")
            )
            return
        self.save_button.setEnabled(False)
        self._ctx.write(
            users.change_own_password,
            current,
            new,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.password_changed.emit()
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            # The checks above passed, so the service refused the current password.
            self.errors.set("current", exc.message)
            self.current_edit.selectAll()
            self.current_edit.setFocus()
        else:
            messages.show_error(self, exc)
