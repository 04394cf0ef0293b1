"""« Prélèvement SEPA » in the dossier's Famille tab: the family's current mandate (RUM, account
masked, signature, state) and its buttons: new, amend, revoke, print the form to sign."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from eticket_desk.rules.permissions import PERMISSION_LABELS, Permission
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.invoicing.mandate_data import MandateInfo, MandateInput
from eticket_desk.services.invoicing.mandate_print import print_mandate
from eticket_desk.services.invoicing.mandates import current_mandate, new_mandate_form
from eticket_desk.ui import pdf_preview
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor.mandate_dialog import MandateDialog, RevokeDialog
from eticket_desk.ui.messages import show_error

NONE_YET = "Aucun mandat : la famille règle ses factures au guichet, par chèque ou en ligne."


class MandateBox(QGroupBox):
    """Shows the mandate the dossier holds and opens its dialogs; reloads when it changes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Prélèvement SEPA"))
        self.ctx = ctx
        self.family_id: uuid.UUID | None = None
        self.mandate: MandateInfo | None = None
        self.dialog: MandateDialog | RevokeDialog | None = None
        self.rum = QLabel()
        self.account = QLabel()
        self.debtor = QLabel()
        self.signed = QLabel()
        self.state = QLabel()
        for label in (self.rum, self.account, self.debtor, self.signed, self.state):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QWidget()
        form = QFormLayout(self.details)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("RUM"), self.rum)
        form.addRow(self.tr("Compte"), self.account)
        form.addRow(self.tr("Titulaire"), self.debtor)
        form.addRow(self.tr("Signé le"), self.signed)
        form.addRow(self.tr("État"), self.state)
        self.note = note_label(self.tr(NONE_YET))
        self.new_button = QPushButton(self.tr("Nouveau &mandat…"))
        self.amend_button = QPushButton(self.tr("Modi&fier…"))
        self.revoke_button = QPushButton(self.tr("Révo&quer…"))
        self.print_button = QPushButton(self.tr("Im&primer le mandat"))
        row = QHBoxLayout()
        for button in self.buttons():
            row.addWidget(button)
        row.addStretch(1)
        layout = QFormLayout(self)
        layout.addRow(self.details)
        layout.addRow(self.note)
        layout.addRow(row)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.amend_button.clicked.connect(self._on_amend_button_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.show_mandate(None)

    def buttons(self) -> list[QPushButton]:
        return [self.new_button, self.amend_button, self.revoke_button, self.print_button]

    def set_family(self, family_id: uuid.UUID | None) -> None:
        """The dossier shown (None: a new one, not saved yet: no mandate before it is)."""
        self.family_id = family_id
        self.reload()

    def reload(self) -> None:
        if self.family_id is None:
            self.show_mandate(None)
            return
        ctx, family_id = self.ctx, self.family_id
        ctx.runner.submit(
            lambda: current_mandate(ctx.store, ctx.actor, family_id),
            self.show_mandate,
            lambda exc: show_error(self, exc, self.tr("Mandat SEPA indisponible")),
        )

    def show_mandate(self, mandate: MandateInfo | None) -> None:
        self.mandate = mandate
        self.details.setVisible(mandate is not None)
        self.note.setVisible(mandate is None or not mandate.is_active)
        if mandate is not None:
            kind = self.tr("récurrent") if mandate.recurrent else self.tr("ponctuel")
            self.rum.setText(mandate.rum)
            self.account.setText(f"{mandate.account}   BIC {mandate.bic or '—'}")
            self.debtor.setText(mandate.debtor_name)
            self.signed.setText(f"{mandate.signed_on:%d/%m/%Y} ({kind})")
            self.state.setText(mandate.state_label)
            colour = "#15803d" if mandate.is_active else "#b91c1c"
            self.state.setStyleSheet(f"color: {colour}; font-weight: bold;")
        if self.family_id is None:
            self.note.setText(self.tr("Enregistrez d'abord le dossier pour saisir un mandat."))
        elif mandate is not None and not mandate.is_active:
            self.note.setText(self.tr("Ce mandat n'est plus utilisé : enregistrez-en un nouveau."))
        else:
            self.note.setText(self.tr(NONE_YET))
        can = self.ctx.actor.can(Permission.MANDATE_EDIT)
        active = mandate is not None and mandate.is_active
        self.new_button.setEnabled(can and self.family_id is not None and not active)
        self.amend_button.setEnabled(can and active)
        self.revoke_button.setEnabled(can and active)
        self.print_button.setEnabled(mandate is not None)
        refused = "" if can else self._refused()
        for button in (self.new_button, self.amend_button, self.revoke_button):
            button.setToolTip(refused)

    def _refused(self) -> str:
        return (
            self.tr("Votre profil (%1) ne permet pas de %2.")
            .replace("%1", self.ctx.actor.role_label)
            .replace("%2", PERMISSION_LABELS[Permission.MANDATE_EDIT])
        )

    # ------------------------------------------------------------ slots

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if self.family_id is not None and topics & {
            FamilyTopic(self.family_id),
            Topic.ORGANISATION,
        }:
            self.reload()

    def _on_new_button_clicked(self) -> None:
        ctx, family_id = self.ctx, self.family_id
        if family_id is None:
            return
        ctx.runner.submit(
            lambda: new_mandate_form(ctx.store, ctx.actor, family_id),
            self._open_new,
            lambda exc: show_error(self, exc),
        )

    def _open_new(self, form: MandateInput) -> None:
        self._open(MandateDialog(self.ctx, self.family_id, form, None, self))

    def _on_amend_button_clicked(self) -> None:
        if self.mandate is not None:
            self._open(
                MandateDialog(self.ctx, self.family_id, self.mandate.as_input(), self.mandate, self)
            )

    def _on_revoke_button_clicked(self) -> None:
        if self.mandate is not None:
            self._open(RevokeDialog(self.ctx, self.mandate, self))

    def _open(self, dialog: MandateDialog | RevokeDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _on_print_button_clicked(self) -> None:
        if self.mandate is None:
            return
        ctx, mandate_id = self.ctx, self.mandate.id
        title = self.tr("Mandat de prélèvement SEPA %1").replace("%1", self.mandate.rum)
        ctx.runner.submit(
            lambda: print_mandate(ctx.store, ctx.actor, mandate_id),
            lambda path: pdf_preview.preview(path, title, self),
            lambda exc: show_error(self, exc),
        )
