"""Screenshots of the occupancy view (week and month), for docs/screenshots and for review.

`render_occupancy_screens(ctx, out_dir)` renders on any store (the demo town); run this
module to render on a small sample town: `python -m devtools.screenshots.occupancy OUT`.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.occupancy.occupancy_screen import OccupancyScreen
from eticket_desk.ui.occupancy.period import PeriodMode

SCREEN_SIZE = (1100, 700)


def _save(widget: QWidget, path: Path) -> Path:
    return grab(widget, path, SCREEN_SIZE)


def render_occupancy_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves occupancy_week.png and occupancy_month.png (the period of today) into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    screen = OccupancyScreen(ctx)
    saved = [_save(screen, out / "occupancy_week.png")]
    screen.set_mode(PeriodMode.MONTH)
    saved.append(_save(screen, out / "occupancy_month.png"))
    screen.close()
    screen.deleteLater()
    return saved


# ---------------------------------------------------------------- sample town

FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Inès",
    "Noah",
    "Jade",
    "Louis",
    "Chloé",
    "Jules",
    "Manon",
    "Gabin",
)
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand")
# code, name, capacity, weekdays, colour, share of children who come on a busy day
ACTIVITIES = (
    ("CANTINE", "Cantine", 26, (0, 1, 3, 4), "#dc2626", 0.8),
    ("GARDERIE_MATIN", "Garderie matin", 12, (0, 1, 2, 3, 4), "#2563eb", 0.35),
    ("GARDERIE_SOIR", "Garderie soir", 14, (0, 1, 3, 4), "#9333ea", 0.45),
    ("BUS_MATIN", "Bus 8h30", 8, (0, 1, 3, 4), "#16a34a", 0.3),
)


def _family(schools, n: int, rng: random.Random):
    from eticket_desk.services.families.data import AdultData, ChildData, FamilyData

    school = schools[n % len(schools)]
    klass = rng.choice(school.classes)
    last = LAST_NAMES[n % len(LAST_NAMES)]
    return FamilyData(
        adults=[
            AdultData(
                last_name=last,
                first_name="Claire",
                relation="Mère",
                phone_mobile="06 12 34 56 78",
                address1="3 rue du Lac",
                postcode="74500",
                city="Neuvecelle",
                legal_guardian=True,
                billing=True,
                emergency_contact=True,
                may_pick_up=True,
            )
        ],
        children=[
            ChildData(
                last_name=last,
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                birth_date=date(2018, 1 + n % 12, 1 + n % 28),
                school_id=school.id,
                class_id=klass.id,
            )
        ],
    )


def sample_context(folder: Path) -> AppContext:
    """Two schools, 32 children, four activities, bookings of early October 2026 (the
    Toussaint holidays follow), some days full with a waiting list."""
    from eticket_desk.clock import FrozenClock
    from eticket_desk.rules.activity import ActivitySpec, BillingMode
    from eticket_desk.rules.booking import BookingRefused, RefusalCode
    from eticket_desk.rules.calendar import days_between
    from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
    from eticket_desk.services.access import users
    from eticket_desk.services.bookings.booking import book_day
    from eticket_desk.services.catalogue.activities import save_activity
    from eticket_desk.services.catalogue.calendar import create_school_year, load_calendar
    from eticket_desk.services.catalogue.organisation import list_schools
    from eticket_desk.services.catalogue.setup import FirstSetup, create_empty_town
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.families.dossiers import save_family, validate_family
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 24, 8, 30))  # bookings made before their deadlines
    store = Store(folder / "eticket.sqlite", clock)
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
    create_school_year(store, admin, 2026)
    activities = [
        save_activity(
            store,
            admin,
            ActivitySpec(
                code=code,
                name=name,
                weekdays=weekdays,
                deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY),
                billing_mode=BillingMode.UNIT,
                capacity=capacity,
                colour=colour,
            ),
        )
        for code, name, capacity, weekdays, colour, _ in ACTIVITIES
    ]
    rng = random.Random(2026)
    schools = list_schools(store)
    children = []
    for n in range(32):
        saved = save_family(store, admin, _family(schools, n, rng))
        validate_family(store, admin, saved.id)
        children.append(saved.children[0].id)
    calendar = load_calendar(store)
    for day in days_between(date(2026, 9, 28), date(2026, 10, 16)):
        busy = 1.15 if day.weekday() in (0, 3) else 0.8  # Mondays and Thursdays fill up
        for activity, (*_, share) in zip(activities, ACTIVITIES, strict=True):
            if not activity.runs_on(day, calendar):
                continue
            for child in children:
                if rng.random() >= share * busy:
                    continue
                try:
                    book_day(store, admin, child, activity.id, day)
                except BookingRefused as refused:
                    if refused.code == RefusalCode.CAPACITY_FULL and rng.random() < 0.5:
                        book_day(
                            store,
                            admin,
                            child,
                            activity.id,
                            day,
                            waiting_list=True,
                        )
    clock.current = datetime(2026, 10, 5, 8, 30)
    return AppContext(store, admin, ImmediateRunner(), ChangeBus())


def main(argv: list[str] | None = None) -> int:
    return run_on_sample(
        sample_context, render_occupancy_screens, "docs/screenshots/occupancy", argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
