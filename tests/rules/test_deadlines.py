"""The three deadline rules of the guides, at the minute around each deadline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.calendar import CalendarSet, Closure, ClosureKind, SchoolCalendar
from eticket_desk.rules.deadlines import (
    DeadlineKind,
    DeadlineRule,
    deadline_for,
    format_deadline,
    is_editable,
)

YEAR = SchoolCalendar(
    "2026-2027",
    date(2026, 9, 1),
    date(2027, 7, 2),
    (
        Closure(
            date(2026, 10, 17),
            date(2026, 11, 1),
            ClosureKind.SCHOOL_HOLIDAY,
            "Vacances de la Toussaint",
        ),
        Closure(date(2026, 11, 11), date(2026, 11, 11), ClosureKind.PUBLIC_HOLIDAY, "Armistice"),
    ),
)
CALENDAR = CalendarSet((YEAR,))
CANTINE = ActivitySpec(
    code="CANTINE",
    name="Cantine",
    weekdays=(0, 1, 3, 4),
    deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
    billing_mode=BillingMode.UNIT,
)
BUS = ActivitySpec(
    code="BUS",
    name="Bus 8h30",
    weekdays=(0, 1, 2, 3, 4),
    deadline=DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1),
    billing_mode=BillingMode.FARE,
)
TAP = ActivitySpec(
    code="TAP",
    name="TAP",
    weekdays=(1, 4),
    deadline=DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY),
    billing_mode=BillingMode.FARE,
)
MINUTE = timedelta(minutes=1)


def _open_at(activity: ActivitySpec, day: date, now: datetime) -> bool:
    return is_editable(activity.deadline_of(day, CALENDAR), now)


def test_seed_000_each_weekday_until_the_previous_open_day_before_10h():
    # Monday 21 Sept until Friday 18 at 10:00; Tuesday 22 until Monday 21; Thursday 24 until
    # Tuesday 22 (the canteen is closed on Wednesday); Friday 25 until Thursday 24.
    cases = {
        date(2026, 9, 21): datetime(2026, 9, 18, 10, 0),
        date(2026, 9, 22): datetime(2026, 9, 21, 10, 0),
        date(2026, 9, 24): datetime(2026, 9, 22, 10, 0),
        date(2026, 9, 25): datetime(2026, 9, 24, 10, 0),
    }
    for day, deadline in cases.items():
        assert CANTINE.deadline_of(day, CALENDAR) == deadline
        assert _open_at(CANTINE, day, deadline - MINUTE)  # 9:59: still possible
        assert not _open_at(CANTINE, day, deadline)  # 10:00: too late ("avant 10h")


def test_the_previous_open_day_skips_holidays_and_public_holidays():
    # Thursday 12 Nov: Wednesday is closed and Wednesday 11 is Armistice -> Tuesday 10.
    assert CANTINE.deadline_of(date(2026, 11, 12), CALENDAR) == datetime(2026, 11, 10, 10, 0)
    # Monday 2 Nov after the Toussaint holidays: the last open day before them.
    assert CANTINE.deadline_of(date(2026, 11, 2), CALENDAR) == datetime(2026, 10, 16, 10, 0)
    # The rentrée has no open day within reach: the activity's previous weekday.
    assert CANTINE.deadline_of(date(2026, 9, 1), CALENDAR) == datetime(2026, 8, 31, 10, 0)


def test_seed_003_the_whole_week_until_tuesday_noon_of_the_week_before():
    deadline = datetime(2026, 9, 22, 12, 0)
    for day in (date(2026, 9, 28) + timedelta(days=i) for i in range(5)):
        assert BUS.deadline_of(day, CALENDAR) == deadline
        assert _open_at(BUS, day, deadline - MINUTE)
        assert not _open_at(BUS, day, deadline)


def test_seed_003_tap_is_never_editable_day_by_day():
    assert TAP.deadline_of(date(2026, 9, 29), CALENDAR) is None
    assert not _open_at(TAP, date(2026, 9, 29), datetime(2026, 9, 1, 8, 0))
    assert "abonnement" in TAP.deadline.describe()


def test_deadlines_read_in_french():
    assert format_deadline(datetime(2026, 9, 18, 10, 0)) == "vendredi 18 septembre 2026 à 10:00"
    assert CANTINE.deadline.describe() == "jusqu'au jour d'ouverture précédent, avant 10h00"
    assert BUS.deadline.describe() == "jusqu'au mardi de la semaine précédente, avant 12h00"


@given(
    day=st.dates(min_value=date(2026, 9, 1), max_value=date(2027, 7, 2)),
    kind=st.sampled_from([DeadlineKind.PREVIOUS_OPEN_DAY, DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK]),
    weekday=st.integers(min_value=0, max_value=6),
    at=st.times(),
    weekdays=st.sets(st.integers(min_value=0, max_value=6), min_size=1).map(
        lambda s: tuple(sorted(s))
    ),
)
def test_a_deadline_is_always_before_its_day(day, kind, weekday, at, weekdays):
    rule = DeadlineRule(kind, at, weekday)
    deadline = deadline_for(day, rule, lambda d: d.weekday() in weekdays, weekdays)
    assert deadline is not None
    assert deadline < datetime.combine(day, time(0, 0))


def test_a_saturday_activity_runs_on_saturdays():
    saturday_club = ActivitySpec(
        code="CLUB",
        name="Club du samedi",
        weekdays=(5,),
        deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
        billing_mode=BillingMode.UNIT,
    )
    assert saturday_club.runs_on(date(2026, 9, 19), CALENDAR)
    assert saturday_club.deadline_of(date(2026, 9, 26), CALENDAR) == datetime(2026, 9, 19, 10, 0)
    assert not CANTINE.runs_on(date(2026, 9, 19), CALENDAR)
