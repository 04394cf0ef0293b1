"""Screenshots of the activities screen and its editor, for docs/screenshots and for review.

`render_activity_screens(ctx, out_dir)` renders on any store; on a store with no activity it
first creates seven like the demo town's (and the current school year if there is none, so
the editor's example has days to show). Run this module to render on a small sample store:
`python -m devtools.screenshots.activities OUT_DIR`.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.services.catalogue import activities, calendar
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.ui.activities.activities_screen import ActivitiesScreen
from eticket_desk.ui.context import AppContext

SCREEN_SIZE = (1000, 560)  # the screen's room in a 1200-pixel main window
_WEEK = (0, 1, 3, 4)  # no school on Wednesday
_DAY_BEFORE = DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0))
_EVENING_BEFORE = DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(18, 0))
_WEEK_BEFORE = DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1)
_SUBSCRIPTION = DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY)


def _save(widget: QWidget, path: Path, size: tuple[int, int] | None = SCREEN_SIZE) -> Path:
    return grab(widget, path, size, fit=size is None, close=True)


def sample_activities(ctx: AppContext) -> list[ActivitySpec]:
    """Seven activities like the demo town's: canteen, two daycares, three buses, TAP."""
    schools = list_schools(ctx.store)
    first = {schools[0].id: 30} if schools else {}
    first_small = {schools[0].id: 20} if schools else {}
    specs = [
        ActivitySpec(
            "CANTINE", "Cantine", _WEEK, _DAY_BEFORE, BillingMode.PREPAID, 180,
            ticket_type="REPAS", colour="#e11d48",
        ),
        ActivitySpec(
            "GARDERIE_MATIN", "Garderie du matin", _WEEK, _EVENING_BEFORE, BillingMode.UNIT, 40,
            first_small, colour="#f59e0b",
        ),
        ActivitySpec(
            "GARDERIE_SOIR", "Garderie du soir", _WEEK, _EVENING_BEFORE, BillingMode.UNIT, 60,
            colour="#7c3aed",
        ),
        ActivitySpec(
            "BUS_0830", "Bus 8h30", (0, 1, 2, 3, 4), _WEEK_BEFORE, BillingMode.FARE, 55,
            colour="#0891b2",
        ),
        ActivitySpec(
            "BUS_1630", "Bus 16h30", _WEEK, _WEEK_BEFORE, BillingMode.FARE, 55, colour="#0e7490",
        ),
        ActivitySpec(
            "BUS_MERCREDI", "Bus fin école", (2,), _WEEK_BEFORE, BillingMode.FARE, 55,
            colour="#155e75",
        ),
        ActivitySpec(
            "TAP", "TAP", (1, 4), _SUBSCRIPTION, BillingMode.FARE, None, first,
            levels=("CP", "CE1", "CE2", "CM1", "CM2"), colour="#16a34a", active=False,
        ),
    ]  # fmt: skip
    return [activities.save_activity(ctx.store, ctx.actor, spec) for spec in specs]


def _ensure_sample_data(ctx: AppContext) -> None:
    if activities.list_activities(ctx.store, include_inactive=True):
        return
    today = ctx.store.clock.today()
    if calendar.load_calendar(ctx.store).year_of(today) is None:
        calendar.create_school_year(
            ctx.store, ctx.actor, today.year if today.month >= 8 else today.year - 1
        )
    sample_activities(ctx)


def render_activity_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves activities.png (the table) and activity_dialog.png (a bus being edited)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _ensure_sample_data(ctx)
    saved: list[Path] = []

    screen = ActivitiesScreen(ctx)
    specs = screen.model.activities()
    bus = next(
        (s for s in specs if s.deadline.kind == DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK),
        specs[0] if specs else None,
    )
    if bus is not None:
        screen.select_activity(bus.id)
    saved.append(_save(screen, out / "activities.png"))

    dialog = screen.open_activity_dialog(bus)
    saved.append(_save(dialog, out / "activity_dialog.png", None))
    screen.deleteLater()
    return saved


def main(argv: list[str] | None = None) -> int:
    from devtools.screenshots.admin import sample_context

    return run_on_sample(sample_context, render_activity_screens, "docs/screenshots", argv)


if __name__ == "__main__":
    raise SystemExit(main())
