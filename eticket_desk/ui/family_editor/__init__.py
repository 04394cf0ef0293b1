"""The family dossier editor ("Dossier famille"): create, fix, validate and archive a dossier.

The package holds one dialog (`FamilyEditorDialog`) split into small parts: header, the
"Famille" tab, the list-and-form pages of adults / children / third parties, their field
checks, the buttons' actions and the prompts.
"""

from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog

__all__ = ["FamilyEditorDialog"]
