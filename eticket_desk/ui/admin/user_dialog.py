"""The dialog that creates or edits an agent's account (login, civility and name, profile,
password). The civility names the profile in the person's gender (« Coordinatrice »)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.permissions import CIVILITY_LABELS, Civility, Role
from eticket_desk.services.access import users
from eticket_desk.services.access.users import UserDraft, UserInfo
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, note_label, save_cancel_buttons
from eticket_desk.ui.admin.users_model import role_rights_html, role_summary
from eticket_desk.ui.context import AppContext


class UserDialog(QDialog):
    """New account when `user` is None; otherwise edits it (and resets its password if asked)."""

    user_saved = Signal(object)  # UserInfo

    def __init__(
        self,
        ctx: AppContext,
        user: UserInfo | None = None,
        *,
        reset_password: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._user = user
        self.errors = FieldErrors()
        if user is None:
            self.setWindowTitle(self.tr("Nouvel utilisateur"))
        else:
            self.setWindowTitle(self.tr("Utilisateur {login}").format(login=user.login))

        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText(self.tr("ex. pmartin (minuscules, sans accent)"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Prénom Nom"))
        self.civility_combo = QComboBox()
        for civility in (Civility.MADAME, Civility.MONSIEUR, Civility.UNKNOWN):
            self.civility_combo.addItem(CIVILITY_LABELS[civility], civility.value)
        self.civility_combo.setToolTip(
            self.tr(
                "Le profil est écrit au féminin ou au masculin : « régisseuse », « régisseur »."
            )
        )
        self.role_combo = QComboBox()
        for role in Role:
            self.role_combo.addItem(role.label, role.value)
        self.active_check = QCheckBox(self.tr("Compte actif (peut se connecter)"))
        self.active_check.setChecked(True)
        self.reset_check = QCheckBox(self.tr("Réinitialiser le mot de passe"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("au moins 8 caractères, lettres et chiffres"))
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = note_label(
            self.tr(
                "Ce mot de passe est provisoire : l'utilisateur en choisira un autre "
                "à sa première connexion."
            )
        )

        form = QFormLayout()
        form.addRow(self.tr("Identifiant :"), self.errors.wrap("login", self.login_edit))
        form.addRow(self.tr("Civilité :"), self.errors.wrap("civility", self.civility_combo))
        form.addRow(self.tr("Nom complet :"), self.errors.wrap("full_name", self.name_edit))
        form.addRow(self.tr("Profil :"), self.role_combo)
        form.addRow("", self.active_check)
        form.addRow("", self.reset_check)
        self._password_rows = (
            self.errors.wrap("password", self.password_edit),
            self.errors.wrap("confirmation", self.confirm_edit),
            self.password_note,
        )
        form.addRow(self.tr("Mot de passe :"), self._password_rows[0])
        form.addRow(self.tr("Confirmation :"), self._password_rows[1])
        form.addRow("", self.password_note)
        self._form = form

        rights_box = QGroupBox(self.tr("Ce que permet ce profil"))
        self.role_description = note_label()
        self.role_description.setTextFormat(Qt.TextFormat.RichText)
        self.role_description.setWordWrap(False)  # a table: its size is exact unwrapped
        QVBoxLayout(rights_box).addWidget(self.role_description)

        self.buttons, self.save_button = save_cancel_buttons(self, self.tr("Enregistrer"))
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(rights_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.role_combo.currentIndexChanged.connect(self._on_role_combo_changed)
        self.civility_combo.currentIndexChanged.connect(self._on_civility_combo_changed)
        self.reset_check.toggled.connect(self._on_reset_check_toggled)
        self._fill(user, reset_password)
        self.setMinimumWidth(560)

    # -- filling -----------------------------------------------------------------------------

    def _fill(self, user: UserInfo | None, reset_password: bool) -> None:
        if user is None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(Role.AGENT.value))
            self.civility_combo.setCurrentIndex(self.civility_combo.findData(Civility.UNKNOWN))
            self._form.setRowVisible(self.reset_check, False)
        else:
            self.login_edit.setText(user.login)
            self.civility_combo.setCurrentIndex(self.civility_combo.findData(user.civility))
            self.name_edit.setText(user.full_name)
            self.role_combo.setCurrentIndex(self.role_combo.findData(Role(user.role).value))
            self.active_check.setChecked(user.active)
            if user.id == self._ctx.actor.user_id:
                self.active_check.setEnabled(False)
                self.active_check.setToolTip(
                    self.tr("Vous ne pouvez pas désactiver votre propre compte.")
                )
            self.reset_check.setChecked(reset_password)
        self._on_role_combo_changed()
        self._on_civility_combo_changed()
        self._on_reset_check_toggled(self._wants_password())
        if reset_password:
            self.password_edit.setFocus()

    def _wants_password(self) -> bool:
        return self._user is None or self.reset_check.isChecked()

    def selected_role(self) -> Role:
        return Role(self.role_combo.currentData())

    def selected_civility(self) -> str:
        return self.civility_combo.currentData() or ""

    # -- slots -------------------------------------------------------------------------------

    def _on_role_combo_changed(self, _index: int = 0) -> None:
        role = self.selected_role()
        self.role_description.setText(role_rights_html(role))
        self.role_description.setToolTip(role_summary(role))

    def _on_civility_combo_changed(self, _index: int = 0) -> None:
        """The profiles read in the person's gender: « Agente d'accueil » for Madame."""
        civility = self.selected_civility()
        for index, role in enumerate(Role):
            self.role_combo.setItemText(index, role.label_for(civility))

    def _on_reset_check_toggled(self, checked: bool) -> None:
        show = self._user is None or checked
        for row in self._password_rows:
            self._form.setRowVisible(row, show)
        # A password set for someone else is temporary; one's own is not.
        own = self._user is not None and self._user.id == self._ctx.actor.user_id
        self._form.setRowVisible(self.password_note, show and not own)
        if not show:
            self.password_edit.clear()
            self.confirm_edit.clear()
            self.errors.set("password", "")
            self.errors.set("confirmation", "")
        self.adjustSize()

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        password = self.password_edit.text() if self._wants_password() else ""
        if self._wants_password():
            if not password:
                self.errors.set("password", self.tr("Saisissez le mot de passe."))
                self.password_edit.setFocus()
                return
            if password != self.confirm_edit.text():
                self.errors.set(
                    "confirmation", self.tr("La confirmation ne correspond pas au mot de passe.")
                )
                self.confirm_edit.selectAll()
                self.confirm_edit.setFocus()
                return
        draft = UserDraft(
            login=self.login_edit.text(),
            full_name=self.name_edit.text(),
            role=self.selected_role(),
            active=self.active_check.isChecked(),
            password=password,
            civility=self.selected_civility(),
        )
        user_id = self._user.id if self._user else None
        self.save_button.setEnabled(False)
        self._ctx.write(
            users.save_user,
            draft,
            user_id,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, info: UserInfo) -> None:
        self.save_button.setEnabled(True)
        self.user_saved.emit(info)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            unplaced = self.errors.show(exc.errors)
            if unplaced:
                messages.show_error(self, ValidationFailed(unplaced))
            return
        messages.show_error(self, exc)
