"""What the dossier editor shows of its state: the header, the window title, the tab labels,
the message line and which buttons are enabled, all from what is on screen (mixed into
FamilyEditorDialog; `_refresh` runs after every edit, load, save and busy change)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.families.data import family_display_name
from eticket_desk.ui.family_editor.checks import missing_now
from eticket_desk.ui.family_editor.widgets import ERROR_STYLE

if TYPE_CHECKING:
    from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog

    _Base = FamilyEditorDialog
else:
    _Base = object


class DossierStatus(_Base):
    """The status half of FamilyEditorDialog: header, title, tabs, message and buttons."""

    def _refresh(self) -> None:
        """Header, title, tab labels, message line and buttons, from what is on screen."""
        data, dirty = self._data, self.is_dirty()
        adults, children = self._everyone(), self.children_page.items()
        missing = (
            data.missing if data.id is not None and not dirty else missing_now(adults, children)
        )
        name = (family_display_name(adults) if any(a.last_name for a in adults) else "") or (
            self.tr("Nouvelle famille")
        )
        self.header.show_identity(data.reference, name, data.status, data.portal_accounts)
        self.header.set_missing(missing)
        if data.id is None:
            self.setWindowTitle(self.tr("Nouveau dossier famille") + "[*]")
        else:
            self.setWindowTitle(self.tr("Dossier famille %s – %s") % (data.reference, name) + "[*]")
        self.setWindowModified(dirty)
        labels = (
            self.tr("&Famille"),
            self.tr("A&dultes (%d)") % len(self.adults_page.entries),
            self.tr("E&nfants (%d)") % len(children),
            self.tr("Autres &tiers (%d)") % len(self.third_parties_page.entries),
        )
        for index, label in enumerate(labels):
            self.tabs.setTabText(index, label)
        self._show_message(dirty)
        self._update_buttons(dirty)

    def _show_message(self, dirty: bool) -> None:
        if self._data.status == FamilyStatus.ARCHIVED and not self._info:
            self.message.setStyleSheet("color: #37474f;")
            self.message.setText(
                self.tr("Dossier archivé : consultation seule. Désarchivez-le pour le modifier.")
            )
        elif self.has_errors():
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(
                self.tr("⚠ Corrigez les champs signalés en rouge avant d'enregistrer.")
            )
        elif dirty:
            self.message.setStyleSheet("color: #8a4b00;")
            self.message.setText(self.tr("Modifications non enregistrées."))
        else:
            self.message.setStyleSheet("color: #1b5e20;")
            self.message.setText(self._info)

    def _update_buttons(self, dirty: bool) -> None:
        can = self.ctx.actor.can
        status, saved = self._data.status, self._data.id is not None
        archived = status == FamilyStatus.ARCHIVED
        editable = not self.is_read_only() and not self._busy
        for button in (self.save_button, self.validate_button, self.portal_button):
            button.setVisible(not archived)
        self.save_button.setEnabled(editable and dirty and not self.has_errors())
        self.validate_button.setEnabled(
            editable
            and can(Permission.FAMILY_VALIDATE)
            and not self.has_errors()
            and (dirty or status != FamilyStatus.VALIDATED)
        )
        self.validate_button.setToolTip(
            self.tr("Le dossier est validé.")
            if status == FamilyStatus.VALIDATED and not dirty
            else self.tr("Enregistrer puis valider le dossier")
        )
        self.portal_button.setEnabled(
            not self._busy
            and can(Permission.PORTAL_CREDENTIALS)
            and status == FamilyStatus.VALIDATED
        )
        self.portal_button.setToolTip(
            self.tr(
                "Créer l'identifiant et le mot de passe du portail famille et imprimer le courrier"
            )
            if status == FamilyStatus.VALIDATED
            else self.tr("Réservé aux dossiers validés")
        )
        self.archive_button.setText(self.tr("Désa&rchiver") if archived else self.tr("A&rchiver"))
        self.archive_button.setEnabled(saved and not self._busy and can(Permission.FAMILY_ARCHIVE))
        self.archive_button.setToolTip(
            ""
            if can(Permission.FAMILY_ARCHIVE)
            else self.tr("Votre profil ne permet pas d'archiver les dossiers.")
        )
        # the régisseur's and the admin's only; an archived dossier is not merged
        self.merge_button.setVisible(can(Permission.FAMILY_MERGE) and not archived)
        self.merge_button.setEnabled(saved and not self._busy)
