"""What differs on Windows, checked here on Linux: the invoice run's worker processes are
spawned (never forked), there may be no keyring for the sync token, a text file opened
without an encoding is read in cp1252, and Excel wants its CSV in UTF-8 with a BOM and « ; »."""

from __future__ import annotations

import ast
import csv
import threading
from datetime import date, datetime
from functools import partial
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from pypdf import PdfReader

from eticket_desk.reports import invoice_run
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.attendance.meals import export_meal_counts, meal_counts_of
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.core.documents import documents_root
from eticket_desk.services.invoicing.documents import write_run_pdfs
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.status import (
    NO_KEYRING,
    KeyringUnavailable,
    load_device,
    save_device,
    sync_status,
)
from tests.conftest import validated_family
from tests.sync.conftest import MemoryKeyring

ROOT = Path(__file__).resolve().parents[2]
DEVICE = "8f14e45f-ceea-467f-a0e6-1a2b3c4d5e6f"
NOVEMBER_DAYS = [date(2026, 11, d) for d in (2, 3, 5, 6)]

# ------------------------------------------------------------------ worker processes


def test_the_invoice_run_draws_in_spawned_workers_from_a_thread(
    store, admin, schools, activities, clock, monkeypatch
):
    """As on Windows: the workers are new interpreters (spawn), started from a thread of the
    program (the UI's task runner); what they get must pickle and import by itself."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    for name in ("Dupont", "Martin", "Lefèvre"):
        family = validated_family(store, admin, schools, last_name=name)
        for day in NOVEMBER_DAYS:
            book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    run = issue_run(store, admin, month_period("2026-11"))
    monkeypatch.setattr(invoice_run, "IN_PROCESS_BELOW", 0)
    monkeypatch.setattr(invoice_run, "CHUNK", 1)
    monkeypatch.setattr(invoice_run, "render_all", partial(invoice_run.render_all, workers=2))
    done: list = []
    thread = threading.Thread(
        target=lambda: done.append(write_run_pdfs(store, admin, run.run_id, progress=None))
    )
    thread.start()
    thread.join(timeout=120)

    [(files, merged)] = done
    assert [f.name for f in files] == [f"F-2026-00000{n}.pdf" for n in (1, 2, 3)]
    assert files[0].parent.parent == documents_root(store) / "Factures" / "2026"
    assert "18,40" in PdfReader(files[2]).pages[0].extract_text()  # 4 days × 4,60 €
    assert len(PdfReader(merged).pages) == 3


# ------------------------------------------------------------------ keyring


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # what a computer without any keyring has
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_registering_the_desk_says_why_and_keeps_nothing(
    store, admin, no_keyring
):
    with pytest.raises(KeyringUnavailable) as refused:
        save_device(store, admin, "https://guichet.example.fr", _device(), "jeton")
    assert refused.value.message == NO_KEYRING
    assert "trousseau" in NO_KEYRING and "Gestionnaire d'identification" in NO_KEYRING
    assert load_device(store).server_url == ""  # the registration did not half happen


def test_a_registered_desk_whose_keyring_went_says_so_instead_of_crashing(store, admin):
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        save_device(store, admin, "https://guichet.example.fr", _device(), "jeton")
        keyring.set_keyring(fail.Keyring())
        device = load_device(store)
        assert (device.server_url, device.has_token) == ("https://guichet.example.fr", False)
        assert device.keyring_error == NO_KEYRING
        status = sync_status(store)
        assert status.label == "Synchronisation impossible sur ce poste"
        assert status.text == f"Synchronisation impossible sur ce poste. {NO_KEYRING}"
        with pytest.raises(KeyringUnavailable):
            run_sync(store)
    finally:
        keyring.set_keyring(previous)


def _device():
    import uuid

    return uuid.UUID(DEVICE)


# ------------------------------------------------------------------ text files


def _calls(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _keyword(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def _is_text_open(call: ast.Call) -> bool:
    """`open(path, "w")`, `path.open()`, `read_text()`, `write_text()` — not a binary mode."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in ("read_text", "write_text"):
        return True
    if isinstance(func, ast.Name) and func.id == "open":
        mode = call.args[1] if len(call.args) > 1 else _keyword(call, "mode")
    elif isinstance(func, ast.Attribute) and func.attr == "open":
        mode = call.args[0] if call.args else _keyword(call, "mode")  # Path.open(mode)
        if not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)):
            return False  # a dialog's open(), Image.open(data): not a text file
    else:
        return False
    return not (isinstance(mode, ast.Constant) and "b" in str(mode.value))


def test_no_sqlite_connection_is_left_open_by_a_with():
    """`with sqlite3.connect(path) as db:` commits at the end but never closes: on Windows the
    base stays held, and a restore over it or its deletion fails (« WinError 32 »)."""
    sources = [
        path
        for folder in ("eticket_desk", "eticket_central", "tests", "benchmarks", "devtools")
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    left_open = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.With | ast.AsyncWith)
        for item in node.items
        if isinstance(item.context_expr, ast.Call)
        and ast.unparse(item.context_expr.func) == "sqlite3.connect"
    ]
    assert left_open == []


def _desk_sources():
    files = [*sorted((ROOT / "eticket_desk").rglob("*.py")), ROOT / "installer.spec"]
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in files]


def test_every_text_file_the_desk_opens_names_its_encoding():
    """Windows reads a file opened without `encoding=` in the ANSI code page (cp1252), where
    « é » written as UTF-8 comes back as « Ã© »."""
    missing = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, tree in _desk_sources()
        for call in _calls(tree)
        if _is_text_open(call) and _keyword(call, "encoding") is None
    ]
    assert missing == []


def test_every_csv_the_desk_writes_is_opened_for_excel():
    """One « ; » per column (Excel in French), newline="" (else Windows writes \\r\\r\\n)."""
    wrong = []
    for path, tree in _desk_sources():
        for block in (n for n in ast.walk(tree) if isinstance(n, ast.With)):
            writers = [
                c
                for c in _calls(block)
                if isinstance(c.func, ast.Attribute) and c.func.attr in ("writer", "DictWriter")
            ]
            if not writers:
                continue
            opens = [i.context_expr for i in block.items if isinstance(i.context_expr, ast.Call)]
            newline = [_keyword(o, "newline") for o in opens]
            delimiter = [_keyword(w, "delimiter") for w in writers]
            if not any(isinstance(n, ast.Constant) and n.value == "" for n in newline) or any(
                not (isinstance(d, ast.Constant) and d.value == ";") for d in delimiter
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{block.lineno}")
    assert wrong == []


def test_the_meal_counts_csv_opens_in_excel_with_its_accents(
    store, coordinator, activities, tmp_path
):
    data = meal_counts_of(store, coordinator, date(2026, 11, 23), date(2026, 11, 27))
    out = export_meal_counts(data, tmp_path / "Repas.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    assert b"\r\r\n" not in raw and raw.endswith(b"\r\n")
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert len(header) > 2 and any("é" in column or "É" in column for column in header)
