"""« Exporter le PES V2… » in the invoicing screen, used like the régisseur would: offered on a
run only in titres mode (régie says why not), the refusal shown in the dialog with nothing
written, then the file written with what it holds, and « déjà exportée » the next time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from xml.etree import ElementTree as ET

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.ui.invoicing import InvoicingScreen, common
from eticket_desk.ui.invoicing.pes_export_dialog import PesExportDialog
from tests.conftest import validated_family


@pytest.fixture
def issued(store, admin, schools, activities, clock):
    """Dupont and Martin at the canteen (4,60 € a day): 3 and 2 days of November, issued on
    1 December 2026."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    for name, days in (("Dupont", (2, 3, 5)), ("Martin", (2, 3))):
        family = validated_family(store, admin, schools, last_name=name)
        for day in days:
            book_day(store, admin, family.children[0].id, canteen.id, date(2026, 11, day))
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))
    return canteen


def _titres(store, admin):
    save_organisation(
        store,
        admin,
        replace(
            load_organisation(store),
            collection_mode="titres",
            siret="21740191800016",
            pes_id_post="0740120",
            pes_cod_col="123",
            pes_cod_bud="01",
        ),
    )


def _page(qtbot, ctx):
    screen = InvoicingScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.invoices_page
    page.runs_view.selectRow(0)
    return screen, page


def test_a_regie_commune_is_told_why_there_is_no_pes_export(qtbot, ctx, issued):
    screen, page = _page(qtbot, ctx)
    screen.show()
    assert not page.pes_button.isEnabled()
    assert page.pes_note.isVisible()
    assert "la commune encaisse en régie de recettes" in page.pes_note.text()


def test_the_run_exported_from_the_screen(qtbot, ctx, store, admin, issued, tmp_path, monkeypatch):
    _titres(store, admin)
    screen, page = _page(qtbot, ctx)
    screen.show()
    assert page.pes_button.isEnabled() and not page.pes_note.isVisible()
    qtbot.mouseClick(page.pes_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(PesExportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.path_edit.text().endswith("PES 2026-001 novembre 2026.xml")
    assert not dialog.already_label.isVisible()

    # no product code yet: refused in the dialog, no file
    target = tmp_path / "envoi" / "titres novembre"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
    assert dialog.error.isVisible()
    assert "Code produit manquant pour : Cantine (Paramètres › Activités)" in dialog.error.text()
    assert not (tmp_path / "envoi" / "titres novembre.xml").exists()

    save_activity(store, admin, replace(issued, product_code="CANT", accounting_nature="7067"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.error.isVisible()
    written = tmp_path / "envoi" / "titres novembre.xml"
    assert common.plain(dialog.result_label.text()) == (
        "Fichier écrit : 2 titre(s), 23,00 € (bordereau n° 1)."
    )
    assert str(written) in dialog.file_label.text()
    root = ET.parse(written).getroot()
    assert root.find("PES_RecetteAller/Bordereau/BlocBordereau/NbrPce").get("V") == "2"
    dialog.close()

    qtbot.mouseClick(page.pes_button, Qt.MouseButton.LeftButton)
    again = page.pes_dialog
    assert again is not dialog and again.isVisible()
    assert again.already_label.isVisible()
    assert again.already_label.text().startswith(
        "Déjà exportée le 01/12/2026 à 09:00 par Anne Martin (« titres novembre.xml »)."
    )
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    assert not again.isVisible()
