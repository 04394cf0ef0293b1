"""« Accès portail »: the agent picks the legal guardian whose letter to print; separated
parents each have their own login, a third party is never offered."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QPoint, Qt

from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.ui.family_editor.portal_dialog import PortalGuardianDialog

SCREENSHOT = "portal_guardian_dialog.png"


def _separated(store, admin, family):
    data = load_family(store, admin, family.id)
    father = AdultData(last_name="Martin", first_name="Paul", relation="Père", legal_guardian=True)
    nanny = AdultData(last_name="Roux", first_name="Inès", relation="Nourrice", third_party=True)
    save_family(store, admin, replace(data, adults=[*data.adults, father, nanny]))
    validate_family(store, admin, family.id)
    return load_family(store, admin, family.id)


def test_the_agent_chooses_the_father_whose_letter_is_printed(
    qtbot, store, admin, family, tmp_path
):
    data = _separated(store, admin, family)
    mother, father = data.adults[0], data.adults[1]
    issue_portal_access(store, admin, family.id, mother.id, random.Random(1))
    shown = load_family(store, admin, family.id)
    (hers,) = shown.portal_accounts
    # the mother chose her own password on the portal (what a pull tells the desk)
    hers = replace(hers, password_changed_at=datetime(2026, 9, 15, 18, 30))
    dialog = PortalGuardianDialog(replace(shown, portal_accounts=(hers,)))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    texts = [(b.text(), dialog.states[i].text()) for i, b in dialog.buttons.items()]
    assert texts == [
        (
            "Marie DUPONT (Mère)",
            "identifiant « f00001 », courrier du 14/09/2026, "
            "mot de passe personnalisé le 15/09/2026",
        ),
        ("Paul MARTIN (Père)", "pas encore d'accès au portail"),
    ]
    assert "Inès" not in str(texts)  # a third party never gets a login
    assert dialog.chosen() == father.id  # the guardian still without a login comes first
    assert not dialog.warning.isVisible()

    mother_button = dialog.buttons[mother.id]
    qtbot.mouseClick(mother_button, Qt.MouseButton.LeftButton, pos=QPoint(8, 8))
    assert dialog.chosen() == mother.id
    assert dialog.warning.isVisible()
    assert "remplacera celui de « f00001 »" in dialog.warning.text()
    assert "Les autres responsables gardent le leur" in dialog.warning.text()
    dialog.grab().save(str(tmp_path / SCREENSHOT))
    assert (tmp_path / SCREENSHOT).stat().st_size > 0

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == PortalGuardianDialog.DialogCode.Accepted
    assert dialog.chosen() == mother.id
