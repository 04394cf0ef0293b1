"""A month's SEPA debit batch on the reference town: the preview and the export.

Budget (issue 21): debit batch for the reference town's month (≈ 4,600 invoices) < 10 s —
`preview_batch` (what the « Préparer un lot… » dialog shows) then `export_batch` (the pain.008
built by sepaxml, validated against the XSD, written; the batch, its items, one payment and
allocation per invoice and the mandates' debit days in one transaction).
Setup, not timed: a copy of the town, clock 1/12/2026, November's run issued, a mandate for
every family of the run (devtools/samples/sepa.py). Run: `uv run python -m
benchmarks.bench_debit_batch`.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from benchmarks.reference_town import town_copy
from benchmarks.results import Result, once
from devtools.samples.sepa import mandates_for_run, set_creditor
from eticket_desk.clock import FrozenClock
from eticket_desk.rules.money import format_cents
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.invoicing.debit_export import export_batch
from eticket_desk.services.invoicing.debit_preview import preview_batch
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run

BUDGET_S = 10


def measure() -> list[Result]:
    copy = town_copy("debits")
    folder = copy.parent
    store = Store(copy, FrozenClock(datetime(2026, 12, 1, 9, 0)))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    set_creditor(store, admin)  # Paramètres › Organisation: the admin's
    actor, _ = authenticate(store, "regisseur", DEMO_PASSWORD)
    run = issue_run(store, actor, month_period("2026-11"))
    mandates = mandates_for_run(store, actor, run.run_id, date(2026, 12, 15))
    print(f"setup: {run.invoices} invoices in November's run, {mandates} mandates")
    start = time.perf_counter()
    preview = preview_batch(store, actor, run.run_id)
    previewed = time.perf_counter()
    done = export_batch(store, actor, folder / "prelevements.xml", run.run_id)
    exported = time.perf_counter()
    size = (folder / "prelevements.xml").stat().st_size
    print(
        f"batch: {done.count} debits, {format_cents(done.total_cents)}, "
        f"{len(preview.left_out)} left out; file {size // 1000} kB"
    )
    print(f"preview          {previewed - start:6.2f} s")
    print(f"export (1 txn)   {exported - previewed:6.2f} s")
    print(f"total            {exported - start:6.2f} s   (budget {BUDGET_S} s)")
    store.close()
    detail = (
        f"{done.count} debits; preview {previewed - start:.1f} s, export "
        f"{exported - previewed:.1f} s (file {size // 1000} kB)"
    )
    return [
        once("preview + export of the month's batch", exported - start, BUDGET_S, detail=detail)
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
