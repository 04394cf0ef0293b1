"""The "Poste et sécurité" settings tab: locking the screen after some idle minutes, the
payment delay printed on invoices, the backups (folder, « Sauvegarder maintenant »), the
central server this desk syncs with, and this desk's clock as the server last measured it
(« Horloge de ce poste : à l'heure (écart 3 s, mesuré le … à …) », or the warning of a clock
the server does not trust to date its bookings)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core import settings
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.core.settings import AppSettings
from eticket_desk.services.maintenance import backups
from eticket_desk.services.syncing.status import DeskClockState, desk_clock
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, note_label, show_text_starts
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.sync.server_box import ServerBox


class DeskPage(QWidget):
    """The idle lock and invoice payment delays; saving announces Topic.SETTINGS (the main
    window reads the new idle lock) and updates `ctx.settings`."""

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(1, 120)
        self.idle_spin.setEnabled(editable)
        self.due_days_spin = QSpinBox()
        self.due_days_spin.setRange(1, 90)
        self.due_days_spin.setEnabled(editable)
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("Dossier « backups » à côté de la base"))
        self.folder_edit.setEnabled(editable)
        self.choose_button = QPushButton(self.tr("Choisir…"))
        self.choose_button.setEnabled(editable)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.backup_button = QPushButton(self.tr("Sauvegarder maintenant"))
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self._may_backup = ctx.actor.can(Permission.BACKUP)
        self.backup_button.setEnabled(self._may_backup)
        self.last_backup_label = QLabel()
        self.error_label = error_label()
        self.status_label = note_label()
        self.save_button = QPushButton(self.tr("Enregistrer"))
        self.save_button.setVisible(editable)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Verrouiller l'écran après")))
        row.addWidget(self.idle_spin)
        row.addWidget(QLabel(self.tr("minutes d'inactivité")))
        row.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)

        lock_box = QGroupBox(self.tr("Verrouillage de l'écran"))
        lock_layout = QVBoxLayout(lock_box)
        lock_layout.addLayout(row)
        lock_layout.addWidget(self.error_label)
        lock_layout.addWidget(
            note_label(
                self.tr(
                    "Quand personne ne touche le poste pendant ce délai, l'écran se verrouille : "
                    "l'agent saisit son mot de passe pour reprendre là où il en était. Les données "
                    "des familles restent ainsi à l'abri pendant une absence du guichet. "
                    "Ce réglage vaut pour tous les postes."
                )
            )
        )
        due_row = QHBoxLayout()
        due_row.addWidget(QLabel(self.tr("Délai de paiement des factures (jours)")))
        due_row.addWidget(self.due_days_spin)
        due_row.addStretch(1)
        invoices_box = QGroupBox(self.tr("Factures"))
        invoices_layout = QVBoxLayout(invoices_box)
        invoices_layout.addLayout(due_row)
        invoices_layout.addWidget(
            note_label(
                self.tr(
                    "La date limite de paiement imprimée sur chaque facture et sur son coupon : "
                    "la date d'émission plus ce délai. Elle vaut pour les factures émises "
                    "ensuite ; celles déjà émises gardent leur échéance."
                )
            )
        )
        layout = QVBoxLayout(self)
        layout.addWidget(lock_box)
        layout.addWidget(invoices_box)
        layout.addWidget(self._backups_box())
        self.server_box = ServerBox(ctx)
        layout.addWidget(self.server_box)
        # Under the server's own lines (the server measured it): after the box's form.
        self.clock_label = QLabel()
        self.clock_label.setWordWrap(True)
        self.server_box.layout().insertWidget(1, self.clock_label)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.folder_edit.textEdited.connect(self._on_folder_edit_text_edited)
        self.idle_spin.valueChanged.connect(self._on_idle_spin_value_changed)
        self.due_days_spin.valueChanged.connect(self._on_due_days_spin_value_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def _backups_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Sauvegardes"))
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(self.tr("Dossier")))
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        now_row = QHBoxLayout()
        now_row.addWidget(self.last_backup_label, 1)
        now_row.addWidget(self.backup_button)
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(folder_row)
        box_layout.addLayout(now_row)
        box_layout.addWidget(
            note_label(
                self.tr(
                    "Une sauvegarde est faite au premier démarrage de chaque jour et à la "
                    "fermeture du programme ; sont gardées celles des 7 derniers jours et des "
                    "4 semaines d'avant. Choisissez de préférence une clé USB ou un partage "
                    "réseau : une sauvegarde sur le même disque ne protège pas d'une panne."
                )
            )
        )
        return box

    def _read_last_backup(self) -> None:
        store, folder = self._ctx.store, self._stored.backup_folder
        self._ctx.runner.submit(
            lambda: backups.last_backup(store, folder),
            self._show_last_backup,
            self._on_load_failed,
        )

    def _show_last_backup(self, last: backups.BackupInfo | None) -> None:
        if last is None:
            self.last_backup_label.setText(self.tr("Aucune sauvegarde pour l'instant."))
            return
        self.last_backup_label.setText(
            self.tr("Dernière sauvegarde : le %1 à %2")
            .replace("%1", last.at.strftime("%d/%m/%Y"))
            .replace("%2", last.at.strftime("%H:%M"))
        )

    def load(self) -> None:
        """Reads the settings and the last backup on the task runner; saving waits for them,
        so the page never saves the defaults it showed before."""
        store = self._ctx.store
        self.loaded = False
        self.save_button.setEnabled(False)

        def read() -> tuple[AppSettings, backups.BackupInfo | None, DeskClockState]:
            stored = settings.load_settings(store)
            return stored, backups.last_backup(store, stored.backup_folder), desk_clock(store)

        self._ctx.runner.submit(read, self._on_loaded, self._on_load_failed)

    def _on_load_failed(self, exc: Exception) -> None:
        messages.show_error(self, exc, self.tr("Lecture des réglages impossible"))

    def _on_loaded(
        self, loaded: tuple[AppSettings, backups.BackupInfo | None, DeskClockState]
    ) -> None:
        self._stored, last, clock = loaded
        self._show_clock(clock)
        self.folder_edit.setText(self._stored.backup_folder)
        show_text_starts(self)
        self._show_last_backup(last)
        self.save_button.setEnabled(True)
        self.loaded = True
        for spin, value in (
            (self.idle_spin, self._stored.idle_lock_minutes),
            (self.due_days_spin, self._stored.invoice_due_days),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _on_folder_edit_text_edited(self, _text: str) -> None:
        self.status_label.setText(self.tr("Modification non enregistrée."))

    def _on_choose_button_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Dossier des sauvegardes"), self.folder_edit.text()
        )
        if folder:
            self.folder_edit.setText(folder)
            self._on_folder_edit_text_edited(folder)

    def _on_backup_button_clicked(self) -> None:
        store, actor = self._ctx.store, self._ctx.actor
        self.backup_button.setEnabled(False)
        self._ctx.runner.submit(
            lambda: backups.backup_by(store, actor),
            self._on_backup_done,
            self._on_backup_failed,
        )

    def _on_backup_done(self, _info: backups.BackupInfo) -> None:
        self.backup_button.setEnabled(self._may_backup)
        self._read_last_backup()
        self.status_label.setText(self.tr("Sauvegarde faite."))

    def _on_backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(self._may_backup)
        messages.show_error(self, exc)

    def _on_idle_spin_value_changed(self, _value: int) -> None:
        self.status_label.setText(self.tr("Modification non enregistrée."))

    def _on_due_days_spin_value_changed(self, _value: int) -> None:
        self.status_label.setText(self.tr("Modification non enregistrée."))

    def _show_clock(self, clock: DeskClockState) -> None:
        self.clock_label.setText(clock.text)
        self.clock_label.setStyleSheet(
            ""
            if clock.trusted or clock.measured_at is None
            else "color: #a61b1b; font-weight: bold;"
        )

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SETTINGS in topics:
            self.load()
        elif Topic.SYNC in topics:  # a sync measured the clock again
            store = self._ctx.store
            self._ctx.runner.submit(lambda: desk_clock(store), self._show_clock)

    def _on_save_button_clicked(self) -> None:
        self.error_label.setVisible(False)
        new = replace(
            self._stored,
            idle_lock_minutes=self.idle_spin.value(),
            invoice_due_days=self.due_days_spin.value(),
            backup_folder=self.folder_edit.text().strip(),
        )
        self.save_button.setEnabled(False)
        self._ctx.write(
            settings.save_settings,
            new,
            on_done=lambda _none: self._on_save_done(new),
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, new: AppSettings) -> None:
        self.save_button.setEnabled(True)
        self._ctx.settings = new
        self.status_label.setText(self.tr("Réglages enregistrés."))

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.error_label.setText("\n".join(exc.errors.values()))
            self.error_label.setVisible(True)
            return
        messages.show_error(self, exc)
