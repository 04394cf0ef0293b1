"""The questions and notices the dossier editor puts to the agent (one function each)."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from eticket_desk.services.families.data import FamilyData
from eticket_desk.ui.family_editor.portal_dialog import PortalGuardianDialog

_Button = QMessageBox.StandardButton


def _tr(text: str) -> str:
    return QCoreApplication.translate("FamilyEditorDialog", text)


def ask_unsaved_changes(parent: QWidget) -> QMessageBox.StandardButton:
    """Save, Discard or Cancel (Qt's French translation gives the button texts)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        _tr("Dossier famille"),
        _tr("Enregistrer les modifications ?"),
        _Button.Save | _Button.Discard | _Button.Cancel,
        parent,
    )
    box.setInformativeText(_tr("Le dossier a été modifié depuis le dernier enregistrement."))
    box.setDefaultButton(_Button.Save)
    box.setEscapeButton(_Button.Cancel)
    return _Button(box.exec())


def tell_validation_refused(parent: QWidget, missing: list[str]) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("Validation impossible"),
        _tr("Le dossier ne peut pas encore être validé. Il manque :"),
        _Button.Ok,
        parent,
    )
    box.setInformativeText("\n".join(f"• {item}" for item in missing))
    box.exec()


def choose_portal_guardian(parent: QWidget, family: FamilyData) -> uuid.UUID | None:
    """The legal guardian whose portal letter to print (None: the agent cancelled)."""
    dialog = PortalGuardianDialog(family, parent)
    if dialog.exec() != PortalGuardianDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()


def tell_portal_issued(parent: QWidget, login: str, path: Path) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _tr("Accès portail"),
        _tr("Les codes d'accès au portail sont prêts.\nIdentifiant : %s") % login,
        _Button.Ok,
        parent,
    )
    box.setInformativeText(
        _tr(
            "Le courrier avec le mot de passe provisoire s'est ouvert pour être imprimé et "
            "remis à la famille :\n%s"
        )
        % path
    )
    box.exec()


def ask_portal_by_mail(parent: QWidget, name: str, email: str) -> bool:
    """The guardian accepts documents by e-mail: send the letter there too?"""
    answer = QMessageBox.question(
        parent,
        _tr("Accès portail"),
        _tr("%s accepte de recevoir les documents par e-mail.\nEnvoyer aussi ce courrier à %s ?")
        % (name, email),
        _Button.Yes | _Button.No,
        _Button.No,
    )
    return answer == _Button.Yes


def confirm_archive(parent: QWidget, reference: str, archive: bool) -> bool:
    if archive:
        text = (
            _tr(
                "Archiver le dossier %s ?\n\nUn dossier archivé ne peut plus réserver ; "
                "il reste consultable et peut être désarchivé."
            )
            % reference
        )
    else:
        text = (
            _tr(
                "Désarchiver le dossier %s ?\n\nIl repassera « Incomplet » et devra être "
                "validé à nouveau avant de réserver."
            )
            % reference
        )
    answer = QMessageBox.question(
        parent, _tr("Archivage"), text, _Button.Yes | _Button.No, _Button.No
    )
    return answer == _Button.Yes
