"""Where the printed documents of a base go, and the names of their files: never beside a
base put elsewhere (a source checkout), never shared by two bases, and names that Windows
accepts whatever the French text they are made of."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from eticket_desk.paths import data_folder, default_database_path, safe_file_name
from eticket_desk.services.attendance.lists import print_attendance
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.core.documents import document_path, documents_root
from eticket_desk.services.core.store import Store
from eticket_desk.services.invoicing.documents import merged_name, run_folder

THURSDAY = date(2026, 11, 26)


def test_a_base_opened_with_db_leaves_nothing_beside_it(tmp_path, user_data_folder, clock):
    checkout = tmp_path / "eticket-desk"  # `eticket-desk --db demo.sqlite` in a checkout
    checkout.mkdir()
    with Store(checkout / "demo.sqlite", clock) as store:
        receipt = document_path(store, "receipt", 2026, "Q-2026-000001.pdf")
        receipt.write_bytes(b"%PDF-1.4")
        root = documents_root(store)
    assert root.is_relative_to(user_data_folder)
    assert receipt == root / "Quittances" / "2026" / "Q-2026-000001.pdf"
    assert root.parent.name.startswith("demo-")  # the base's own folder, named after it
    assert sorted(p.name for p in checkout.iterdir()) == ["demo.sqlite"]


def test_two_bases_never_share_their_receipts(tmp_path, clock):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = Store(tmp_path / "a" / "eticket.sqlite", clock)
    second = Store(tmp_path / "b" / "eticket.sqlite", clock)
    again = Store(tmp_path / "a" / ".." / "a" / "eticket.sqlite", clock)  # the same file
    try:
        assert documents_root(first) != documents_root(second)
        assert documents_root(again) == documents_root(first)
    finally:
        for store in (first, second, again):
            store.close()


def test_the_programs_own_base_keeps_its_documents_in_its_data_folder(clock):
    with Store(default_database_path(), clock) as store:
        assert documents_root(store) == data_folder() / "documents"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Factures novembre 2026 - à imprimer.pdf", "Factures novembre 2026 - à imprimer.pdf"),
        ("Forfait 2026/2027 : bus.pdf", "Forfait 2026-2027 - bus.pdf"),
        ('Liste « Bus » "matin" <1|2> ?*.pdf', "Liste « Bus » 'matin' 1-2.pdf"),
        ("Relance\\F00042\t2026-11-30.pdf", "Relance-F00042 2026-11-30.pdf"),
        ("Période 1 (sept. à oct.). ", "Période 1 (sept. à oct.)"),
        ("CON.pdf", "CON_.pdf"),
        ("nul", "nul_"),
        ("com1.liste.pdf", "com1_.liste.pdf"),
        ("Lpt9", "Lpt9_"),
        ("Console.pdf", "Console.pdf"),
        (" . ", "document"),
    ],
)
def test_file_names_windows_accepts(text, name):
    assert safe_file_name(text) == name


def test_a_long_name_is_cut_but_keeps_its_extension():
    name = safe_file_name("Liste " + "très longue " * 30 + ".pdf")
    assert len(name) <= 120 and name.endswith(" très longue.pdf")


def test_a_period_label_with_a_slash_and_a_colon_is_one_folder(store):
    folder = run_folder(store, 2026, "Forfaits 2026/2027 : trimestre 1")
    assert folder.name == "Forfaits 2026-2027 - trimestre 1"
    assert folder.parent == documents_root(store) / "Factures" / "2026"
    assert merged_name("Forfaits 2026/2027 : trimestre 1") == (
        "Factures Forfaits 2026-2027 - trimestre 1 - à imprimer.pdf"
    )


def test_a_list_named_after_an_activity_with_a_slash_is_written(
    store, coordinator, admin, activities
):
    canteen = save_activity(store, admin, replace(activities["CANTINE"], name="Cantine/midi"))
    pdf = print_attendance(store, coordinator, THURSDAY, activity_id=canteen.id)
    assert pdf.name == "Liste Cantine-midi 2026-11-26.pdf"
    assert pdf.parent == documents_root(store) / "Listes" / "2026"
    assert "Cantine/midi" in PdfReader(pdf).pages[0].extract_text()
