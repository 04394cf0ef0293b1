"""The question asked before a new dossier is saved when it looks like another one:
« Ce dossier ressemble au dossier F00012 Dupont (Léa, né(e) le 03/04/2018) — ouvrir ce
dossier / créer quand même »."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from eticket_desk.services.families.duplicates import LikelyDuplicate


class DuplicateAnswer(Enum):
    OPEN = "open"  # open the dossier that already exists (nothing is saved)
    CREATE = "create"  # save the new dossier all the same
    CANCEL = "cancel"  # back to the typing


def _tr(text: str) -> str:
    return QCoreApplication.translate("FamilyEditorDialog", text)


def duplicate_box(parent: QWidget, found: list[LikelyDuplicate]) -> QMessageBox:
    """The box (built apart from asking, so that a screenshot can show it)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, _tr("Doublon possible"), found[0].message, parent=parent
    )
    others = [f"• {d.label}" for d in found[1:]]
    box.setInformativeText(
        (_tr("Il ressemble aussi à :") + "\n" + "\n".join(others) + "\n\n" if others else "")
        + _tr(
            "Ouvrez le dossier existant pour y ajouter ce qui manque, ou créez quand même ce "
            "dossier s'il s'agit d'une autre famille."
        )
    )
    box.open_button = box.addButton(_tr("&Ouvrir ce dossier"), QMessageBox.ButtonRole.AcceptRole)
    box.create_button = box.addButton(
        _tr("&Créer quand même"), QMessageBox.ButtonRole.DestructiveRole
    )
    box.cancel_button = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(box.open_button)
    box.setEscapeButton(box.cancel_button)
    return box


def ask_duplicate(parent: QWidget, found: list[LikelyDuplicate]) -> DuplicateAnswer:
    box = duplicate_box(parent, found)
    box.exec()
    clicked = box.clickedButton()
    if clicked is box.open_button:
        return DuplicateAnswer.OPEN
    if clicked is box.create_button:
        return DuplicateAnswer.CREATE
    return DuplicateAnswer.CANCEL
