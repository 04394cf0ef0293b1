"""All the attendance lists of one day rendered to one PDF, on generated data.

Budget (DESIGN.md): attendance lists of one day, all activities, PDF < 2 s, queries included;
the renderer's share must stay well under 1.5 s on the 2-core reference machine.
Two days are measured: the brief's (≈ 10,000 children, ≈ 5,000 rows over the day's lists) and
the reference town's busiest day (`demo --families 6000` has 11,722 children and books
≈ 12,300 of them on a Tuesday with TAP). Classes of ≈ 26 pupils, 8 schools.
Run: `uv run python -m benchmarks.bench_attendance_pdf`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.results import Result
from devtools.samples.attendance import day_lists, make_pupils
from eticket_desk.reports.attendance_list import render_lists

BUDGET_MS = 1500
THURSDAY, TUESDAY = date(2026, 11, 26), date(2026, 11, 24)


def _bench(name: str, lists, out: Path, runs: int = 5) -> tuple[str, Result]:
    rows = sum(len(g.rows) for data in lists for g in data.groups)
    rows += sum(len(data.waiting) for data in lists)
    millis = []
    for _ in range(runs):
        started = time.perf_counter()
        render_lists(lists, out)
        millis.append((time.perf_counter() - started) * 1000)
    from pypdf import PdfReader

    pages = len(PdfReader(str(out)).pages)
    verdict = "OK" if max(millis) < BUDGET_MS else "OVER BUDGET"
    result = Result(
        name,
        "ms",
        BUDGET_MS,
        p50=statistics.median(millis),
        max=max(millis),
        runs=runs,
        within=max(millis) < BUDGET_MS,
        detail=f"{len(lists)} lists, {rows} rows, {pages} pages",
    )
    return (
        f"{name}: {len(lists)} lists, {rows} rows, {pages} pages, {out.stat().st_size // 1024} KiB: "
        f"median {statistics.median(millis):.0f} ms, max {max(millis):.0f} ms "
        f"(budget {BUDGET_MS} ms) {verdict}",
        result,
    )


def measure() -> list[Result]:
    """Renders both days five times each, prints a line for each and returns them."""
    folder = Path(tempfile.mkdtemp(prefix="eticket-bench-attendance-"))
    pupils = make_pupils(10_000, seed=1)
    brief = day_lists(pupils, THURSDAY, scale=0.55)
    line, first = _bench("brief's day (Thursday, half the bookings)", brief, folder / "brief.pdf")
    print(line)
    town = day_lists(make_pupils(11_722, seed=1), TUESDAY)
    line, second = _bench("reference town's Tuesday (with TAP)", town, folder / "tuesday.pdf")
    print(line)
    return [first, second]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
