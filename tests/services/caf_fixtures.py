"""A morning garderie counted for the CAF (7:30–8:30, Wednesday capped at 45 minutes) and
children booked on it, for the CAF / MSA hours tests."""

from __future__ import annotations

from datetime import date, time

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.families.funder import save_funder
from tests.conftest import set_state_in_test, validated_family

# Monday 2 to Friday 6 November 2026 and Wednesday 4 (the Wednesday cap).
MON, TUE, WED, THU = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 5)


def morning_garderie(store, admin, *, cap: int | None = 45):
    return save_activity(
        store,
        admin,
        ActivitySpec(
            code="MATIN",
            name="Garderie matin",
            weekdays=(0, 1, 2, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.UNIT,
            caf_counted=True,
            caf_slot=(time(7, 30), time(8, 30)),
            caf_wednesday_cap=cap,
        ),
    )


def booked_child(store, admin, schools, activity, days, *, last_name="Dupont", regime="caf"):
    family = validated_family(store, admin, schools, last_name=last_name)
    save_funder(store, admin, family.id, regime, "1234567" if regime else "")
    child = family.children[0]
    for day in days:
        book_day(store, admin, child.id, activity.id, day)
    return child


def mark(store, admin, child, days, state=BookingState.PRESENT):
    for day in days:
        set_state_in_test(store, admin, child.id, day, state)
