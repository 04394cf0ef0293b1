"""An invoice run on paper: one PDF per invoice and all of them in one merged file to print,
drawn by worker processes for big runs (6,000 invoices in about 30 s on two cores).

Each file is written under a temporary name and renamed when whole, so a file that is there is
complete: a run killed half-way is finished later by writing only the missing files
(`missing_only`). The worker processes die with the program that started them (killed, its
window closed by the task manager): none is left drawing invoices for nobody.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing.connection import wait
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
PART = ".part"  # the suffix of a file being written
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_started() -> None:
    """A worker process writes binary PDF streams: ASCII85 (reportlab's default, for 7-bit
    channels nobody uses any more) made a quarter of the run's time and files a quarter
    bigger. The setting is global, so it is changed only in these processes of our own."""
    rl_config.useA85 = 0
    die_with_parent()


def die_with_parent() -> None:
    """Ends this worker process as soon as its parent is gone. On Linux the kernel kills it
    (PR_SET_PDEATHSIG); everywhere, a thread waits on the parent's sentinel (a pipe that
    reaches its end, a process handle on Windows) and ends the process when it fires."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass  # the sentinel thread below still does it
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    if os.getppid() != parent.pid:  # the parent died before the watch began
        os._exit(1)


def _part(path: Path) -> Path:
    return path.with_name(path.name + PART)


def _finish(part: Path, path: Path) -> None:
    os.replace(part, path)


def _write_each(invoices: Sequence[InvoiceData], paths: Sequence[Path]) -> int:
    """A worker's task: one PDF file per invoice."""
    for data, path in zip(invoices, paths, strict=True):
        canvas = open_canvas(data, str(_part(path)))
        draw_invoice(canvas, data)
        canvas.save()
        _finish(_part(path), path)
    return len(invoices)


def _merged_canvas(invoices: Sequence[InvoiceData], merged: Path) -> Canvas:
    org = invoices[0].organisation if invoices else None
    title = f"Factures à imprimer ({len(invoices)})"
    author, subject = (org.name, org.regie_name) if org else ("", "")
    return new_canvas(str(_part(merged)), title, author, subject, stamps=True)


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
    _finish(_part(merged), merged)
    return 1


def render_all(
    invoices: Sequence[InvoiceData],
    out_dir: Path,
    merged: Path,
    *,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    missing_only: bool = False,
) -> list[Path]:
    """Write one PDF per invoice in `out_dir` (named by file_name) and all of them, in the same
    order, in the `merged` PDF to print; return the per-invoice paths. With `missing_only`,
    the files already there are kept and only the others written (the merged one too if it
    is missing): what finishes a run that was cut.

    `progress(done, total)` counts the files written: the invoices, then the merged file
    (total = files to write + 1); it is called from the calling thread.

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
    todo = [
        (data, path)
        for data, path in zip(invoices, paths, strict=True)
        if not (missing_only and path.exists())
    ]
    merge = not (missing_only and merged.exists())
    total = len(todo) + 1
    report = progress or (lambda _done, _total: None)
    workers = max(1, workers or os.cpu_count() or 1)
    if workers == 1 or len(todo) < IN_PROCESS_BELOW:
        _render_here(invoices, todo, merged if merge else None, report)
        return paths
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=spawn, initializer=_worker_started) as pool:
        merging = pool.submit(_write_merged, invoices, merged) if merge else None  # the longest
        tasks = [
            pool.submit(
                _write_each,
                [data for data, _ in todo[i : i + CHUNK]],
                [path for _, path in todo[i : i + CHUNK]],
            )
            for i in range(0, len(todo), CHUNK)
        ]
        try:
            done = 0
            for task in as_completed(tasks):
                done += task.result()
                report(done, total)
            if merging is not None:
                merging.result()
        except BaseException:  # a failed task or a failed progress: stop the rest at once
            pool.shutdown(cancel_futures=True)
            raise
    report(total, total)
    return paths


def _render_here(
    invoices: list[InvoiceData],
    todo: list[tuple[InvoiceData, Path]],
    merged: Path | None,
    report: Callable[[int, int], None],
) -> None:
    """The files of `todo`, and the merged file of every invoice unless `merged` is None, in
    this process: one layout per invoice serves both files."""
    total = len(todo) + 1
    canvas = _merged_canvas(invoices, merged) if merged is not None else None
    plans = {}
    for done, (data, path) in enumerate(todo, start=1):
        plans[data.number] = plan = layout(data)
        single = open_canvas(data, str(_part(path)))
        draw_invoice(single, data, plan)
        single.save()
        _finish(_part(path), path)
        report(done, total)
    if canvas is not None:
        for data in invoices:
            _add_to_merged(canvas, data, plans.get(data.number))
        canvas.save()
        _finish(_part(merged), merged)
    report(total, total)
