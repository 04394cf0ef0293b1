"""The family dossier editor, used like an agent at the counter would."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import (
    load_family,
    save_family,
    set_archived,
    validate_family,
)
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.family_editor import FamilyEditorDialog, actions, prompts
from eticket_desk.ui.tasks import ImmediateRunner

LEFT = Qt.MouseButton.LeftButton
REAL_ASK_UNSAVED_CHANGES = prompts.ask_unsaved_changes


@pytest.fixture(autouse=True)
def no_blocking_question_at_teardown(monkeypatch):
    """A failed test leaves a modified dossier open: closing it must not wait for a person."""
    monkeypatch.setattr(
        prompts, "ask_unsaved_changes", lambda parent: QMessageBox.StandardButton.Discard
    )


@pytest.fixture(autouse=True)
def _no_unanswered_box(unexpected_boxes):
    """Every test here fails on a message box nobody answered (tests/conftest.py)."""
    return unexpected_boxes


@pytest.fixture
def open_editor(qtbot):
    def open_(ctx, family_id=None) -> FamilyEditorDialog:
        dialog = FamilyEditorDialog(ctx, family_id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()  # focus moves (and fields are checked) in the active window
        qtbot.waitUntil(dialog.isActiveWindow)
        return dialog

    return open_


@pytest.fixture
def answers(monkeypatch):
    """Records the message boxes the editor would show, and answers its questions."""
    said: dict[str, list] = {"refused": [], "portal": [], "errors": []}
    monkeypatch.setattr(
        prompts, "tell_validation_refused", lambda parent, missing: said["refused"].append(missing)
    )
    monkeypatch.setattr(
        prompts,
        "tell_portal_issued",
        lambda parent, login, path: said["portal"].append((login, path)),
    )
    monkeypatch.setattr(
        actions, "show_error", lambda parent, exc, title="": said["errors"].append(exc)
    )
    return said


def type_into(qtbot, field, text: str) -> None:
    """Click in a CheckedLineEdit, replace its text by typing, then Tab out of it."""
    line_edit = field.line_edit
    line_edit.setFocus()
    line_edit.selectAll()
    for char in text:
        if char.isascii():
            qtbot.keyClick(line_edit, char)
        else:  # QTest only types ASCII: send the key event an accented key would
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(
                    line_edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
                )
    qtbot.keyClick(line_edit, Qt.Key.Key_Tab)


def tick(qtbot, box) -> None:
    """Click a checkbox on its square, like a person does."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(8, box.height() // 2))


