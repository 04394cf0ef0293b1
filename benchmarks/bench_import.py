"""Import of a 10,000-row spreadsheet (one child a row, with registrations) into the reference
town, at the start of the school year: read, dry run, then the all-or-nothing import.

Budget (issue « Paper registrations »): the import of a 10,000-row file < 30 s.
The reference town is copied with sqlite3's backup API, so the import never touches it.
Run: `uv run python -m benchmarks.bench_import [ROWS]`.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from benchmarks.reference_town import reference_town
from benchmarks.results import Result, once
from devtools.samples.import_sheet import sample_sheet, write_csv
from eticket_desk.clock import FrozenClock
from eticket_desk.services import importing
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD

NOW = datetime(2026, 8, 31, 9, 0)  # the day before the rentrée: the whole year to book
ROWS = 10_000
BUDGET_S = 30.0


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file through the backup API (never a file copy)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def spreadsheet(folder: Path, rows: int) -> Path:
    families = rows // 3 * 2 + 50  # 1.6 children a family, on average
    headers, lines = sample_sheet(families, seed=10)
    while len(lines) < rows:
        families *= 2
        headers, lines = sample_sheet(families, seed=10)
    return write_csv(folder / f"import_{rows}.csv", headers, lines[:rows])


def measure_import(
    source: Path, folder: Path, path: Path, registrations: bool
) -> tuple[float, str, float | None]:
    """Dry run and import of the file into a fresh copy of the town; prints the figures and
    returns the import's seconds, what was imported and the booking of the days' seconds."""
    copy = folder / f"town-{registrations}.sqlite"
    copy_database(source, copy)
    store = Store(copy, FrozenClock(NOW))
    actor, _ = authenticate(store, "agent", DEMO_PASSWORD)
    with store.read() as session:
        before = session.execute(text("SELECT count(*) FROM booking")).scalar()
    started = time.perf_counter()
    table = importing.read_import_file(path)
    mapping = importing.guess_import_mapping(store, table)
    if not registrations:
        mapping.activities.clear()
    read_s = time.perf_counter() - started

    started = time.perf_counter()
    report = importing.dry_run_import(store, actor, table, mapping)
    dry_s = time.perf_counter() - started
    decisions = {d.line: importing.Decision.SKIP for d in report.duplicates}
    if not report.can_import(decisions):
        for problem in report.problems_for(decisions)[:20]:
            print(problem.message)
        raise SystemExit("the generated file has bad rows: nothing to measure")

    ticks: list[tuple[int, float]] = []
    from eticket_desk.services.importing import service

    real_book = service.book_drafts
    booking_started: list[float] = []

    def timed_book(*args, **kwargs):
        booking_started.append(time.perf_counter() - started)
        return real_book(*args, **kwargs)

    service.book_drafts = timed_book
    started = time.perf_counter()
    result = importing.import_families(
        store,
        actor,
        table,
        mapping,
        decisions,
        lambda done, total: ticks.append((done, time.perf_counter() - started)),
    )
    total_s = time.perf_counter() - started
    service.book_drafts = real_book
    import_s = booking_started[0] if booking_started else total_s
    with store.read() as session:
        after = session.execute(text("SELECT count(*) FROM booking")).scalar()
    store.close()
    copy.unlink()
    families = len(report.groups)
    dossiers_s = next((t for done, t in ticks if done >= families), import_s)
    what = "with registrations" if registrations else "dossiers only (registration columns ignored)"
    print(f"— {what}")
    print(f"  read + guess mapping: {read_s:.2f} s")
    print(f"  dry run: {dry_s:.2f} s ({len(report.duplicates)} duplicate(s) of the town skipped)")
    print(
        f"  import (dossiers and registrations, one transaction): {import_s:.2f} s — "
        f"{result.sentence()} (dossiers written after {dossiers_s:.1f} s)"
    )
    if registrations:
        print(
            f"  then the days of the registrations, booked chunk by chunk like « Appliquer les "
            f"semaines types » (budget 60 s for a year of 10,000 children): "
            f"{total_s - import_s:.1f} s — {result.booked_days:,} days booked and "
            f"{result.waiting_days:,} on a waiting list ({after - before:,} booking rows, "
            f"{before:,} before)"
        )
    return import_s, what, (total_s - import_s if registrations else None)


def measure(rows: int = ROWS) -> list[Result]:
    """Both imports (dossiers only, with registrations); prints the figures, returns them."""
    source = reference_town()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = spreadsheet(folder, rows)
        table = importing.read_import_file(path)
        print(f"file: {table.describe()}, {path.stat().st_size / 1e6:.1f} MB")
        results = [
            measure_import(source, folder, path, registrations) for registrations in (False, True)
        ]
    measured = []
    for seconds, what, booking_s in results:
        verdict = "OK" if seconds < BUDGET_S else "OVER BUDGET"
        print(
            f"import of {rows:,} rows, {what}: {seconds:.1f} s (budget {BUDGET_S:.0f} s) {verdict}"
        )
        measured.append(once(f"import of {rows:,} rows, {what}", seconds, BUDGET_S))
        if booking_s is not None:
            measured.append(once("then the registrations' days booked", booking_s, 60))
    return measured


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    measure(int(args[0]) if args else ROWS)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
