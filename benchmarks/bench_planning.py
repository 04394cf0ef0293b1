"""The week grid on the reference town: opening a family's week, and toggling a cell.

Budgets (DESIGN.md): open a family's week grid (3 children × 6 activities × 5 days) < 50 ms;
toggle a cell (rules + write + counters + audit, committed) < 20 ms.
Run: `uv run python -m benchmarks.bench_planning`.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import text  # noqa: E402

from benchmarks.reference_town import summary, town_copy  # noqa: E402
from benchmarks.results import Result, timing  # noqa: E402
from eticket_desk.clock import FrozenClock  # noqa: E402
from eticket_desk.rules.cells import CellState  # noqa: E402
from eticket_desk.services.access.users import authenticate  # noqa: E402
from eticket_desk.services.bookings.planning import load_week, toggle_cell  # noqa: E402
from eticket_desk.services.core.store import Store  # noqa: E402
from eticket_desk.services.counter.wallet import NoTicketLeft  # noqa: E402
from eticket_desk.services.demo.town import DEMO_PASSWORD  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0)  # a Monday of the school year
WEEK = date(2026, 11, 30)  # the next week: canteen and garderie days still open


def big_families(store: Store, count: int = 60) -> list[uuid.UUID]:
    """Validated families with the most children (3 or 4): the heaviest grids."""
    with store.read() as session:
        rows = session.execute(
            text(
                "SELECT f.id FROM family f JOIN child c ON c.family_id = f.id "
                "WHERE f.status = 'validated' GROUP BY f.id HAVING count(*) >= 3 "
                "ORDER BY f.number LIMIT :n"
            ),
            {"n": count},
        ).scalars()
        return [uuid.UUID(value) for value in rows]


def open_cells(store: Store, actor, plan) -> Iterator[Callable[[], object]]:
    """A week's open cells with a seat left, each as its toggle (book or cancel)."""
    for child in plan.children:
        for row in child.rows:
            for cell in row.cells:
                if cell.state not in (CellState.OPEN_FREE, CellState.OPEN_BOOKED):
                    continue
                if cell.places_left is not None and cell.places_left <= 0:
                    continue
                booked = cell.state == CellState.OPEN_BOOKED
                yield partial(
                    toggle_cell,
                    store,
                    actor,
                    row.child_id,
                    row.activity_id,
                    cell.day,
                    booked=booked,
                )


def copy_of_the_town() -> Path:
    """The toggles write: they go to a copy, so the cached town stays as built."""
    return town_copy("planning")


def measure() -> list[Result]:
    """Opens the grids, toggles the cells, prints the summary lines and returns them."""
    path = copy_of_the_town()
    store = Store(path, FrozenClock(NOW))
    actor, _ = authenticate(store, "coordinatrice", DEMO_PASSWORD)
    families = big_families(store)
    with store.read() as session:
        bookings = session.execute(text("SELECT count(*) FROM booking")).scalar()

    load_week(store, actor, families[0], WEEK)  # warm the caches once, as a running desk has
    service_ms, screen_ms, plans = [], [], []
    for family_id in families:
        started = time.perf_counter()
        plans.append(load_week(store, actor, family_id, WEEK))
        service_ms.append((time.perf_counter() - started) * 1000)

    from eticket_desk.ui.app import make_application
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.planning import WeekGrid
    from eticket_desk.ui.tasks import ImmediateRunner

    app = make_application([])
    ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus())
    for family_id in families:
        started = time.perf_counter()
        grid = WeekGrid(ctx, family_id, day=WEEK)
        grid.resize(1000, 700)
        grid.show()
        app.processEvents()
        screen_ms.append((time.perf_counter() - started) * 1000)
        grid.close()
        grid.deleteLater()
    app.processEvents()

    toggle_ms = []
    for plan in plans:
        for toggle in open_cells(store, actor, plan):
            started = time.perf_counter()
            try:
                toggle()
            except NoTicketLeft:  # a prepaid day with an empty wallet: refused, as it must
                continue
            toggle_ms.append((time.perf_counter() - started) * 1000)
        if len(toggle_ms) >= 300:
            break

    cells = sum(len(r.cells) for p in plans for c in p.children for r in c.rows)
    print(f"reference town: {path} ({bookings} bookings)")
    print(
        f"{len(families)} families of 3+ children, {cells / len(plans):.0f} cells per week on average"
    )
    print(summary("open a week grid (service)", service_ms, 50))
    print(summary("open a week grid (service + widget shown)", screen_ms, 50))
    print(summary("toggle a cell (rules + write + commit)", toggle_ms, 20))
    store.close()
    detail = f"{len(families)} families of 3+ children, {cells / len(plans):.0f} cells a week"
    return [
        timing("open a week grid (service)", service_ms, 50, detail),
        timing("open a week grid (service + widget shown)", screen_ms, 50, detail),
        timing("toggle a cell (rules + write + commit)", toggle_ms, 20),
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
