"""« Régime (heures CAF / MSA) » in the dossier's Famille tab: the family's regime and its
allocataire number, saved on their own (services.families.funder)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from eticket_desk.rules.caf_hours import REGIME_LABELS
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.families.funder import Funder, family_funder, save_funder
from eticket_desk.ui.admin.forms import FieldErrors
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error


class FunderBox(QGroupBox):
    """The regime combo, the number, « Enregistrer » (Enter in the number saves too)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Régime (heures CAF / MSA)"))
        self.ctx = ctx
        self.family_id: uuid.UUID | None = None
        self.errors = FieldErrors()
        self.regime_combo = QComboBox()
        self.regime_combo.addItem(self.tr("Non renseigné"), "")
        for regime, label in REGIME_LABELS.items():
            self.regime_combo.addItem(label, regime.value)
        self.number_edit = QLineEdit()
        self.number_edit.setMaxLength(24)
        self.number_edit.setPlaceholderText(self.tr("facultatif"))
        self.save_button = QPushButton(self.tr("Enregistrer le ré&gime"))
        self.status = QLabel()
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.save_button)
        layout.addWidget(self.status, 1)
        form = QFormLayout(self)
        form.addRow(self.tr("Régime :"), self.errors.wrap("funder_regime", self.regime_combo))
        form.addRow(
            self.tr("N° d'allocataire :"), self.errors.wrap("funder_number", self.number_edit)
        )
        form.addRow(row)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.number_edit.returnPressed.connect(self._on_save_button_clicked)
        self.set_family(None)

    def set_family(self, family_id: uuid.UUID | None) -> None:
        self.family_id = family_id
        self.errors.clear()
        self.status.clear()
        can = self.ctx.actor.can(Permission.FAMILY_EDIT) and family_id is not None
        for widget in (self.regime_combo, self.number_edit, self.save_button):
            widget.setEnabled(can)
        if family_id is None:
            self.show_funder(Funder(uuid.uuid4(), "", ""))
            self.status.setText(self.tr("Enregistrez d'abord le dossier."))
            return
        ctx = self.ctx
        ctx.runner.submit(
            lambda: family_funder(ctx.store, ctx.actor, family_id),
            self.show_funder,
            lambda exc: show_error(self, exc),
        )

    def show_funder(self, funder: Funder) -> None:
        self.regime_combo.setCurrentIndex(max(self.regime_combo.findData(funder.regime), 0))
        self.number_edit.setText(funder.number)

    def _on_save_button_clicked(self) -> None:
        if self.family_id is None or not self.save_button.isEnabled():
            return
        self.errors.clear()
        self.ctx.write(
            save_funder,
            self.family_id,
            self.regime_combo.currentData(),
            self.number_edit.text(),
            on_done=self._on_saved,
            on_error=self._on_refused,
        )

    def _on_saved(self, funder: Funder) -> None:
        self.show_funder(funder)
        self.status.setText(self.tr("Régime enregistré."))

    def _on_refused(self, exc: Exception) -> None:
        if isinstance(exc, ValidationFailed):
            for key, message in exc.errors.items():
                self.errors.set(key, message)
            return
        show_error(self, exc)
