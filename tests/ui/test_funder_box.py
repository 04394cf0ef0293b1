"""« Régime (heures CAF / MSA) » in the dossier's Famille tab: MSA and a number typed and
saved with Enter; a number without a regime refused beside the field, nothing written."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eticket_desk.services.families.funder import family_funder
from eticket_desk.ui.family_editor import FamilyEditorDialog


@pytest.fixture(autouse=True)
def _no_unanswered_box(unexpected_boxes):
    return unexpected_boxes


def _box(qtbot, ctx, family_id):
    dialog = FamilyEditorDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentWidget(dialog.family_tab)
    return dialog, dialog.funder_box


def test_msa_and_its_number_are_saved_with_enter(qtbot, ctx, store, admin, family):
    _dialog, box = _box(qtbot, ctx, family.id)
    box.regime_combo.setCurrentIndex(box.regime_combo.findText("MSA"))
    qtbot.keyClicks(box.number_edit, "987 654")
    qtbot.keyClick(box.number_edit, Qt.Key.Key_Return)
    funder = family_funder(store, admin, family.id)
    assert (funder.regime, funder.number) == ("msa", "987654")
    assert box.status.text() == "Régime enregistré."
    assert box.number_edit.text() == "987654"


def test_a_number_without_regime_is_refused_beside_it(qtbot, ctx, store, admin, family):
    _dialog, box = _box(qtbot, ctx, family.id)
    assert box.regime_combo.currentText() == "Non renseigné"
    qtbot.keyClicks(box.number_edit, "1234567")
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    assert "Choisissez le régime" in box.errors.message("funder_regime")
    assert family_funder(store, admin, family.id).number == ""
