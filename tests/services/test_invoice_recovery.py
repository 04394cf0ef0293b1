"""An invoice run cut after its commit (the program killed, the disk full) owes its PDFs: the
next start writes the missing ones in the documents folder, and keeps those already there."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from eticket_desk.models import Invoice
from eticket_desk.reports import invoice_run
from eticket_desk.rules.money import format_cents
from eticket_desk.services.invoicing import documents as invoice_documents
from eticket_desk.services.invoicing.files import write_owed_pdfs, write_owed_pdfs_at_start
from eticket_desk.services.invoicing.run import issue_run, runs_owing_pdfs
from tests.conftest import validated_family
from tests.services.test_invoicing import DAYS, NOVEMBER, _book, canteen  # noqa: F401

NAMES = ("Dupont", "Martin", "Bernard", "Petit")


@pytest.fixture
def issued(store, admin, schools, canteen, clock):  # noqa: F811
    """November issued for four families, and nothing else done: as if killed at the commit."""
    for count, name in enumerate(NAMES, start=1):
        family = validated_family(store, admin, schools, last_name=name)
        _book(store, admin, family.children[0], canteen, DAYS[:count])
    clock.current = datetime(2026, 12, 1, 9, 0)
    return issue_run(store, admin, NOVEMBER)


def _invoices(store, run_id) -> list[tuple[str, int]]:
    with store.read() as session:
        return list(
            session.execute(
                select(Invoice.number, Invoice.total_cents)
                .where(Invoice.run_id == run_id)
                .order_by(Invoice.number)
            ).tuples()
        )


def _flat(text: str) -> str:
    return " ".join(text.split())  # no-break spaces as plain ones


def _folder(store):
    return invoice_documents.run_folder(store, 2026, NOVEMBER.label)


def _assert_every_pdf_reads_back(store, run_id) -> None:
    folder = _folder(store)
    invoices = _invoices(store, run_id)
    assert len(invoices) == len(NAMES)
    for number, total in invoices:
        text = _flat(PdfReader(folder / f"{number}.pdf").pages[0].extract_text())
        assert number in text and _flat(format_cents(total)) in text
    merged = PdfReader(folder / invoice_documents.merged_name(NOVEMBER.label))
    assert [item.title.split(" — ")[0] for item in merged.outline] == [n for n, _ in invoices]
    assert not list(folder.glob("*.part"))


def test_a_run_killed_at_its_commit_gets_its_pdfs_at_the_next_start(store, issued):
    assert runs_owing_pdfs(store) == [issued.run_id]
    assert not _folder(store).exists() or not list(_folder(store).iterdir())

    assert write_owed_pdfs_at_start(store) == [NOVEMBER.label]

    _assert_every_pdf_reads_back(store, issued.run_id)
    assert runs_owing_pdfs(store) == []
    assert write_owed_pdfs_at_start(store) == []  # nothing owed any more


def test_a_run_cut_half_way_keeps_its_files_and_writes_only_the_missing(
    store, admin, issued, monkeypatch
):
    written = []
    finish = invoice_run._finish

    def cut_after_two(part, path):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        finish(part, path)
        written.append(path)

    monkeypatch.setattr(invoice_run, "_finish", cut_after_two)
    with pytest.raises(OSError):
        invoice_documents.write_run_pdfs(store, admin, issued.run_id)
    monkeypatch.setattr(invoice_run, "_finish", finish)
    assert runs_owing_pdfs(store) == [issued.run_id]
    first = {path: path.stat().st_mtime_ns for path in written}
    assert len(first) == 2 and list(_folder(store).glob("*.part"))  # the third, cut

    assert write_owed_pdfs(store, admin) == [NOVEMBER.label]

    assert {path: path.stat().st_mtime_ns for path in written} == first  # kept as they were
    _assert_every_pdf_reads_back(store, issued.run_id)
    assert runs_owing_pdfs(store) == []


def test_pdfs_written_elsewhere_still_owe_the_documents_folder(store, admin, issued, tmp_path):
    invoice_documents.write_run_pdfs(store, admin, issued.run_id, tmp_path / "clé-usb")
    assert runs_owing_pdfs(store) == [issued.run_id]
    invoice_documents.write_run_pdfs(store, admin, issued.run_id)
    assert runs_owing_pdfs(store) == []


def test_a_start_that_cannot_write_the_pdfs_still_opens(store, issued, monkeypatch):
    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(invoice_run, "render_all", full_disk)
    assert write_owed_pdfs_at_start(store) == []
    assert runs_owing_pdfs(store) == [issued.run_id]  # the next start tries again
