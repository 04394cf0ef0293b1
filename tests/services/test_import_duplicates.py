"""The import's report lists the new dossiers that look like one of the base (a line each,
not an error: the file still imports)."""

from __future__ import annotations

from eticket_desk.services import importing
from tests.conftest import validated_family
from tests.services.test_import import row, run, write_csv


def test_a_new_dossier_like_one_of_the_base_is_a_line_of_the_report(
    store, admin, schools, activities, tmp_path
):
    existing = validated_family(store, admin, schools)  # DUPONT Marie, Léa born 03/05/2019
    path = write_csv(
        tmp_path / "inscriptions.csv",
        [
            row(
                **{
                    "Nom responsable": "DUPONT",
                    "Prénom responsable": "Marie",
                    "Nom enfant": "Dupont-Roux",  # not the same child's name: not merged
                    "Prénom enfant": "LEA",
                    "Date de naissance": "03/05/2019",
                    "École": "École Jules Ferry",
                    "Classe": "CP",
                }
            ),
            row(),  # the Moreau family: like no one
        ],
    )
    table, mapping, report = run(store, admin, path)
    assert report.duplicates == ()
    assert report.likely == (
        f"ligne 2 : doublon possible — nouveau dossier qui ressemble au dossier "
        f"{existing.reference} Dupont (Léa, né(e) le 03/05/2019) ; vérifiez-le après l'import "
        "(fusion possible)",
    )
    assert report.text().endswith("• " + report.likely[0])
    assert report.can_import()
    result = importing.import_families(store, admin, table, mapping, {})
    assert result.references == ("F00002", "F00003")
