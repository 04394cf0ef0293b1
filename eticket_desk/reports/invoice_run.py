"""An invoice run on paper: one PDF per invoice and all of them in one merged file to print,
drawn by worker processes for big runs (6,000 invoices in about 30 s on two cores)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from eticket_desk.reports.bill_page import (
    new_canvas,
)
from eticket_desk.reports.invoice import (
    InvoiceData,
    Layout,
    draw_invoice,
    file_name,
    layout,
    open_canvas,
)

CHUNK = 40  # invoices per task of a worker: small enough to balance, big enough to be cheap
IN_PROCESS_BELOW = 200  # under this many invoices, starting worker processes costs more


def _worker_started() -> None:
    """A worker process writes binary PDF streams: ASCII85 (reportlab's default, for 7-bit
    channels nobody uses any more) made a quarter of the run's time and files a quarter
    bigger. The setting is global, so it is changed only in these processes of our own."""
    rl_config.useA85 = 0


def _write_each(invoices: Sequence[InvoiceData], paths: Sequence[Path]) -> int:
    """A worker's task: one PDF file per invoice."""
    for data, path in zip(invoices, paths, strict=True):
        canvas = open_canvas(data, str(path))
        draw_invoice(canvas, data)
        canvas.save()
    return len(invoices)


def _merged_canvas(invoices: Sequence[InvoiceData], merged: Path) -> Canvas:
    org = invoices[0].organisation if invoices else None
    title = f"Factures à imprimer ({len(invoices)})"
    author, subject = (org.name, org.regie_name) if org else ("", "")
    return new_canvas(str(merged), title, author, subject, stamps=True)


def _add_to_merged(canvas: Canvas, data: InvoiceData, plan: Layout | None = None) -> None:
    """The invoice's pages at the end of the merged file, with a bookmark to find it."""
    canvas.bookmarkPage(data.number)
    canvas.addOutlineEntry(f"{data.number} — {data.billing_name}", data.number, level=0)
    draw_invoice(canvas, data, plan)


def _write_merged(invoices: Sequence[InvoiceData], merged: Path) -> int:
    """A worker's task: every invoice in one file, one canvas (so each font is embedded once)."""
    canvas = _merged_canvas(invoices, merged)
    for data in invoices:
        _add_to_merged(canvas, data)
    canvas.save()
    return 1


def render_all(
    invoices: Sequence[InvoiceData],
    out_dir: Path,
    merged: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """Write one PDF per invoice in `out_dir` (named by file_name) and all of them, in the same
    order, in the `merged` PDF to print; return the per-invoice paths.

    `progress(done, total)` counts the files written: the invoices, then the merged file
    (total = len(invoices) + 1); it is called from the calling thread.

    Big runs use `workers` processes (default: the CPU count): one draws the merged file while
    the others write the invoice files in chunks, and it joins them when done. The processes
    are spawned, never forked, so calling this from a thread of the Qt application is safe (a
    frozen Windows build must call multiprocessing.freeze_support() in its main).
    """
    invoices = list(invoices)
    out_dir, merged = Path(out_dir), Path(merged)
    out_dir.mkdir(parents=True, exist_ok=True)
    merged.parent.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / file_name(data) for data in invoices]
    if len(set(paths)) != len(paths):
        raise ValueError("two invoices of the run have the same number")
    total = len(invoices) + 1
    report = progress or (lambda _done, _total: None)
    workers = max(1, workers or os.cpu_count() or 1)
    if workers == 1 or len(invoices) < IN_PROCESS_BELOW:
        canvas = _merged_canvas(invoices, merged)
        for done, (data, path) in enumerate(zip(invoices, paths, strict=True), start=1):
            plan = layout(data)
            single = open_canvas(data, str(path))
            draw_invoice(single, data, plan)
            single.save()
            _add_to_merged(canvas, data, plan)
            report(done, total)
        canvas.save()
        report(total, total)
        return paths
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_worker_started) as pool:
        merging = pool.submit(_write_merged, invoices, merged)  # first: the longest task
        tasks = [
            pool.submit(_write_each, invoices[i : i + CHUNK], paths[i : i + CHUNK])
            for i in range(0, len(invoices), CHUNK)
        ]
        try:
            done = 0
            for task in as_completed(tasks):
                done += task.result()
                report(done, total)
            merging.result()
        except BaseException:  # a failed task or a failed progress: stop the rest at once
            pool.shutdown(cancel_futures=True)
            raise
    report(total, total)
    return paths
