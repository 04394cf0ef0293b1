"""Paramètres › Organisation, « Trésor public et prélèvements », as the secretary uses it: a
wrong SIRET and a wrong creditor identifier are shown in red beside their fields and nothing is
saved; right values, the titres mode and the bank's file version are saved and read back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from eticket_desk.services.catalogue import organisation
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from tests.ui.test_admin_screens import retype

GOOD_SIRET = "21740201500010"  # SIREN and SIRET keys right
GOOD_ICS = "FR72ZZZ123456"
GOOD_IBAN = "FR7630001007941234567890185"


def _page(qtbot, ctx, screens):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screens.append(screen)  # qtbot holds it weakly
    page = screen.organisation_page
    qtbot.waitUntil(lambda: page.loaded)
    return page


def test_a_bad_siret_and_a_bad_ics_are_shown_and_nothing_is_saved(qtbot, ctx, store):
    screens = []
    page = _page(qtbot, ctx, screens)
    section = page.treasury_section
    before = organisation.load_organisation(store)
    section.mode_combo.setCurrentIndex(section.mode_combo.findData("titres"))
    retype(qtbot, section.editors["siret"], "21740201500011")
    retype(qtbot, section.editors["sepa_ics"], "FR00ZZZ123456")
    retype(qtbot, section.editors["pes_id_post"], "074000")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    assert page.errors.message("siret").startswith("Ce SIRET n'est pas valide")
    assert page.errors.message("sepa_ics") == (
        "La clé de l'identifiant créancier SEPA (ICS) ne correspond pas."
    )
    assert page.errors.message("pes_id_post") == (
        "Le code du poste comptable (IdPost) compte 7 chiffres (donné par la trésorerie)."
    )
    assert page.status_label.text().startswith("Rien n'a été enregistré")
    assert organisation.load_organisation(store) == before


def test_good_values_are_saved_and_read_back(qtbot, ctx, store):
    screens = []
    page = _page(qtbot, ctx, screens)
    section = page.treasury_section
    section.mode_combo.setCurrentIndex(section.mode_combo.findData("titres"))
    assert "PES V2" in section.mode_hint.text()
    retype(qtbot, section.editors["siret"], "217 402 015 00010")
    retype(qtbot, section.editors["pes_id_post"], "0740000")
    retype(qtbot, section.editors["pes_cod_col"], "123")
    retype(qtbot, section.editors["pes_cod_bud"], "01")
    retype(qtbot, section.editors["sepa_ics"], "fr72 zzz 123456")
    retype(qtbot, section.editors["sepa_iban"], "FR76 3000 1007 9412 3456 7890 185")
    section.pain_combo.setCurrentIndex(section.pain_combo.findData("pain.008.001.08"))
    section.delay_spin.setValue(10)
    with qtbot.waitSignal(ctx.bus.changed):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)

    saved = organisation.load_organisation(store)
    assert (saved.collection_mode, saved.siret) == ("titres", GOOD_SIRET)
    assert (saved.pes_id_post, saved.pes_cod_col, saved.pes_cod_bud) == ("0740000", "123", "01")
    assert (saved.sepa_ics, saved.sepa_iban) == (GOOD_ICS, GOOD_IBAN)
    assert saved.sepa_bic == "BDFEFRPP"  # the IBAN's own bank, found by schwifty
    assert (saved.sepa_pain_version, saved.sepa_debit_delay_days) == ("pain.008.001.08", 10)

    again = _page(qtbot, ctx, screens)
    shown = again.treasury_section
    assert shown.mode_combo.currentText() == "Titres de recettes (PES V2)"
    assert shown.editors["siret"].text() == GOOD_SIRET
    assert shown.editors["sepa_bic"].text() == "BDFEFRPP"
    assert shown.delay_spin.value() == 10
    assert again.errors.message("siret") == ""


def test_a_typed_siret_is_checked_when_the_field_is_validated(qtbot, ctx):
    screens = []
    page = _page(qtbot, ctx, screens)
    section = page.treasury_section
    retype(qtbot, section.editors["siret"], "1234")
    qtbot.keyClick(section.editors["siret"], Qt.Key.Key_Return)
    assert page.errors.message("siret").startswith("Ce SIRET n'est pas valide")
