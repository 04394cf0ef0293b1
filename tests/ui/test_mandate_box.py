"""« Prélèvement SEPA » in the dossier's Famille tab, used with the keyboard: a new mandate
typed and saved with Enter, a typo'd IBAN refused beside its field with nothing written,
the mandate revoked; an agent sees the mandate but cannot change it."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.mandates import list_mandates, new_mandate_form, sign_mandate
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.family_editor import FamilyEditorDialog
from eticket_desk.ui.family_editor.mandate_dialog import MandateDialog, RevokeDialog
from eticket_desk.ui.tasks import ImmediateRunner

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture(autouse=True)
def _no_unanswered_box(unexpected_boxes):
    return unexpected_boxes


@pytest.fixture
def with_ics(store, admin):
    org = dataclasses.replace(load_organisation(store), sepa_ics="FR72ZZZ123456")
    save_organisation(store, admin, org)


def _editor(qtbot, ctx, family_id) -> FamilyEditorDialog:
    dialog = FamilyEditorDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentWidget(dialog.family_tab)
    return dialog


def _new_mandate(qtbot, editor) -> MandateDialog:
    box = editor.mandate_box
    assert box.new_button.isEnabled()
    box.new_button.setFocus()
    qtbot.keyClick(box.new_button, Qt.Key.Key_Space)
    dialog = box.dialog
    assert isinstance(dialog, MandateDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_a_mandate_typed_with_the_keyboard_is_saved_and_shown(
    qtbot, ctx, store, admin, family, with_ics
):
    editor = _editor(qtbot, ctx, family.id)
    dialog = _new_mandate(qtbot, editor)
    assert dialog.fields["debtor_name"].text() == "Marie DUPONT"  # from the billing adult
    assert dialog.fields["street"].text() == "rue des Écoles"
    iban = dialog.fields["iban"]
    assert dialog.focusWidget() is iban  # the name and address are already there
    qtbot.keyClicks(iban, IBAN)
    qtbot.keyClick(iban, Qt.Key.Key_Return)  # Enter saves (the default button)
    assert not dialog.isVisible()
    [mandate] = list_mandates(store, admin, family.id)
    assert mandate.rum == f"123456-{family.reference}-000001"
    box = editor.mandate_box
    assert box.rum.text() == mandate.rum
    assert box.account.text().startswith("FR76 •••• 0189")
    assert box.state.text() == "actif"
    assert not box.new_button.isEnabled() and box.revoke_button.isEnabled()


def test_a_typo_in_the_iban_shows_the_french_error_beside_it_and_writes_nothing(
    qtbot, ctx, store, admin, family, with_ics
):
    editor = _editor(qtbot, ctx, family.id)
    dialog = _new_mandate(qtbot, editor)
    qtbot.keyClicks(dialog.fields["iban"], IBAN[:-1] + "8")
    qtbot.keyClick(dialog.fields["iban"], Qt.Key.Key_Return)
    assert dialog.isVisible()
    message = dialog.errors.message("iban")
    assert message.startswith("Cet IBAN n'est pas valide : vérifiez chaque caractère sur le RIB")
    assert dialog.findChild(type(dialog.error), "error_iban").isVisible()
    assert list_mandates(store, admin, family.id) == []
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape closes it, nothing written
    assert not dialog.isVisible()
    assert list_mandates(store, admin, family.id) == []


def test_without_the_communes_ics_the_dialog_says_where_to_set_it(qtbot, ctx, store, admin, family):
    editor = _editor(qtbot, ctx, family.id)
    dialog = _new_mandate(qtbot, editor)
    qtbot.keyClicks(dialog.fields["iban"], IBAN)
    qtbot.keyClick(dialog.fields["iban"], Qt.Key.Key_Return)
    assert dialog.error.isVisible() and "Paramètres › Organisation" in dialog.error.text()
    assert list_mandates(store, admin, family.id) == []


def test_the_mandate_is_revoked_with_a_reason(qtbot, ctx, store, admin, family, with_ics):
    editor = _editor(qtbot, ctx, family.id)
    dialog = _new_mandate(qtbot, editor)
    qtbot.keyClicks(dialog.fields["iban"], IBAN)
    qtbot.keyClick(dialog.fields["iban"], Qt.Key.Key_Return)
    box = editor.mandate_box
    qtbot.keyClick(box.revoke_button, Qt.Key.Key_Space)
    revoke = box.dialog
    assert isinstance(revoke, RevokeDialog)
    qtbot.keyClick(revoke.reason, Qt.Key.Key_Return)  # no reason: refused beside the field
    assert revoke.errors.message("reason").startswith("Indiquez le motif")
    qtbot.keyClicks(revoke.reason, "Courrier de la famille")
    qtbot.keyClick(revoke.reason, Qt.Key.Key_Return)
    assert box.state.text() == "révoqué le 14/09/2026"
    assert box.new_button.isEnabled() and not box.revoke_button.isEnabled()


def test_an_agent_sees_the_mandate_but_cannot_change_it(
    qtbot, store, admin, agent, family, with_ics
):
    form = dataclasses.replace(new_mandate_form(store, admin, family.id), iban=IBAN)
    sign_mandate(store, admin, family.id, form)
    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    box = _editor(qtbot, ctx, family.id).mandate_box
    assert box.account.text().startswith("FR76 •••• 0189")
    assert not box.amend_button.isEnabled() and not box.revoke_button.isEnabled()
    assert "mandat de prélèvement SEPA" in box.amend_button.toolTip()
    assert box.print_button.isEnabled()


def test_an_amended_account_keeps_the_rum(qtbot, ctx, store, admin, family, with_ics):
    form = dataclasses.replace(new_mandate_form(store, admin, family.id), iban=IBAN)
    signed = sign_mandate(store, admin, family.id, form)
    box = _editor(qtbot, ctx, family.id).mandate_box
    qtbot.keyClick(box.amend_button, Qt.Key.Key_Space)
    dialog = box.dialog
    assert isinstance(dialog, MandateDialog) and not dialog.signed_on.isEnabled()
    iban = dialog.fields["iban"]
    iban.selectAll()
    qtbot.keyClicks(iban, "FR76 1010 7001 0112 3456 7890 129")
    qtbot.keyClick(iban, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert box.rum.text() == signed.rum
    assert box.account.text() == "FR76 •••• 0129   BIC BREDFRPP"
