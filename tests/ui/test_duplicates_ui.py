"""Likely duplicates on screen: the warning before a new dossier like another is saved
(« ouvrir ce dossier / créer quand même »), and the régisseur's merge dialog from the family
search or from inside a dossier (which dossier is kept, what moves, then the merge)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from eticket_desk.rules.permissions import Role
from eticket_desk.services.families.dossiers import load_family
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.family_editor import FamilyEditorDialog, prompts
from eticket_desk.ui.family_search import FamilySearchScreen
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import _make_user, validated_family
from tests.services.test_merge import twin_dossier
from tests.ui.test_family_editor import add_child, type_into

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def no_blocking_question_at_teardown(monkeypatch):
    monkeypatch.setattr(
        prompts, "ask_unsaved_changes", lambda parent: QMessageBox.StandardButton.Discard
    )


def _type_the_dupont_family_again(qtbot, ctx):
    dialog = FamilyEditorDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.mouseClick(dialog.adults_page.add_button, LEFT)
    form = dialog.adult_form
    type_into(qtbot, form.fields["last_name"], "DUPONT")
    type_into(qtbot, form.fields["first_name"], "Marie")
    type_into(qtbot, form.fields["phone_mobile"], "0612345678")
    add_child(qtbot, dialog, "Lea")  # born 03/05/2019, like the Léa of F00001
    return dialog


def _answer(button_text: str, seen: list) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.windowTitle(), box.text()))
        button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        button.click()

    QTimer.singleShot(0, click)


@pytest.mark.parametrize("answer", ["Créer quand même", "Ouvrir ce dossier"])
def test_a_new_dossier_like_another_asks_before_it_is_saved(
    qtbot, ctx, store, admin, schools, answer
):
    existing = validated_family(store, admin, schools)
    dialog = _type_the_dupont_family_again(qtbot, ctx)
    seen: list = []
    _answer(answer, seen)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert seen == [
        (
            "Doublon possible",
            "Ce dossier ressemble au dossier F00001 Dupont (Léa, né(e) le 03/05/2019).",
        )
    ]
    references = [h.reference for h in search_families(store, admin, "dupont")]
    if answer == "Créer quand même":
        assert references == ["F00001", "F00002"]
        assert dialog.header.reference.text() == "F00002"
    else:
        assert references == ["F00001"]  # nothing created: the existing dossier is shown
        assert dialog.header.reference.text() == existing.reference
        assert dialog.message.text() == "Dossier existant ouvert : rien n'a été créé."


def test_the_regisseur_merges_two_dossiers_from_the_family_search(qtbot, store, admin, schools):
    regisseur = _make_user(store, admin, "regine", "Régine Caisse", Role.REGISSEUR)
    kept = validated_family(store, admin, schools)
    absorbed = twin_dossier(store, admin, schools)
    ctx = AppContext(store=store, actor=regisseur, runner=ImmediateRunner(), bus=ChangeBus())
    screen = FamilySearchScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.merge_button.isVisible()
    screen.table.selectRow(0)
    assert screen.current_family_id() == kept.id
    dialog = screen._on_merge_button_clicked()
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert dialog.reference_edit.text() == absorbed.reference  # the likely duplicate proposed
    assert "Doublons possibles : F00002 Dupont (LEA, né(e) le 03/05/2019)" in (
        dialog.suggestions.text()
    )
    moves = dialog.moves.text()
    assert moves.startswith("De F00002 vers F00001 :")
    assert "• Enfants ajoutés : Tom" in moves
    assert "• Enfants présents dans les deux (réunis) : LEA" in moves
    assert "• Adultes ajoutés : Jean Dupont" in moves
    dialog.reference_edit.setText("F0000Z")  # a typo: said, nothing can be merged
    assert dialog.moves.text() == "Aucun dossier actif ne porte la référence « F0000Z »."
    assert not dialog.merge_button.isEnabled()
    qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)  # Enter merges nothing
    assert dialog.merged is None and dialog.isVisible()
    dialog.reference_edit.setText(kept.reference)  # this very dossier
    assert dialog.moves.text().startswith("C'est ce dossier-ci")
    dialog.reference_edit.setText(absorbed.reference)
    dialog.keep_other.click()  # keep F00002 instead: the preview follows
    assert dialog.moves.text().startswith("De F00001 vers F00002 :")
    dialog.keep_this.click()
    qtbot.mouseClick(dialog.merge_button, LEFT)
    assert dialog.merged is not None and not dialog.isVisible()
    assert load_family(store, admin, absorbed.id).status.value == "archived"
    assert [c.first_name for c in load_family(store, admin, kept.id).children] == ["Léa", "Tom"]
    assert [h.reference for h in search_families(store, admin, "tom")] == ["F00001"]


def test_an_agent_has_no_merge_button(qtbot, store, agent):
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    screen = FamilySearchScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert not screen.merge_button.isVisible()


def _open_dossier(qtbot, ctx, family_id) -> FamilyEditorDialog:
    dialog = FamilyEditorDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.mark.parametrize("keep", ["this", "other"])
def test_the_regisseur_merges_from_inside_the_dossier(qtbot, store, admin, schools, keep):
    regisseur = _make_user(store, admin, "regine", "Régine Caisse", Role.REGISSEUR)
    this = validated_family(store, admin, schools)
    other = twin_dossier(store, admin, schools)
    ctx = AppContext(store=store, actor=regisseur, runner=ImmediateRunner(), bus=ChangeBus())
    editor = _open_dossier(qtbot, ctx, this.id)
    button = editor.merge_button
    assert button.isVisible() and button.isEnabled()
    assert button.text() == "Fusionner avec un autre dossier…"
    qtbot.mouseClick(button, LEFT)
    merge = editor.merge_dialog
    qtbot.waitExposed(merge)
    assert merge.label == "F00001 DUPONT Marie"  # this dossier, proposed
    assert merge.reference_edit.text() == "F00002"  # its likely duplicate
    assert merge.moves.text().startswith("De F00002 vers F00001 :")
    if keep == "other":
        merge.keep_other.click()
        assert merge.moves.text().startswith("De F00001 vers F00002 :")
    qtbot.mouseClick(merge.merge_button, LEFT)
    assert not merge.isVisible()
    kept, absorbed = (this, other) if keep == "this" else (other, this)
    assert load_family(store, admin, absorbed.id).status.value == "archived"
    children = [c.first_name for c in load_family(store, admin, kept.id).children]
    assert children == (["Léa", "Tom"] if keep == "this" else ["LEA", "Tom"])  # the kept's name
    if keep == "this":  # the editor shows the dossier with what came from F00002
        assert editor.message.text() == "Dossier F00002 fusionné dans celui-ci."
        assert [c.first_name for c in editor.children_page.items()] == ["Léa", "Tom"]
        assert editor.merge_button.isVisible()
    else:  # this dossier is now the archived one: read only, no more merging
        assert editor.message.text() == "Ce dossier a été fusionné dans F00002 et archivé."
        assert editor.header.reference.text() == "F00001"
        assert editor.is_read_only()
        assert not editor.merge_button.isVisible()


def test_an_agent_sees_no_merge_in_the_dossier(qtbot, store, admin, agent, schools):
    family = validated_family(store, admin, schools)
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    editor = _open_dossier(qtbot, ctx, family.id)
    assert editor.loaded and editor.save_button.isVisible()
    assert not editor.merge_button.isVisible()


def test_a_new_dossier_cannot_be_merged_before_it_is_saved(qtbot, store, admin):
    ctx = AppContext(store=store, actor=admin, runner=ImmediateRunner(), bus=ChangeBus())
    editor = _open_dossier(qtbot, ctx, None)
    assert editor.merge_button.isVisible() and not editor.merge_button.isEnabled()
