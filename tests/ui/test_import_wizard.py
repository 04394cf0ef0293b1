"""The « Importer des familles… » wizard driven like an agent: file, columns, dry run, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.demo.activities import DEMO_ACTIVITIES
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.import_wizard import ImportWizard
from tests.conftest import validated_family
from tests.services.test_import import SAMPLES, row, write_csv


@pytest.fixture
def demo_activities(store, admin, school_year):
    for spec in DEMO_ACTIVITIES:
        save_activity(store, admin, spec)


def open_wizard(qtbot, ctx, monkeypatch, path: Path) -> ImportWizard:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.resize(1100, 760)
    wizard.show()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(wizard.file_page.browse_button, Qt.MouseButton.LeftButton)
    return wizard


def click(qtbot, wizard: ImportWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    assert button.isEnabled() and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def preview_column(wizard: ImportWizard, header: str) -> list[str]:
    table = wizard.mapping_page.preview_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = headers.index(header)
    return [table.item(r, column).text() for r in range(table.rowCount())]


def test_the_sample_is_imported_from_file_to_result(qtbot, ctx, demo_activities, monkeypatch):
    wizard = open_wizard(qtbot, ctx, monkeypatch, SAMPLES / "import_familles.csv")
    assert wizard.file_page.info_label.text().startswith("Fichier lu : 45 ligne(s), 30 colonne(s)")
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    page = wizard.mapping_page
    assert page.field_combos["adult1.last_name"].currentText() == "Nom responsable 1"
    assert page.field_combos["child.birth_date"].currentText() == "Date de naissance"
    assert page.activity_combos["GARDERIE_MATIN"].currentText() == "GARDERIE_MATIN"
    assert page.preview_table.rowCount() == 10
    assert page.preview_table.verticalHeaderItem(0).text() == "Ligne 2"
    phones = preview_column(wizard, "Tél. portable (responsable 1)")
    assert all(len(p) == 14 and p[2] == " " for p in phones)  # "06 70 75 36 45"
    assert (
        preview_column(wizard, "Inscription Cantine")[0]
        == "lun., mar., jeu., ven. — semaines paires"
    )
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    dry = wizard.dry_run_page
    assert dry.counts_label.text().startswith("30 familles, 45 enfants, ")
    assert dry.counts_label.text().endswith("à importer ; 0 ligne en erreur ; 0 doublon.")
    assert dry.status_label.text() == "Aucune erreur : le fichier peut être importé (tout ou rien)."
    assert dry.notes_label.text() == "Inscriptions sur l'année scolaire 2026-2027."
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Importer"
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert announced.args == [frozenset({"families", "bookings"})]

    done = wizard.import_page
    assert done.status_label.text().startswith("Import terminé : 30 familles, 45 enfants, ")
    assert done.details_label.text().startswith("Dossiers créés : F00001 à F00030. ")
    assert done.progress_bar.value() == done.progress_bar.maximum()
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert len(search_families(ctx.store, ctx.actor, "", limit=100)) == 30


def test_bad_rows_block_the_import_and_their_list_can_be_saved(
    qtbot, ctx, activities, monkeypatch, tmp_path
):
    path = write_csv(
        tmp_path / "rentree.csv",
        [
            row(),
            row(Classe="CE3", Prénom_enfant="Léo"),
            row(**{"E-mail": "x@", "Prénom enfant": "Lou"}),
        ],
    )
    wizard = open_wizard(qtbot, ctx, monkeypatch, path)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    dry = wizard.dry_run_page
    assert "2 lignes en erreur" in dry.counts_label.text()
    assert dry.status_label.text().startswith("Import impossible tant qu'une ligne est en erreur")
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    table = dry.problems_table
    assert [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())] == [
        ["3", "Classe", "CE3", "classe « CE3 » inconnue à l'école Jules Ferry"],
        [
            "4",
            "E-mail",
            "x@",
            "l'e-mail du responsable 1 « x@ » n'est pas une adresse e-mail valide",
        ],
    ]
    assert dry.tabs.tabText(0) == "Lignes en erreur (2)"

    saved = tmp_path / "erreurs.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    qtbot.mouseClick(dry.save_button, Qt.MouseButton.LeftButton)
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Ligne;Colonne;Valeur;Motif"
    assert lines[1] == "3;Classe;CE3;classe « CE3 » inconnue à l'école Jules Ferry"

    # the agent fixes the file in the spreadsheet, then runs the dry run again
    write_csv(path, [row(), row(Prénom_enfant="Léo"), row(Prénom_enfant="Lou")])
    qtbot.mouseClick(dry.rerun_button, Qt.MouseButton.LeftButton)
    assert dry.counts_label.text().startswith("1 famille, 3 enfants, 6 inscriptions")
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_a_duplicate_is_merged_or_ignored_as_chosen(
    qtbot, ctx, store, admin, schools, activities, monkeypatch, tmp_path
):
    validated_family(store, admin, schools)
    path = write_csv(
        tmp_path / "f.csv",
        [
            row(
                Nom_responsable="Dupont",
                Prénom_responsable="Marie",
                Nom_enfant="Dupont",
                Prénom_enfant="Léa",
                Date_de_naissance="03/05/2019",
                Classe="CP",
            ),
            row(),
        ],
    )
    wizard = open_wizard(qtbot, ctx, monkeypatch, path)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    dry = wizard.dry_run_page
    assert dry.tabs.currentIndex() == 1 and dry.tabs.tabText(1) == "Doublons (1)"
    table = dry.duplicates_table
    assert [table.item(0, c).text() for c in range(5)] == [
        "2",
        "Léa DUPONT",
        "03/05/2019",
        "F00001 — DUPONT Marie",
        "2 activités",
    ]
    assert "1 famille, 1 enfant, 4 inscriptions" in dry.counts_label.text()
    combo = dry.decision_combo(2)
    assert combo.currentText() == "Fusionner"
    combo.setCurrentIndex(combo.findText("Ignorer la ligne"))
    assert "1 famille, 1 enfant, 2 inscriptions" in dry.counts_label.text()
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    assert wizard.import_page.status_label.text() == (
        "Import terminé : 1 famille, 1 enfant, 2 inscriptions importées ; 1 ligne ignorée."
    )


def test_the_mapping_can_be_corrected_and_a_missing_column_is_said(
    qtbot, ctx, activities, monkeypatch, tmp_path
):
    path = write_csv(tmp_path / "f.csv", [row(Classe="CE3")])
    wizard = open_wizard(qtbot, ctx, monkeypatch, path)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.mapping_page
    cell = page.preview_table.item(
        0,
        [
            page.preview_table.horizontalHeaderItem(c).text()
            for c in range(page.preview_table.columnCount())
        ].index("Classe"),
    )
    assert cell.toolTip() == "classe « CE3 » inconnue à l'école Jules Ferry"
    page.field_combos["child.class"].setCurrentIndex(0)  # (aucune)
    headers = [
        page.preview_table.horizontalHeaderItem(c).text()
        for c in range(page.preview_table.columnCount())
    ]
    assert "Classe" not in headers
    page.field_combos["child.first_name"].setCurrentIndex(0)
    assert page.error_label.text() == "Choisissez la colonne de : Prénom de l'enfant."
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.field_combos["child.first_name"].setCurrentText("Prénom enfant")
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_file_that_cannot_be_read_is_said_in_french(qtbot, ctx, monkeypatch, tmp_path):
    path = tmp_path / "familles.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    wizard = open_wizard(qtbot, ctx, monkeypatch, path)
    assert wizard.file_page.error_label.text().startswith(
        "Les classeurs .xls (Excel 97-2003) ne sont pas lus"
    )
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
