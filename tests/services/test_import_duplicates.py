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


def test_two_new_dossiers_of_one_file_alike_are_a_line_of_the_report(
    store, admin, schools, activities, tmp_path
):
    """Sophie Moreau twice with two e-mails (two dossiers of the file), Jules born the same day
    in both under two spellings of his last name: both imported, the pair named once; Sophie's
    neighbour (another adult, same child's first name and birth date) is like no one."""
    path = write_csv(
        tmp_path / "inscriptions.csv",
        [
            row(),  # line 2: Sophie Moreau, Jules Moreau born 12/03/2019
            row(**{"Prénom responsable": "Paul", "Nom enfant": "Martin"}),  # line 3
            row(
                **{
                    "E-mail": "s.moreau@example.fr",
                    "Prénom responsable": "SOPHIE",
                    "Nom enfant": "Moreau-Lac",
                    "Prénom enfant": "JULES",
                }
            ),  # line 4
        ],
    )
    table, mapping, report = run(store, admin, path)
    assert report.problems == () and report.duplicates == ()
    assert report.likely == (
        "ligne 4 : doublon possible — nouveau dossier qui ressemble à celui de la ligne 2, "
        "nouveau lui aussi (Moreau ; Jules, né(e) le 12/03/2019) ; vérifiez-les après "
        "l'import (fusion possible)",
    )
    assert report.text().endswith("• " + report.likely[0])
    assert report.can_import()
    result = importing.import_families(store, admin, table, mapping, {})
    assert result.references == ("F00001", "F00002", "F00003")
