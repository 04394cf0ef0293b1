"""A monthly invoice run on the reference town, with every PDF.

Budget (DESIGN.md): monthly invoice run for 6,000 families, PDFs with coupon < 60 s (the
preview, the issue in one transaction, one PDF per invoice and the merged file to print).
Run: `uv run python -m benchmarks.bench_invoice_run`.
"""

from __future__ import annotations

import time
from datetime import datetime

from benchmarks.reference_town import town_copy
from benchmarks.results import Result, once
from eticket_desk.clock import FrozenClock
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.invoicing.documents import write_run_pdfs
from eticket_desk.services.invoicing.drafts import describe, month_period
from eticket_desk.services.invoicing.run import issue_run, preview_run


def measure() -> list[Result]:
    """Previews, issues and prints the November run, prints the steps and returns the total."""
    copy = town_copy("invoices")
    folder = copy.parent
    store = Store(copy, FrozenClock(datetime(2026, 12, 1, 9, 0)))
    actor, _ = authenticate(store, "regisseur", DEMO_PASSWORD)
    period = month_period("2026-11")
    start = time.perf_counter()
    preview = preview_run(store, actor, period)
    previewed = time.perf_counter()
    result = issue_run(store, actor, period)
    issued = time.perf_counter()
    files, merged = write_run_pdfs(store, actor, result.run_id, folder / "factures")
    written = time.perf_counter()
    print(f"{period.label} : {describe(preview)}")
    print(f"preview          {previewed - start:6.1f} s")
    print(f"issue (1 txn)    {issued - previewed:6.1f} s")
    print(
        f"PDFs ({len(files)} + merged {merged.stat().st_size // 1_000_000} MB) "
        f"{written - issued:6.1f} s"
    )
    print(f"total            {written - start:6.1f} s   (budget 60 s)")
    store.close()
    detail = (
        f"{len(files)} invoices; preview {previewed - start:.1f} s, issue "
        f"{issued - previewed:.1f} s, PDFs {written - issued:.1f} s"
    )
    return [
        once("preview + issue + every PDF and the merged file", written - start, 60, detail=detail)
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
