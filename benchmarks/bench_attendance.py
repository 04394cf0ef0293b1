"""All the attendance lists of one day on the reference town, from the bookings to the PDF.

Budget (DESIGN.md): attendance lists of one day, all activities, PDF < 2 s — the queries,
the rows, the rendering and the audit line of the health data, as the coordinator's button
and `eticket-desk attendance` run them. Two days: Tuesday 24 November 2026 (six activities
with TAP, ≈ 12,300 rows) and Thursday 26 (five, ≈ 10,100 rows).
Run: `uv run python -m benchmarks.bench_attendance`.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from benchmarks.reference_town import summary, town_copy
from benchmarks.results import Result, timing
from eticket_desk.clock import FrozenClock
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.attendance.lists import attendance_lists, print_attendance
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD

BUDGET_MS = 2000
DAYS = {"Tuesday 24/11 (with TAP)": date(2026, 11, 24), "Thursday 26/11": date(2026, 11, 26)}
RUNS = 5


def measure() -> list[Result]:
    """Prints each day's lists RUNS times, prints the summaries and returns them."""
    results = []
    copy = town_copy("attendance")
    folder = copy.parent
    store = Store(copy, FrozenClock(datetime(2026, 11, 23, 16, 30)))
    coordinator, _ = authenticate(store, "coordinatrice", DEMO_PASSWORD)
    for name, day in DAYS.items():
        lists = attendance_lists(store, coordinator, day)
        rows = sum(len(g.rows) for data in lists for g in data.groups)
        millis = []
        for run in range(RUNS):
            started = time.perf_counter()
            print_attendance(store, coordinator, day, folder / f"{day}-{run}.pdf")
            millis.append((time.perf_counter() - started) * 1000)
        operation = f"{name}: {len(lists)} lists, {rows} children, one PDF"
        print(summary(operation, millis, BUDGET_MS))
        results.append(timing(operation, millis, BUDGET_MS))
    print(f"reference town copy: {copy}")
    store.close()
    return results


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
