"""« Fusionner deux dossiers » (régisseur or admin): the dossier at hand and another one (its
likely duplicates proposed, or any reference typed), which one is kept, and what moves to it
before anything is written (services/families/merge.py)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.families.duplicates import (
    dossier_by_reference,
    likely_duplicates_of,
)
from eticket_desk.services.families.merge import MergeCounts, merge_families, preview_merge
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error


class MergeDialog(QDialog):
    """Merges another dossier with `family_id` (« F00002 MARTIN Marie » is `label`)."""

    def __init__(
        self, ctx: AppContext, family_id: uuid.UUID, label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id, self.label = family_id, label
        self.other: tuple[uuid.UUID, str] | None = None
        self.unknown = ""  # why the typed reference names no other dossier (French)
        self.merged: MergeCounts | None = None
        self.setWindowTitle(self.tr("Fusionner deux dossiers"))
        self.setMinimumWidth(620)

        intro = QLabel(
            self.tr(
                "Deux dossiers de la même famille deviennent un seul : le dossier gardé reçoit "
                "les enfants, adultes, réservations, porte-monnaie, quittances, factures et "
                "inscriptions de l'autre, qui est archivé\u00a0«\u00a0fusionné\u00a0»."
            )
        )
        intro.setWordWrap(True)
        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText(self.tr("Référence de l'autre dossier, ex. F100001"))
        self.reference_edit.textChanged.connect(self._on_reference_edit_text_changed)
        self.suggestions = QLabel()
        self.suggestions.setWordWrap(True)
        self.keep_this = QRadioButton()
        self.keep_other = QRadioButton()
        self.keep_this.setChecked(True)
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.keep_this)
        self.choice.addButton(self.keep_other)
        self.choice.buttonToggled.connect(self._on_choice_button_toggled)
        self.moves = QLabel()
        self.moves.setWordWrap(True)
        self.moves.setObjectName("mergeMoves")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton(
            self.tr("&Fusionner"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.merge_button.setEnabled(False)
        self.buttons.accepted.connect(self._on_merge_button_clicked)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Dossier :"), QLabel(label))
        form.addRow(self.tr("Avec le dossier :"), self.reference_edit)
        form.addRow("", self.suggestions)
        form.addRow(self.tr("Garder :"), self.keep_this)
        form.addRow("", self.keep_other)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("<b>Ce qui passe dans le dossier gardé :</b>")))
        layout.addWidget(self.moves, 1)
        layout.addWidget(self.buttons)
        self._show_choice()
        store, actor = ctx.store, ctx.actor
        ctx.runner.submit(
            lambda: likely_duplicates_of(store, actor, family_id),
            self._on_suggestions_loaded,
            self._on_failed,
        )

    def _on_suggestions_loaded(self, found) -> None:
        if not found:
            self.suggestions.setText(self.tr("Aucun doublon possible trouvé : tapez la référence."))
            return
        self.suggestions.setText(
            self.tr("Doublons possibles : ") + " ; ".join(d.label for d in found)
        )
        if not self.reference_edit.text():
            self.reference_edit.setText(found[0].reference)

    def _on_reference_edit_text_changed(self, text: str) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: dossier_by_reference(store, actor, text),
            lambda other: self._on_other_found(text, other),
            self._on_failed,
        )

    def _on_other_found(self, text: str, other) -> None:
        if text != self.reference_edit.text():
            return  # typed further meanwhile
        self.other = other if other is not None and other[0] != self.family_id else None
        self.unknown = ""
        if self.other is None and text.strip():  # a typo, or this very dossier
            self.unknown = (
                self.tr("C'est ce dossier-ci : tapez la référence de l'autre dossier.")
                if other is not None
                else self.tr("Aucun dossier actif ne porte la référence « %1 ».").replace(
                    "%1", text.strip()
                )
            )
        self._show_choice()

    def _on_choice_button_toggled(self, _button, checked: bool) -> None:
        if checked:
            self._show_choice()

    def kept_and_absorbed(self) -> tuple[uuid.UUID, uuid.UUID] | None:
        if self.other is None:
            return None
        if self.keep_this.isChecked():
            return self.family_id, self.other[0]
        return self.other[0], self.family_id

    def _show_choice(self) -> None:
        other = self.other[1] if self.other else self.tr("(l'autre dossier)")
        # « DUPONT Marie & Jean »: a single & would underline the next letter as a shortcut.
        this = self.label.replace("&", "&&")
        self.keep_this.setText(self.tr("%1 — l'autre est archivé").replace("%1", this))
        self.keep_other.setText(
            self.tr("%1 — celui-ci est archivé").replace("%1", other.replace("&", "&&"))
        )
        pair = self.kept_and_absorbed()
        self.merge_button.setEnabled(False)
        if pair is None:
            self.moves.setText(self.unknown or self.tr("Choisissez l'autre dossier."))
            return
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: preview_merge(store, actor, *pair),
            lambda counts: self._on_preview_done(pair, counts),
            self._on_failed,
        )

    def _on_preview_done(self, pair, counts: MergeCounts) -> None:
        if pair != self.kept_and_absorbed():
            return
        self.moves.setText(
            self.tr("De %1 vers %2 :")
            .replace("%1", counts.absorbed_reference)
            .replace("%2", counts.kept_reference)
            + "\n"
            + "\n".join(f"• {line}" for line in counts.lines)
        )
        self.merge_button.setEnabled(True)

    def _on_merge_button_clicked(self) -> None:
        pair = self.kept_and_absorbed()
        if pair is None:
            return
        self.merge_button.setEnabled(False)
        self.ctx.write(merge_families, *pair, on_done=self._on_merged, on_error=self._on_failed)

    def _on_merged(self, counts: MergeCounts) -> None:
        self.merged = counts
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        show_error(self, exc, self.tr("Fusion impossible"))
        self._show_choice()