def pick(combo, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


def add_child(
    qtbot, dialog, first_name: str, school: str = "École Jules Ferry", school_class: str = "CP"
) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.children_page
    qtbot.mouseClick(dialog.children_page.add_button, LEFT)
    form = dialog.child_form
    type_into(qtbot, form.first_name, first_name)
    tick(qtbot, form.birth_date.known)
    form.birth_date.date_edit.setDate(date(2019, 5, 3))
    pick(form.school, school)
    pick(form.school_class, school_class)


def test_new_dossier_from_typing_to_validation(qtbot, ctx, store, admin, open_editor, answers):
    dialog = open_editor(ctx)
    assert dialog.windowTitle().startswith("Nouveau dossier famille")
    assert dialog.header.reference.text() == "Nouveau dossier"

    qtbot.mouseClick(dialog.adults_page.add_button, LEFT)
    form = dialog.adult_form
    form.relation.setCurrentText("Mère")
    type_into(qtbot, form.fields["last_name"], "Dupont")
    type_into(qtbot, form.fields["first_name"], "Marie")
    type_into(qtbot, form.fields["phone_mobile"], "06 12")

    message = form.fields["phone_mobile"].error_label
    assert message.isVisible()
    assert "n'est pas un numéro valide" in message.text()
    assert not dialog.save_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert search_families(store, admin, "") == []  # nothing was written

    type_into(qtbot, form.fields["phone_mobile"], "0612345678")
    assert form.fields["phone_mobile"].text() == "06 12 34 56 78"
    assert not message.isVisible()
    # The first adult is the payer and the emergency contact by default; not this one.
    tick(qtbot, form.flags["emergency_contact"])
    assert not form.flags["emergency_contact"].isChecked()

    add_child(qtbot, dialog, "Léa")
    assert dialog.child_form.last_name.text() == "Dupont"  # taken from the first adult
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.header.reference.text() == "F00001"
    assert not dialog.isWindowModified()

    qtbot.mouseClick(dialog.validate_button, LEFT)
    assert answers["refused"], "the agent is told why the dossier is refused"
    missing = dialog.header.missing_items()
    assert "Aucun contact d'urgence n'est désigné." in missing
    assert "L'adresse de facturation de DUPONT Marie est incomplète." in missing
    assert dialog.header.missing_panel.isVisible()
    shown = [row.text() for row in dialog.header.missing_rows if row.isVisible()]
    assert "• Aucun contact d'urgence n'est désigné." in shown
    assert dialog.header.status.text() == "Incomplet"

    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    tick(qtbot, form.flags["emergency_contact"])
    type_into(qtbot, form.fields["address1"], "12 rue des Écoles")
    type_into(qtbot, form.fields["postcode"], "74500")
    type_into(qtbot, form.fields["city"], "Neuvecelle")
    assert dialog.header.missing_items() == []
    qtbot.mouseClick(dialog.validate_button, LEFT)

    assert dialog.header.status.text() == "Validé"
    assert dialog.message.text() == "✔ Dossier validé."
    hits = search_families(store, admin, "lea")
    assert [(h.reference, h.status) for h in hits] == [("F00001", FamilyStatus.VALIDATED)]
    assert dialog.portal_button.isEnabled()


def test_required_names_are_asked_for_on_save(qtbot, ctx, store, admin, open_editor):
    dialog = open_editor(ctx)
    qtbot.mouseClick(dialog.adults_page.add_button, LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)

    message = dialog.adult_form.fields["last_name"].error_label
    assert message.isVisible() and message.text() == "Le nom est obligatoire."
    assert dialog.adults_page.list.item(0).text().startswith("⚠")
    assert search_families(store, admin, "") == []


def test_saving_emits_and_announces(qtbot, ctx, family, open_editor):
    dialog = open_editor(ctx, family.id)
    type_into(qtbot, dialog.adult_form.fields["phone_home"], "04 50 71 22 10")
    with (
        qtbot.waitSignal(dialog.family_saved) as saved,
        qtbot.waitSignal(ctx.bus.changed) as changed,
    ):
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [family.id]
    assert changed.args == [frozenset({Topic.FAMILIES, FamilyTopic(family.id)})]


def test_server_errors_land_beside_the_right_person(
    qtbot, ctx, store, admin, family, open_editor, monkeypatch
):
    data = load_family(store, admin, family.id)
    data.adults.append(
        AdultData(last_name="Dupont", first_name="Josette", relation="Grand-mère", third_party=True)
    )
    save_family(store, admin, data)

    @changes(Topic.FAMILIES)
    def refuse(*_args):
        raise ValidationFailed({"adults[1].email": "Adresse refusée par le serveur."})

    monkeypatch.setattr(actions, "save_family", refuse)
    dialog = open_editor(ctx, family.id)
    dialog.family_tab.notes.setPlainText("Changement")
    qtbot.mouseClick(dialog.save_button, LEFT)

    assert dialog.tabs.currentWidget() is dialog.third_parties_page
    assert dialog.third_parties_page.current_row() == 0
    message = dialog.third_party_form.fields["email"].error_label
    assert message.isVisible() and message.text() == "Adresse refusée par le serveur."


def test_unsaved_changes_are_asked_about_on_close(
    qtbot, ctx, store, admin, family, open_editor, monkeypatch
):
    dialog = open_editor(ctx, family.id)
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    type_into(qtbot, dialog.adult_form.fields["first_name"], "Marie-Claire")
    assert dialog.isWindowModified()

    monkeypatch.setattr(
        prompts, "ask_unsaved_changes", lambda parent: QMessageBox.StandardButton.Cancel
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    monkeypatch.setattr(prompts, "ask_unsaved_changes", REAL_ASK_UNSAVED_CHANGES)

    def answer_save() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        assert box.text() == "Enregistrer les modifications ?"
        box.button(QMessageBox.StandardButton.Save).click()

    QTimer.singleShot(0, answer_save)
    qtbot.mouseClick(dialog.close_button, LEFT)
    assert not dialog.isVisible()
    assert load_family(store, admin, family.id).adults[0].first_name == "Marie-Claire"


def test_discarding_changes_writes_nothing(
    qtbot, ctx, store, admin, family, open_editor, monkeypatch
):
    dialog = open_editor(ctx, family.id)
    dialog.family_tab.notes.setPlainText("Brouillon de note")
    monkeypatch.setattr(
        prompts, "ask_unsaved_changes", lambda parent: QMessageBox.StandardButton.Discard
    )
    dialog.close()
    assert not dialog.isVisible()
    assert load_family(store, admin, family.id).notes == ""


def test_agent_does_not_see_health_data_and_keeps_it(
    qtbot, store, admin, agent, family, open_editor
):
    agent_ctx = AppContext(store, agent, ImmediateRunner(), ChangeBus())
    dialog = open_editor(agent_ctx, family.id)
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    form = dialog.child_form
    assert form.health_note.isVisible()
    assert form.health_note.text() == "Données de santé réservées aux profils habilités"
    assert not form.allergies.isVisible() and not form.pai.isVisible()
    assert not dialog.archive_button.isEnabled()  # an agent may not archive

    type_into(qtbot, form.first_name, "Léna")
    qtbot.mouseClick(dialog.save_button, LEFT)

    child = load_family(store, admin, family.id).children[0]
    assert child.first_name == "Léna"
    assert (child.allergies, child.pai) == ("Arachide", True)


def test_coordinator_sees_health_data(qtbot, store, coordinator, family, open_editor):
    coordinator_ctx = AppContext(store, coordinator, ImmediateRunner(), ChangeBus())
    dialog = open_editor(coordinator_ctx, family.id)
    dialog.tabs.setCurrentWidget(dialog.children_page)
    assert dialog.child_form.allergies.isVisible()
    assert dialog.child_form.allergies.text() == "Arachide"
    assert not dialog.child_form.health_note.isVisible()


def test_one_payer_and_one_emergency_contact(qtbot, ctx, family, open_editor):
    dialog = open_editor(ctx, family.id)
    dialog.tabs.setCurrentWidget(dialog.adults_page)
    qtbot.mouseClick(dialog.adults_page.add_button, LEFT)
    form = dialog.adult_form
    assert not form.flags["billing"].isChecked()  # the dossier already has a payer
    type_into(qtbot, form.fields["last_name"], "Martin")
    assert form.copy_address.isVisible()
    assert "DUPONT Marie" in form.copy_address.text()
    qtbot.mouseClick(form.copy_address, LEFT)
    assert form.fields["city"].text() == "Neuvecelle"

    tick(qtbot, form.flags["billing"])
    first, second = dialog.adults_page.items()
    assert second.billing and not first.billing
    assert "Payeur" not in dialog.adults_page.list.item(0).text()
    assert "Payeur" in dialog.adults_page.list.item(1).text()


def test_stale_dossier_is_refused_with_its_message(
    qtbot, ctx, store, admin, clock, family, open_editor, answers
):
    dialog = open_editor(ctx, family.id)
    clock.advance(minutes=5)
    elsewhere = load_family(store, admin, family.id)
    elsewhere.notes = "Modifié au guichet 2"
    save_family(store, admin, elsewhere)

    dialog.family_tab.notes.setPlainText("Modifié ici")
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "modifié ailleurs" in answers["errors"][0].message
    assert dialog.isWindowModified()  # what was typed is still there


def test_archived_dossier_is_read_only(qtbot, ctx, store, admin, family, open_editor, monkeypatch):
    set_archived(store, admin, family.id, True)
    dialog = open_editor(ctx, family.id)
    assert dialog.header.status.text() == "Archivé"
    assert not dialog.save_button.isVisible()
    assert not dialog.validate_button.isVisible()
    assert not dialog.portal_button.isVisible()
    assert dialog.archive_button.text() == "Désa&rchiver"
    assert dialog.adult_form.fields["last_name"].line_edit.isReadOnly()
    assert not dialog.adults_page.add_button.isEnabled()

    monkeypatch.setattr(prompts, "confirm_archive", lambda parent, reference, archive: True)
    qtbot.mouseClick(dialog.archive_button, LEFT)
    assert dialog.header.status.text() == "Incomplet"
    assert dialog.save_button.isVisible()
    assert not dialog.adult_form.fields["last_name"].line_edit.isReadOnly()


def test_portal_access_letter(
    qtbot, ctx, store, admin, family, open_editor, answers, monkeypatch, tmp_path
):
    validate_family(store, admin, family.id)
    rendered: list[Path] = []

    def render(letter, out: Path) -> Path:
        out.write_bytes(b"%PDF-1.4 fake")
        rendered.append(out)
        return out

    module = types.ModuleType("eticket_desk.reports.portal_letter")
    module.render = render
    monkeypatch.setitem(sys.modules, "eticket_desk.reports.portal_letter", module)
    opened: list[Path] = []
    monkeypatch.setattr(actions, "open_file", lambda path, parent=None: opened.append(path))
    offered: list[list[str]] = []

    def choose(parent, data):
        offered.append([a.first_name for a in data.adults if a.legal_guardian])
        return data.adults[0].id

    monkeypatch.setattr(prompts, "choose_portal_guardian", choose)

    dialog = open_editor(ctx, family.id)
    assert dialog.portal_button.isEnabled()
    qtbot.mouseClick(dialog.portal_button, LEFT)

    assert offered == [["Marie"]]
    assert rendered[0].name == "acces-portail-F00001.pdf"
    assert rendered[0].parent.name.startswith("eticket-")
    assert opened == rendered
    assert answers["portal"] == [("f00001", rendered[0])]
    assert dialog.header.portal.text() == "Accès portail : f00001"

    monkeypatch.setattr(prompts, "choose_portal_guardian", lambda parent, data: None)
    qtbot.mouseClick(dialog.portal_button, LEFT)
    assert len(rendered) == 1  # cancelled: the previous password still works


def test_bad_birth_date_is_shown_when_leaving_the_field(qtbot, ctx, family, open_editor):
    dialog = open_editor(ctx, family.id)
    dialog.tabs.setCurrentWidget(dialog.children_page)
    form = dialog.child_form
    date_edit = form.birth_date.date_edit
    date_edit.setFocus()
    date_edit.setSelectedSection(date_edit.Section.DaySection)
    qtbot.keyClicks(date_edit, "01012027")
    assert date_edit.date().toPython() == date(2027, 1, 1)
    form.school.setFocus()  # the agent clicks the next field
    assert form.birth_date.error_label.isVisible()
    assert form.birth_date.error_label.text() == "La date de naissance est dans le futur."
    assert not dialog.save_button.isEnabled()


def test_typing_does_not_wear_out_true(qapp):
    """PySide6 6.12.0's emit() drops a reference to True; the editor gives it back."""
    from eticket_desk.ui.family_editor.signals import emit
    from eticket_desk.ui.family_editor.widgets import CheckedLineEdit

    field = CheckedLineEdit()
    before = sys.getrefcount(True)
    for _ in range(2000):
        emit(field.edited, "x")
    assert sys.getrefcount(True) >= before - 1
