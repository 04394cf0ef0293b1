"""Rendering the PDFs of a monthly invoice run: one file per invoice and one merged file.

Budget (DESIGN.md): the monthly run of the reference town (6,000 families) with all its PDFs
< 60 s; the PDFs get ~40 s of it on a 2-core machine, the rest is for computing the invoices.
Data: 6,000 generated invoices of 1–3 children (generated_invoices of devtools/samples/invoices),
no database, so this measures the renderer alone.
Run: `uv run python -m benchmarks.bench_invoice_pdf` (BENCH_FAMILIES, BENCH_WORKERS to vary).
"""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from benchmarks.results import Result, once
from devtools.samples.invoices import generated_invoices
from eticket_desk.reports import invoice_run

FAMILIES = int(os.environ.get("BENCH_FAMILIES", "6000"))
BUDGET_S = 40.0


def measure() -> list[Result]:
    """Renders the generated invoices once, prints the figures and returns the wall time."""
    workers = int(os.environ.get("BENCH_WORKERS", "0")) or os.cpu_count() or 1
    started = time.perf_counter()
    invoices = generated_invoices(FAMILIES)
    built = time.perf_counter() - started
    folder = Path(tempfile.mkdtemp(prefix="eticket-bench-invoices-"))
    steps: list[float] = []
    load = os.getloadavg()[0]
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    paths = invoice_run.render_all(
        invoices,
        folder / "factures",
        folder / "factures-a-imprimer.pdf",
        workers=workers,
        progress=lambda done, total: steps.append(time.perf_counter() - started),
    )
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    merged = folder / "factures-a-imprimer.pdf"
    pages = len(PdfReader(str(merged)).pages)
    sizes = sum(p.stat().st_size for p in paths)
    children = sum(len(i.children) for i in invoices)
    verdict = "OK" if elapsed < BUDGET_S else "OVER BUDGET"
    print(f"{FAMILIES} invoices ({children} children) generated in {built:.1f} s")
    print(
        f"render_all, {workers} worker(s): {elapsed:.1f} s "
        f"({elapsed / len(paths) * 1000:.2f} ms per invoice, budget {BUDGET_S:.0f} s) {verdict}"
    )
    print(
        f"  CPU time of all processes: {cpu:.1f} s ({cpu / len(paths) * 1000:.2f} ms per invoice); "
        f"load average before the run: {load:.1f} (others' work slows the wall clock)"
    )
    print(f"  first progress report after {steps[0]:.1f} s, {len(steps)} reports")
    print(f"  {len(paths)} files, {sizes / 1e6:.1f} MB ({sizes / len(paths) / 1e3:.1f} kB each)")
    print(f"  merged: {pages} pages, {merged.stat().st_size / 1e6:.1f} MB")
    shutil.rmtree(folder)
    detail = f"{len(paths)} invoices, {workers} worker(s), CPU {cpu:.1f} s, load before {load:.1f}"
    return [
        once(f"render_all, {FAMILIES} invoices + merged file", elapsed, BUDGET_S, detail=detail)
    ]


def main() -> None:
    measure()


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children (the workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


if __name__ == "__main__":
    main()
