"""Screenshots of the calendar screen and its dialogs, for docs/screenshots and for review.

`render_calendar_screens(ctx, out_dir)` renders on any store that has a school year; run this
module to render on a small sample store: `python -m devtools.screenshots.calendar OUT`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.rules.calendar import ClosureKind
from eticket_desk.ui.calendar.calendar_screen import CalendarScreen
from eticket_desk.ui.calendar.year_dialog import YearDialog
from eticket_desk.ui.context import AppContext

SCREEN_SIZE = (1100, 700)


def _save(widget: QWidget, path: Path, size: tuple[int, int] | None = SCREEN_SIZE) -> Path:
    return grab(widget, path, size, fit=size is None, close=True)


def render_calendar_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves calendar_year.png, calendar_new_year.png and calendar_new_year_unknown.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    screen = CalendarScreen(ctx)
    screen.resize(*SCREEN_SIZE)
    screen.show()
    QApplication.processEvents()
    year = screen.selected_year()
    if year is not None:
        today = ctx.store.clock.now().date()
        coming = [c for c in year.closures if c.end >= today] or list(year.closures)
        chosen = next((c for c in coming if c.kind == ClosureKind.LOCAL), None)
        chosen = chosen or (coming[0] if coming else None)
        if chosen is not None:
            screen.select_closure(chosen.id)
    saved.append(_save(screen, out / "calendar_year.png"))

    dialog = YearDialog(ctx, screen.years(), parent=None)
    saved.append(_save(dialog, out / "calendar_new_year.png", None))
    # The first year the installed holiday data does not know: the dialog asks for the dates.
    dialog.year_spin.setValue(max(dialog.first_year(), dialog._last_known + 1))
    saved.append(_save(dialog, out / "calendar_new_year_unknown.png", None))
    dialog.deleteLater()
    screen.deleteLater()
    return saved


def sample_context(folder: Path) -> AppContext:
    """A town with the 2026-2027 school year of zone A, three activities and local closures."""
    from eticket_desk.clock import FrozenClock
    from eticket_desk.rules.activity import ActivitySpec, BillingMode
    from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
    from eticket_desk.services.access import users
    from eticket_desk.services.catalogue import calendar
    from eticket_desk.services.catalogue.activities import save_activity
    from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
    from eticket_desk.services.core.store import Store
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    store = Store(folder / "eticket.sqlite", FrozenClock(datetime(2026, 11, 16, 8, 30)))
    create_empty_town(
        store,
        FirstSetup(
            commune="Commune de Neuvecelle",
            postcode="74500",
            city="Neuvecelle",
            admin_login="amartin",
            admin_full_name="Anne Martin",
            admin_password="motdepasse1",
            schools=["École Jules Ferry", "École du Lac"],
        ),
    )
    admin, _ = users.authenticate(store, "amartin", "motdepasse1")
    before = DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0))
    for position, (code, name, weekdays, mode, ticket) in enumerate(
        (
            ("GARDERIE_MATIN", "Garderie matin", (0, 1, 2, 3, 4), BillingMode.PREPAID, "GARDERIE"),
            ("CANTINE", "Cantine", (0, 1, 3, 4), BillingMode.UNIT, ""),
            ("GARDERIE_SOIR", "Garderie soir", (0, 1, 3, 4), BillingMode.PREPAID, "GARDERIE"),
        ),
        start=1,
    ):
        spec = ActivitySpec(
            code, name, weekdays, before, mode, position=position, ticket_type=ticket
        )
        save_activity(store, admin, spec)
    calendar.create_school_year(store, admin, 2026)
    calendar.add_closure(
        store, admin, date(2026, 11, 26), date(2026, 11, 26), "Grève du restaurant", ("CANTINE",)
    )
    calendar.add_closure(
        store,
        admin,
        date(2027, 2, 8),
        date(2027, 2, 12),
        "Travaux de la salle de garderie",
        ("GARDERIE_MATIN", "GARDERIE_SOIR"),
    )
    calendar.add_closure(store, admin, date(2027, 6, 18), date(2027, 6, 18), "Fête communale")
    return AppContext(store, admin, ImmediateRunner(), ChangeBus())


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(sample_context, render_calendar_screens, "docs/screenshots/calendar", argv)


if __name__ == "__main__":
    raise SystemExit(main())
