"""The « Serveur central » settings box: server URL, device id, the token (kept in the OS
keyring, never shown back), « Enregistrer » and the sync status line."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.syncing.status import (
    DeviceSettings,
    SyncStatus,
    load_device,
    save_device,
    sync_status,
)
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.context import AppContext


class ServerBox(QGroupBox):
    """Registers this desk with the central server; saving announces "sync"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Serveur central"))
        self._ctx = ctx
        self._note = ""  # « Serveur enregistré. » before the next status line
        editable = ctx.actor.can(Permission.SETTINGS_EDIT)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://guichet.mairie.fr")
        self.device_edit = QLineEdit()
        self.device_edit.setPlaceholderText(self.tr("identifiant donné par le serveur"))
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.url_edit, self.device_edit, self.token_edit):
            edit.setEnabled(editable)
        self.save_button = QPushButton(self.tr("Enregistrer"))
        self.save_button.setVisible(editable)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)  # the reason a sync is impossible is a sentence
        self.error_label = error_label()

        form = QFormLayout()
        form.addRow(self.tr("Adresse du serveur"), self.url_edit)
        form.addRow(self.tr("Identifiant du poste"), self.device_edit)
        form.addRow(self.tr("Jeton du poste"), self.token_edit)
        self.number_label = QLabel()
        self.number_label.setWordWrap(True)
        form.addRow(self.tr("Numérotation"), self.number_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)
        layout.addWidget(
            note_label(
                self.tr(
                    "Le poste envoie ses opérations au serveur de la commune et reçoit celles "
                    "du portail des familles, toutes les minutes quand le serveur répond. "
                    "Le jeton est gardé dans le trousseau du système, jamais dans la base."
                )
            )
        )
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def load(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(lambda: (load_device(store), sync_status(store)), self._show)

    def _show(self, loaded: tuple[DeviceSettings, SyncStatus]) -> None:
        device, status = loaded
        self.url_edit.setText(device.server_url)
        self.device_edit.setText(str(device.device_id) if device.device_id else "")
        self.number_label.setText(device.numbering)
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            self.tr("enregistré dans le trousseau — à recoller pour modifier")
            if device.has_token
            else self.tr("à coller depuis le serveur")
        )
        self.status_label.setText(" ".join(filter(None, (self._note, status.text))))
        self._note = ""

    def _on_save_button_clicked(self) -> None:
        self.error_label.setVisible(False)
        try:
            device_id = uuid.UUID(self.device_edit.text().strip())
        except ValueError:
            self._show_error(InvalidInput("L'identifiant du poste n'est pas valide."))
            return
        token = self.token_edit.text()
        self.save_button.setEnabled(False)
        self._note = self.tr("Serveur enregistré.")  # shown by the reload Topic.SYNC brings
        self._ctx.write(
            save_device,
            self.url_edit.text(),
            device_id,
            token,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _device: DeviceSettings) -> None:
        self.save_button.setEnabled(True)

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._note = ""
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, InvalidInput):
            self.error_label.setText(exc.message)
            self.error_label.setVisible(True)
            return
        messages.show_error(self, exc)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SYNC in topics:
            self.load()
