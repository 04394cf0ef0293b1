"""Screenshots of « Listes et présences », for docs/screenshots and for review.

`render_attendance_screens(ctx, out_dir)` renders on any store with bookings (the demo town):
it first marks the presence of the canteen's past days (a few children absent, some with a
medical certificate) and books one bus trip beyond a fare, as the coordinator would have, so
that every tab shows what it is for. Run this module to render on a fresh demo town:
`python -m devtools.screenshots.attendance OUT`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.attendance.presence import (
    PresenceChange,
    absence,
    presence_sheet,
    save_presence,
)
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.ui.attendance.attendance_screen import AttendanceScreen
from eticket_desk.ui.attendance.presence_model import Column
from eticket_desk.ui.context import AppContext

SCREEN_SIZE = (1100, 700)


def _marks(rng: random.Random, count: int) -> list[BookingState]:
    """Most children came; about one in twenty was absent, a third of them with a certificate."""
    marks = []
    for _ in range(count):
        draw = rng.random()
        if draw < 0.035:
            marks.append(absence(False))
        elif draw < 0.05:
            marks.append(absence(True))
        else:
            marks.append(BookingState.PRESENT)
    return marks


def _extra_trip(store, actor, canteen_id, buses, day: date, skip: int) -> None:
    """A child with no bus fare on a bus trip, booked late by the coordinator."""
    riders = {r.child_id for b in buses for r in presence_sheet(store, actor, b.id, day).rows}
    walkers = [
        r for r in presence_sheet(store, actor, canteen_id, day).rows if r.child_id not in riders
    ]
    if len(walkers) <= skip:
        return
    walker = walkers[len(walkers) // 3 * skip]
    for bus in buses:
        try:
            book_day(
                store, actor, walker.child_id, bus.id, day,
                override_reason="Sortie exceptionnelle : rentrée en bus chez sa grand-mère",
            )  # fmt: skip
            return
        except DomainError:
            continue  # that trip is full or does not run that day


def stage(ctx: AppContext) -> date:
    """Marks the canteen's days since the start of the month (before today) and books a bus
    trip for a child with no bus fare; returns the last day marked."""
    store, actor = ctx.store, ctx.actor
    today = store.clock.today()
    activities = {a.code: a for a in list_activities(store)}
    canteen = activities["CANTINE"]
    rng = random.Random(11)
    marked = today
    day = today.replace(day=1)
    while day < today:
        sheet = presence_sheet(store, actor, canteen.id, day)
        if sheet.rows:
            states = _marks(rng, len(sheet.rows))
            changes = [
                PresenceChange(r.child_id, s) for r, s in zip(sheet.rows, states, strict=True)
            ]
            save_presence(store, actor, canteen.id, day, changes)
            marked = day
        day += timedelta(days=1)
    buses = [a for code, a in activities.items() if code.startswith("BUS")]
    for back in range(3):  # three children ride a bus without a fare, days before
        _extra_trip(store, actor, canteen.id, buses, marked - timedelta(days=back), back)
    return marked


def render_attendance_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves attendance_screen.png (the canteen's list of the last day marked), presence.png
    (today's morning garderie being marked from the keyboard), attendance_meals.png,
    attendance_unconsumed.png and attendance_bus_fares.png into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    marked = stage(ctx)
    screen = AttendanceScreen(ctx)
    screen.go_to(marked)
    screen.select_activity("Cantine")
    tab = screen.presence_tab
    model = tab.model
    absent = next((r for r in range(model.rowCount()) if model.state(r) != BookingState.PRESENT), 0)
    tab.table.setCurrentIndex(model.index(absent, Column.MARK))
    tab.table.scrollTo(model.index(min(absent + 8, model.rowCount() - 1), Column.MARK))
    tab.table.setFocus()
    saved = [grab(screen, out / "attendance_screen.png", SCREEN_SIZE)]

    screen.go_to(ctx.store.clock.today())
    screen.select_activity("Garderie matin")
    tab.focus_table()
    for key in (Qt.Key.Key_P, Qt.Key.Key_P, Qt.Key.Key_A, Qt.Key.Key_P, Qt.Key.Key_C):
        QTest.keyClick(tab.table, key)
    saved.append(grab(screen, out / "presence.png", SCREEN_SIZE))
    model.set_sheet(model.sheet)  # the typed marks are dropped, not saved
    screen.select_activity("Cantine")

    screen.tabs.setCurrentWidget(screen.meals_tab)  # this week: the days to come provisional
    screen.meals_tab.table.setFocus()
    saved.append(grab(screen, out / "attendance_meals.png", SCREEN_SIZE))
    screen.go_to(marked)
    for widget, name in (
        (screen.unconsumed_tab, "attendance_unconsumed.png"),
        (screen.bus_tab, "attendance_bus_fares.png"),
    ):
        screen.tabs.setCurrentWidget(widget)
        widget.table.setFocus()
        saved.append(grab(screen, out / name, SCREEN_SIZE))
    screen.close()
    screen.deleteLater()
    return saved


def sample_context(folder: Path) -> AppContext:
    """The demo town (300 families) on Monday 14 September 2026 at 16:30, the coordinator
    logged in."""
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 14, 9, 30))
    build_demo_town(folder / "demo.sqlite", DemoOptions(families=300, seed=1), clock=clock)
    store = Store(folder / "demo.sqlite", clock)
    clock.current = datetime(2026, 9, 14, 16, 30)
    actor, _ = authenticate(store, "coordinatrice", DEMO_PASSWORD)
    return AppContext(store, actor, ImmediateRunner(), ChangeBus())


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(sample_context, render_attendance_screens, "docs/screenshots", argv)


if __name__ == "__main__":
    raise SystemExit(main())
