"""Import of families and registrations from CSV and XLSX: mapping, dry run, all or nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from eticket_desk.clock import FrozenClock
from eticket_desk.models import AuditEntry, Booking, Child, Family, NumberSeries, Subscription
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.templates import Parity
from eticket_desk.services import importing
from eticket_desk.services.access import users
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.calendar import create_school_year, list_school_years
from eticket_desk.services.catalogue.setup import create_empty_town
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.activities import DEMO_ACTIVITIES
from eticket_desk.services.families.dossiers import load_family
from eticket_desk.services.importing.cells import read_week_template
from eticket_desk.services.importing.reading import read_csv_bytes
from tests.conftest import ADMIN_PASSWORD, EMPTY_TOWN, validated_family

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
MONDAY = date(2026, 9, 21)  # a Monday of the period whose canteen deadline is still ahead

HEADERS = [
    "Nom responsable",
    "Prénom responsable",
    "Tél. portable",
    "Tél. domicile",
    "E-mail",
    "Adresse",
    "Code postal",
    "Ville",
    "Nom enfant",
    "Prénom enfant",
    "Date de naissance",
    "École",
    "Classe",
    "Régime",
    "CANTINE",
    "TAP",
]
GOOD = [
    "Moreau",
    "Sophie",
    "06 12 34 56 78",
    "",
    "sophie.moreau@example.fr",
    "3 rue du Lac",
    "74500",
    "Neuvecelle",
    "Moreau",
    "Jules",
    "12/03/2019",
    "École Jules Ferry",
    "CE1",
    "",
    "L M J V",
    "mar,ven",
]


def write_csv(path: Path, rows: list[list[str]], headers=HEADERS, encoding="cp1252") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def row(**changes: str) -> list[str]:
    values = dict(zip(HEADERS, GOOD, strict=True))
    values.update({k.replace("_", " "): v for k, v in changes.items()})
    return [values[h] for h in HEADERS]


def with_demo_activities(store, admin) -> dict:
    return {spec.code: save_activity(store, admin, spec) for spec in DEMO_ACTIVITIES}


def count(store, model) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def family_numbers(store) -> int | None:
    with store.read() as session:
        return session.scalar(select(NumberSeries.next_value).where(NumberSeries.name == "family"))


def run(store, admin, path: Path, decisions=None):
    table = importing.read_import_file(path)
    mapping = importing.guess_import_mapping(store, table)
    report = importing.dry_run_import(store, admin, table, mapping)
    return table, mapping, report


# ---------------------------------------------------------------- reading and guessing


def test_the_sample_csv_is_read_as_french_excel_saves_it(store):
    table = importing.read_import_file(SAMPLES / "import_familles.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    assert table.headers[1] == "Nom responsable 1" and "Prénom enfant" in table.headers
    assert table.lines[0] == 2 and len(table.rows) > 30
    assert table.describe().endswith("(CSV, cp1252, séparateur point-virgule)")


def test_utf8_with_a_bom_and_commas_or_tabs_are_read_too():
    for text, delimiter in (
        ("Nom,Prénom\nÉlodie,Zoé\n", ","),
        ("Nom\tPrénom\nÉlodie\tZoé\n", "\t"),
    ):
        table = read_csv_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "x.csv")
        assert (table.encoding, table.delimiter) == ("utf-8-sig", delimiter)
        assert table.headers == ("Nom", "Prénom") and table.rows == (("Élodie", "Zoé"),)


def test_the_mapping_is_guessed_from_french_headers_whatever_their_accents(store, activities):
    table = read_csv_bytes(
        ";".join(
            [
                "NOM RESPONSABLE",
                "prenom responsable",
                "Tél. portable",
                "Téléphone domicile",
                "Courriel",
                "Nom responsable 2",
                "Prénom enfant",
                "Nom de l'enfant",
                "Date de naissance",
                "Ecole",
                "Classe",
                "Régime alimentaire",
                "Quotient familial",
                "Cantine",
                "Inscription TAP",
                "PISCINE_1",
            ]
        ).encode("cp1252")
        + b"\r\nA;B;;;;;C;D;;;;;;;;L M\r\n",
        "x.csv",
    )
    mapping = importing.guess_import_mapping(store, table)
    named = {key: table.headers[column] for key, column in mapping.fields.items()}
    assert named == {
        "adult1.last_name": "NOM RESPONSABLE",
        "adult1.first_name": "prenom responsable",
        "adult1.phone_mobile": "Tél. portable",
        "adult1.phone_home": "Téléphone domicile",
        "adult1.email": "Courriel",
        "adult2.last_name": "Nom responsable 2",
        "child.first_name": "Prénom enfant",
        "child.last_name": "Nom de l'enfant",
        "child.birth_date": "Date de naissance",
        "child.school": "Ecole",
        "child.class": "Classe",
        "child.diet": "Régime alimentaire",
        "family.qf": "Quotient familial",
    }
    # an upper-case code the base does not know, whose cells are week days, is kept
    assert mapping.activities == {13: "CANTINE", 14: "TAP", 15: "PISCINE_1"}


@pytest.mark.parametrize(
    ("text", "days", "parity"),
    [
        ("L M J V", {0, 1, 3, 4}, Parity.ALL),
        ("lun,mar,jeu,ven", {0, 1, 3, 4}, Parity.ALL),
        ("LMJV", {0, 1, 3, 4}, Parity.ALL),
        ("LMMJV", {0, 1, 2, 3, 4}, Parity.ALL),
        ("L Me J", {0, 2, 3}, Parity.ALL),
        ("Lundi, Jeudi", {0, 3}, Parity.ALL),
        ("L M J V paires", {0, 1, 3, 4}, Parity.EVEN),
        ("lun jeu semaines impaires", {0, 3}, Parity.ODD),
        ("x", {0, 1, 3, 4}, Parity.ALL),  # every day the activity runs
    ],
)
def test_week_days_are_read_the_ways_secretariats_write_them(text, days, parity):
    template = read_week_template(text, (0, 1, 3, 4))
    assert (set(template.weekdays), template.parity) == (days, parity)


def test_an_empty_or_no_cell_is_no_registration():
    assert read_week_template("", (0,)) is None
    assert read_week_template("non", (0,)) is None


def test_the_preview_shows_values_as_they_will_be_read(store, admin, activities, tmp_path):
    path = write_csv(
        tmp_path / "f.csv",
        [row(**{"Tél. portable": "0612345678"}), row(Prénom_enfant="Zoé", Classe="CE3")],
    )
    table = importing.read_import_file(path)
    mapping = importing.guess_import_mapping(store, table)
    preview = importing.preview_import(store, admin, table, mapping)
    first = dict(zip(preview.headers, preview.rows[0], strict=True))
    assert first["Tél. portable (responsable 1)"].text == "06 12 34 56 78"
    assert first["Inscription Cantine"].text == "lun., mar., jeu., ven."
    second = dict(zip(preview.headers, preview.rows[1], strict=True))
    assert second["Classe"].text == "CE3"
    assert second["Classe"].problem == "classe « CE3 » inconnue à l'école Jules Ferry"
    assert preview.lines == (2, 3)


# ---------------------------------------------------------------- bad rows


def test_a_file_full_of_bad_rows_writes_nothing_and_reports_every_row(
    store, admin, activities, tmp_path
):
    rows = [
        row(),  # line 2: good
        row(Classe="CE3", Prénom_enfant="Léo"),  # 3
        row(**{"Tél. portable": "06 12", "Prénom enfant": "Nina"}),  # 4
        row(**{"E-mail": "sophie@", "Prénom enfant": "Lou"}),  # 5
        row(Date_de_naissance="31/02/2019", Prénom_enfant="Tom"),  # 6
        row(École="École Pasteur", Prénom_enfant="Inès"),  # 7
        row(),  # 8: the same child as line 2
        row(CANTINE="L Me J", Prénom_enfant="Adam"),  # 9: no canteen on Wednesday
        row(Classe="PS", Prénom_enfant="Zoé", Date_de_naissance="04/04/2023"),  # 10: TAP
        row(Régime="halal", TAP="", Prénom_enfant="Sacha"),  # 11
        row(CANTINE="tous les midis", Prénom_enfant="Emma"),  # 12
        row(Prénom_enfant=""),  # 13
        row(Code_postal="7450", Prénom_enfant="Rose"),  # 14
        row(Date_de_naissance="12/03/2000", Prénom_enfant="Paul"),  # 15
    ]
    path = write_csv(tmp_path / "mauvais.csv", rows)
    numbers = family_numbers(store)
    table, mapping, report = run(store, admin, path)
    messages = [p.message for p in report.problems_for()]
    assert messages == [
        "ligne 3 : classe « CE3 » inconnue à l'école Jules Ferry",
        "ligne 4 : le téléphone portable du responsable 1 « 06 12 » n'est pas un numéro "
        "valide (10 chiffres, ex. 06 12 34 56 78)",
        "ligne 5 : l'e-mail du responsable 1 « sophie@ » n'est pas une adresse e-mail valide",
        "ligne 6 : la date de naissance « 31/02/2019 » n'est pas une date qui existe",
        "ligne 7 : l'école « École Pasteur » est inconnue (écoles : École Jules Ferry, "
        "École du Lac)",
        "ligne 8 : Jules MOREAU, né(e) le 12/03/2019, est en double dans le fichier (déjà ligne 2)",
        "ligne 9 : Cantine n'a pas lieu le mercredi",
        "ligne 10 : Zoé MOREAU n'est pas concerné(e) par l'activité TAP (pas en PS)",
        "ligne 11 : le régime alimentaire « halal » est inconnu (sans porc, végétarien, "
        "sans gluten, ou vide)",
        "ligne 12 : Cantine « tous les midis » n'est pas une liste de jours (ex. « L M J V », "
        "« lun,mar,jeu,ven », « LMJV », « L J paires »)",
        "ligne 13 : le prénom de l'enfant manque",
        "ligne 14 : le code postal du responsable 1 « 7450 » n'est pas un code postal "
        "français (5 chiffres)",
        "ligne 15 : la date de naissance « 12/03/2000 » n'est pas plausible pour un enfant "
        "scolarisé (26 ans)",
    ]
    bad = {p.line: p for p in report.problems_for()}
    assert (bad[3].column, bad[3].value) == ("Classe", "CE3")
    assert (bad[9].column, bad[9].value) == ("CANTINE", "L Me J")
    assert report.bad_lines() == list(range(3, 16))
    assert not report.can_import()

    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_families(store, admin, table, mapping)
    assert "Rien n'a été importé" in refused.value.message
    assert "ligne 3 : classe « CE3 » inconnue à l'école Jules Ferry" in refused.value.message
    assert count(store, Family) == 0 and count(store, Child) == 0
    assert count(store, Booking) == 0 and family_numbers(store) == numbers


def test_an_unknown_activity_column_is_reported_on_every_row_using_it(
    store, admin, activities, tmp_path
):
    headers = [*HEADERS, "PISCINE_1"]
    path = write_csv(tmp_path / "f.csv", [[*row(), "L"], [*row(Prénom_enfant="Lou"), ""]], headers)
    _table, _mapping, report = run(store, admin, path)
    assert [p.message for p in report.problems_for()] == [
        "ligne 2 : l'activité « PISCINE_1 » est inconnue (activités : BUS, CANTINE, TAP)"
    ]


def test_an_incomplete_dossier_cannot_take_registrations(store, admin, activities, tmp_path):
    path = write_csv(
        tmp_path / "f.csv",
        [row(Adresse="", Prénom_enfant="Lou"), row(Adresse="", CANTINE="", TAP="")],
    )
    _table, _mapping, report = run(store, admin, path)
    assert [p.message for p in report.problems_for()] == [
        "ligne 2 : le dossier ne pourra pas être validé (L'adresse de facturation de MOREAU "
        "Sophie est incomplète) : ses inscriptions ne pourraient pas être réservées"
    ]


def test_registrations_need_a_school_year(store, admin, tmp_path):
    save_activity(store, admin, next(a for a in DEMO_ACTIVITIES if a.code == "CANTINE"))
    path = write_csv(tmp_path / "f.csv", [row()], headers=HEADERS)
    _table, _mapping, report = run(store, admin, path)
    assert report.general[0].startswith("Aucune année scolaire en cours ni à venir")
    assert not report.can_import()


# ---------------------------------------------------------------- the samples


def _town(folder: Path) -> tuple[Store, object]:
    folder.mkdir()
    store = Store(folder / "eticket.sqlite", FrozenClock(datetime(2026, 9, 14, 9, 30)))
    create_empty_town(store, EMPTY_TOWN)
    admin, _ = users.authenticate(store, "admin", ADMIN_PASSWORD)
    create_school_year(store, admin, 2026)
    with_demo_activities(store, admin)
    return store, admin


def _imported(store) -> list[tuple]:
    with store.read() as session:
        families = session.scalars(select(Family).order_by(Family.number)).all()
        return [
            (
                f.reference,
                f.display_name,
                f.status,
                tuple((c.first_name, c.last_name, c.birth_date) for c in f.children),
            )
            for f in families
        ]


def test_the_sample_csv_and_xlsx_import_the_same_families_and_book_them(tmp_path):
    results = {}
    for name in ("import_familles.csv", "import_familles.xlsx"):
        store, admin = _town(tmp_path / name.replace(".", "_"))
        table, mapping, report = run(store, admin, SAMPLES / name)
        assert report.problems_for() == [] and report.can_import()
        counts = report.counts()
        assert (counts.families, counts.children) == (30, len(table.rows))
        result = importing.import_families(store, admin, table, mapping)
        assert result.counts == counts and result.booked_days > 0
        assert result.sentence().startswith(f"30 familles, {len(table.rows)} enfants, ")
        families = _imported(store)
        assert all(status == FamilyStatus.VALIDATED for _ref, _name, status, _c in families)
        with store.read() as session:
            canteen_monday = session.scalar(
                select(func.count())
                .select_from(Booking)
                .join(Child, Child.id == Booking.child_id)
                .where(Booking.day == MONDAY, Booking.state == "booked")
            )
            subscriptions = session.scalar(select(func.count()).select_from(Subscription))
        assert canteen_monday > 20 and subscriptions == counts.registrations
        results[name] = families
        store.close()
    assert results["import_familles.csv"] == results["import_familles.xlsx"]
    reference, name, _status, children = results["import_familles.csv"][1]
    assert reference == "F00002" and name == "CHARPENTIER Stéphanie & Mickaël"
    assert [c[0] for c in children] == ["Valentin", "Mélissa", "Jérémy"]


def test_an_import_writes_one_audit_line_per_family_and_a_summary(
    store, admin, activities, tmp_path
):
    path = write_csv(
        tmp_path / "rentree.csv",
        [row(), row(Prénom_enfant="Lou", Date_de_naissance="02/02/2018")],
    )
    table, mapping, _report = run(store, admin, path)
    importing.import_families(store, admin, table, mapping)
    with store.read() as session:
        lines = session.execute(
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.summary)
        ).all()
    assert [s for a, e, s in lines if a == "create" and e == "family"] == [
        "Création famille F00001"
    ]
    assert [s for a, _e, s in lines if a == "import"] == [
        "Import du fichier « rentree.csv » : 1 famille, 2 enfants, 4 inscriptions importées"
    ]


# ---------------------------------------------------------------- duplicates


def _duplicate_file(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "doublons.csv",
        [
            row(
                Nom_responsable="DUPONT",
                Prénom_responsable="Marie",
                **{
                    "Tél. portable": "06 98 76 54 32",
                    "Tél. domicile": "04 50 12 34 56",
                    "E-mail": "autre@example.fr",
                },
                Nom_enfant="dupont",
                Prénom_enfant="LEA",
                Date_de_naissance="03/05/2019",
                Classe="CP",
            ),
            row(),
        ],
    )


def test_a_child_already_in_the_base_is_found_and_merged(
    store, admin, schools, activities, tmp_path
):
    existing = validated_family(store, admin, schools)
    numbers = family_numbers(store)
    table, mapping, report = run(store, admin, _duplicate_file(tmp_path))
    assert [(d.line, d.child_name, d.family_reference) for d in report.duplicates] == [
        (2, "Léa DUPONT", "F00001")
    ]
    assert report.counts().families == 1 and report.counts().children == 1
    result = importing.import_families(store, admin, table, mapping, {2: importing.Decision.MERGE})
    assert result.counts.merged == 1 and result.references == ("F00002",)
    assert family_numbers(store) == numbers + 1  # one new dossier, no gap
    merged = load_family(store, admin, existing.id)
    assert [c.first_name for c in merged.children] == ["Léa"]
    # the existing mobile and e-mail are kept: only empty details are filled
    marie = merged.adults[0]
    assert (marie.email, marie.phone_mobile) == ("marie.dupont@example.fr", "+33612345678")
    assert marie.phone_home == "+33450123456"
    assert merged.status == FamilyStatus.VALIDATED
    with store.read() as session:
        days = session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.child_id == existing.children[0].id, Booking.day == MONDAY)
        )
    assert days == 1  # the canteen of Monday 21 September


def test_a_duplicate_can_be_skipped(store, admin, schools, activities, tmp_path):
    existing = validated_family(store, admin, schools)
    table, mapping, report = run(store, admin, _duplicate_file(tmp_path))
    decisions = {2: importing.Decision.SKIP}
    assert report.counts(decisions).skipped == 1
    result = importing.import_families(store, admin, table, mapping, decisions)
    assert result.counts.families == 1 and result.counts.merged == 0
    with store.read() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Booking)
                .where(Booking.child_id == existing.children[0].id)
            )
            == 0
        )
    assert count(store, Child) == 2


# ---------------------------------------------------------------- all or nothing


@pytest.mark.parametrize("where", ["families", "registrations"])
def test_a_failure_in_the_middle_leaves_nothing_written(
    store, admin, activities, tmp_path, monkeypatch, where
):
    from eticket_desk.services.importing import writer

    path = SAMPLES / "import_familles.csv"
    headers, rows = _sample_for_test_activities(path)
    path = write_csv(tmp_path / "f.csv", rows, headers)
    table, mapping, report = run(store, admin, path)
    assert report.can_import(), report.problems_for()[:3]
    numbers, audit = family_numbers(store), count(store, AuditEntry)
    calls = []
    real = writer.save_family_in if where == "families" else writer.save_subscriptions_in

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5 or where == "registrations":
            raise RuntimeError("disque plein")
        return real(*args, **kwargs)

    name = "save_family_in" if where == "families" else "save_subscriptions_in"
    monkeypatch.setattr(writer, name, failing)
    with pytest.raises(RuntimeError):
        importing.import_families(store, admin, table, mapping)
    assert count(store, Family) == 0 and count(store, Child) == 0
    assert count(store, Booking) == 0 and count(store, Subscription) == 0
    assert family_numbers(store) == numbers and count(store, AuditEntry) == audit


def test_days_left_unbooked_by_a_failure_are_booked_by_the_template_run(
    store, admin, activities, tmp_path, monkeypatch
):
    """The dossiers and registrations are one transaction; their days follow chunk by
    chunk. If that second step fails, « Appliquer les semaines types » books what is missing."""
    from eticket_desk.services.subscriptions import forms as subscriptions

    path = SAMPLES / "import_familles.csv"
    headers, rows = _sample_for_test_activities(path)
    table, mapping, _ = run(store, admin, write_csv(tmp_path / "f.csv", rows, headers))

    def failing(*args, **kwargs):
        raise RuntimeError("coupure de courant")

    monkeypatch.setattr(subscriptions.Planner, "write", failing)
    with pytest.raises(RuntimeError):
        importing.import_families(store, admin, table, mapping)
    monkeypatch.undo()
    assert count(store, Family) == 30 and count(store, Subscription) > 0
    assert count(store, Booking) == 0
    year = list_school_years(store)[0]
    run_ = subscriptions.apply_saved_subscriptions(store, admin, year.start, year.end)
    assert run_.booked > 0 and count(store, Booking) == run_.booked


def _sample_for_test_activities(path: Path) -> tuple[list[str], list[list[str]]]:
    """The sample with only the columns of the test activities (CANTINE, TAP)."""
    table = importing.read_import_file(path)
    keep = [
        i
        for i, h in enumerate(table.headers)
        if h not in {"GARDERIE_MATIN", "GARDERIE_SOIR", "BUS_0830", "BUS_1630", "BUS_FIN_ECOLE"}
    ]
    return [table.headers[i] for i in keep], [[r[i] for i in keep] for r in table.rows]


def test_the_command_line_entry_point_dry_runs_and_imports(store, admin, activities, tmp_path):
    path = write_csv(tmp_path / "f.csv", [row()])
    report = importing.import_file(store, admin, path, dry_run=True)
    assert report.can_import() and count(store, Family) == 0
    assert report.text().splitlines() == [
        "f.csv : 1 ligne(s) lue(s).",
        "À importer : 1 famille, 1 enfant, 2 inscriptions.",
        "Lignes en erreur : 0 ; doublons : 0.",
    ]
    result = importing.import_file(store, admin, path)
    assert result.sentence() == "1 famille, 1 enfant, 2 inscriptions importées"


def test_xlsx_rows_keep_their_line_numbers_past_an_empty_row(store, admin, activities, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(row())
    sheet.append([])  # line 3 left empty in the spreadsheet
    bad = row(Classe="CE3", Prénom_enfant="Léo")
    bad[HEADERS.index("Tél. portable")] = 612345678  # a phone typed as a number
    sheet.append(bad)
    book.save(tmp_path / "f.xlsx")
    table, _mapping, report = run(store, admin, tmp_path / "f.xlsx")
    assert table.lines == (2, 4) and table.kind == "xlsx"
    assert [p.message for p in report.problems_for()] == [
        "ligne 4 : classe « CE3 » inconnue à l'école Jules Ferry"
    ]
