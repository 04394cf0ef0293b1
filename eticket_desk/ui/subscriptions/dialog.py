"""« Inscriptions… » from the family dossier: the paper form for one family, in a dialog."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.subscriptions.form import SavedForm, SubscriptionForm


class SubscriptionDialog(QDialog):
    """Enter or change a child's registrations; closes once the form is recorded."""

    subscriptions_saved = Signal(object)  # SavedForm

    def __init__(
        self,
        ctx: AppContext,
        family_id: uuid.UUID,
        child_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Inscriptions (formulaire papier)"))
        self.form = SubscriptionForm(ctx, self)
        self.close_button = QPushButton(self.tr("Fermer"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.form.tab_tail = [self.close_button]
        hint = note_label(
            self.tr(
                "Alt+1…9 coche une activité, Espace coche un jour, Ctrl+Entrée enregistre. "
                "Une inscription modifiée ne change que les jours encore modifiables."
            )
        )
        bottom = QHBoxLayout()
        bottom.addWidget(hint, 1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form, 1)
        layout.addLayout(bottom)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.form.save)
        self.form.form_saved.connect(self._on_form_form_saved)
        self.form.family_loaded.connect(self._on_form_family_loaded)
        self.resize(1000, 680)
        self.form.set_family(family_id, child_id)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802
        return self.form.move_focus(forward) or super().focusNextPrevChild(forward)

    def _on_form_family_loaded(self, family) -> None:
        self.setWindowTitle(
            self.tr("Inscriptions — %1 (%2)")
            .replace("%1", family.display_name)
            .replace("%2", family.reference)
        )
        if not self.form.child_combo.hasFocus():
            self.form.child_combo.setFocus()

    def _on_form_form_saved(self, saved: SavedForm) -> None:
        self.subscriptions_saved.emit(saved)
        self.accept()
