"""The "Poste et sécurité" settings tab: locking the screen after some idle minutes, and the
payment delay printed on invoices."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services import settings
from eticket_desk.services.settings import AppSettings
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.context import AppContext


class DeskPage(QWidget):
    """The idle lock and invoice payment delays; saving updates `ctx.settings` and announces
    "settings"."""

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.idle_spin = QSpinBox()
        self.idle_spin.setRange(1, 120)
        self.idle_spin.setEnabled(editable)
        self.due_days_spin = QSpinBox()
        self.due_days_spin.setRange(1, 90)
        self.due_days_spin.setEnabled(editable)
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
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.idle_spin.valueChanged.connect(self._on_idle_spin_value_changed)
        self.due_days_spin.valueChanged.connect(self._on_due_days_spin_value_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def load(self) -> None:
        self._stored = settings.load_settings(self._ctx.store)
        for spin, value in (
            (self.idle_spin, self._stored.idle_lock_minutes),
            (self.due_days_spin, self._stored.invoice_due_days),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)

    def _on_idle_spin_value_changed(self, _value: int) -> None:
        self.status_label.setText(self.tr("Modification non enregistrée."))

    def _on_due_days_spin_value_changed(self, _value: int) -> None:
        self.status_label.setText(self.tr("Modification non enregistrée."))

    def _on_bus_changed(self, topics: frozenset[str]) -> None:
        if "settings" in topics:
            self.load()

    def _on_save_button_clicked(self) -> None:
        self.error_label.setVisible(False)
        new = replace(
            self._stored,
            idle_lock_minutes=self.idle_spin.value(),
            invoice_due_days=self.due_days_spin.value(),
        )
        store, actor = self._ctx.store, self._ctx.actor
        self.save_button.setEnabled(False)
        self._ctx.runner.submit(
            lambda: settings.save_settings(store, actor, new),
            lambda _result: self._on_save_done(new),
            self._on_save_failed,
        )

    def _on_save_done(self, new: AppSettings) -> None:
        self.save_button.setEnabled(True)
        self._ctx.settings = new
        self._ctx.bus.announce("settings")
        self.status_label.setText(self.tr("Réglages enregistrés."))

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.error_label.setText("\n".join(exc.errors.values()))
            self.error_label.setVisible(True)
            return
        messages.show_error(self, exc)
