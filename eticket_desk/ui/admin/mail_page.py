"""The « Messagerie » settings tab: the SMTP relay the desk sends its e-mail through (host,
port, security, login; the password goes to the OS keyring, never shown back), the sender's
address and name, the kitchen's address for the meal order, and « Envoyer un message
d'essai » (on a thread of its own: the network never holds the writer)."""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from eticket_desk.rules.errors import DomainError, ValidationFailed
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.mail.settings import (
    SECURITIES,
    MailSettings,
    load_mail_settings,
    save_mail_settings,
)
from eticket_desk.services.mail.testing import send_test_message
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, note_label
from eticket_desk.ui.context import AppContext


class MailPage(QWidget):
    test_finished = Signal(str, bool)  # (French result, succeeded), from the test's thread

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.errors = FieldErrors()
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText(self.tr("smtp.commune.fr"))
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.security_combo = QComboBox()
        for key, label in SECURITIES.items():
            self.security_combo.addItem(label, key)
        self.login_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("inchangé (gardé dans le trousseau)"))
        self.sender_edit = QLineEdit()
        self.sender_edit.setPlaceholderText(self.tr("regie@commune.fr"))
        self.sender_name_edit = QLineEdit()
        self.sender_name_edit.setPlaceholderText(self.tr("Régie périscolaire de la commune"))
        self.kitchen_edit = QLineEdit()
        self.kitchen_edit.setPlaceholderText(self.tr("commandes@cuisine.fr"))
        editors = (
            self.host_edit,
            self.port_spin,
            self.security_combo,
            self.login_edit,
            self.password_edit,
            self.sender_edit,
            self.sender_name_edit,
            self.kitchen_edit,
        )
        for editor in editors:
            editor.setEnabled(editable)

        relay = QGroupBox(self.tr("Serveur d'envoi (SMTP)"))
        form = QFormLayout(relay)
        form.addRow(self.tr("Serveur"), self.errors.wrap("host", self.host_edit))
        form.addRow(self.tr("Port"), self.errors.wrap("port", self.port_spin))
        form.addRow(self.tr("Sécurité"), self.errors.wrap("security", self.security_combo))
        form.addRow(self.tr("Identifiant"), self.login_edit)
        form.addRow(self.tr("Mot de passe"), self.password_edit)
        form.addRow(self.tr("Adresse d'expédition"), self.errors.wrap("sender", self.sender_edit))
        form.addRow(self.tr("Nom d'expéditeur"), self.sender_name_edit)
        form.addRow(
            note_label(
                self.tr(
                    "Le mot de passe est gardé dans le trousseau de ce poste (Gestionnaire "
                    "d'identification de Windows), jamais dans la base."
                )
            )
        )
        kitchen = QGroupBox(self.tr("Commande de repas"))
        kitchen_form = QFormLayout(kitchen)
        kitchen_form.addRow(
            self.tr("Adresse de la cuisine"), self.errors.wrap("kitchen", self.kitchen_edit)
        )
        kitchen_form.addRow(
            note_label(
                self.tr(
                    "Les effectifs de cantine d'un jour partent à cette adresse dès que l'heure "
                    "limite des réservations est passée, une seule fois par jour. Vide : pas "
                    "d'envoi."
                )
            )
        )
        self.test_edit = QLineEdit()
        self.test_edit.setPlaceholderText(self.tr("adresse qui reçoit l'essai"))
        self.test_button = QPushButton(self.tr("Envoyer un message d'essai"))
        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.test_button.setEnabled(editable)
        self.status_label = note_label()
        self.save_button = QPushButton(self.tr("Enregistrer"))
        self.save_button.setVisible(editable)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        test_row = QHBoxLayout()
        test_row.addWidget(self.errors.wrap("test", self.test_edit), 1)
        test_row.addWidget(self.test_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(relay)
        layout.addWidget(kitchen)
        layout.addLayout(test_row)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.test_finished.connect(self._on_test_finished)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def load(self) -> None:
        store = self._ctx.store
        self.save_button.setEnabled(False)
        self._ctx.runner.submit(lambda: load_mail_settings(store), self._on_loaded)

    def _on_loaded(self, stored: MailSettings) -> None:
        if not isValid(self):  # closed before the answer came
            return
        self.host_edit.setText(stored.host)
        self.port_spin.setValue(stored.port)
        self.security_combo.setCurrentIndex(max(0, self.security_combo.findData(stored.security)))
        self.login_edit.setText(stored.login)
        self.sender_edit.setText(stored.sender)
        self.sender_name_edit.setText(stored.sender_name)
        self.kitchen_edit.setText(stored.kitchen)
        self.password_edit.clear()
        self.save_button.setEnabled(True)

    def typed(self) -> MailSettings:
        return MailSettings(
            self.host_edit.text(),
            self.port_spin.value(),
            self.security_combo.currentData(),
            self.login_edit.text(),
            self.sender_edit.text(),
            self.sender_name_edit.text(),
            self.kitchen_edit.text(),
        )

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        password = self.password_edit.text() or None
        self.save_button.setEnabled(False)
        self._ctx.write(
            save_mail_settings,
            self.typed(),
            password,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _saved: MailSettings) -> None:
        self.save_button.setEnabled(True)
        self.password_edit.clear()
        self.status_label.setText(self.tr("Réglages de la messagerie enregistrés."))

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            rest = self.errors.show(exc.errors)
            self.status_label.setText("\n".join(rest.values()))
            return
        messages.show_error(self, exc)

    def _on_test_button_clicked(self) -> None:
        self.errors.set("test", "")
        self.test_button.setEnabled(False)
        self.status_label.setText(self.tr("Envoi du message d'essai…"))
        store, actor, to = self._ctx.store, self._ctx.actor, self.test_edit.text()

        def run() -> None:
            try:
                said, ok = send_test_message(store, actor, to), True
            except DomainError as error:
                said, ok = error.message, False
            except Exception as error:  # shown, never a crash of the window
                said, ok = str(error), False
            with contextlib.suppress(RuntimeError):  # the page was closed meanwhile
                self.test_finished.emit(said, ok)

        threading.Thread(target=run, name="eticket-mail-test", daemon=True).start()

    def _on_test_finished(self, said: str, ok: bool) -> None:
        if not isValid(self):  # closed before the answer came
            return
        self.test_button.setEnabled(True)
        if ok:
            self.status_label.setText(said)
        else:
            self.status_label.setText("")
            self.errors.set("test", said)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SETTINGS in topics:
            self.load()
