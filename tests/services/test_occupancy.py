"""The occupancy report counts what was booked, per activity and day, on a real store."""

from __future__ import annotations

from datetime import date

import pytest

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import BookingRefused
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import InvalidInput, PermissionDenied
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.bookings.occupancy import occupancy_report
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.calendar import create_school_year
from eticket_desk.services.families.dossiers import save_family, validate_family
from tests.conftest import complete_family

THURSDAY = date(2026, 9, 17)
FRIDAY = date(2026, 9, 18)
TOUSSAINT_MONDAY = date(2026, 10, 19)
NAMES = ("Léa", "Hugo", "Inès", "Noah", "Jade")


def make_activity(store, admin, code, name, capacity, *, weekdays=(0, 1, 3, 4), **extra):
    spec = ActivitySpec(
        code=code,
        name=name,
        weekdays=weekdays,
        deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY),
        billing_mode=BillingMode.UNIT,
        capacity=capacity,
        **extra,
    )
    return save_activity(store, admin, spec)


def make_children(store, admin, schools, count, *, school_index=0):
    """`count` children of validated families at the given school; returns their ids."""
    ordered = [schools[school_index]] + [s for i, s in enumerate(schools) if i != school_index]
    ids = []
    for n in range(count):
        data = complete_family(
            ordered, last_name=f"Famille{school_index}x{n}", child_first_name=NAMES[n % 5]
        )
        saved = save_family(store, admin, data)
        assert validate_family(store, admin, saved.id) == []
        ids.append(saved.children[0].id)
    return ids


def book(store, admin, child_id, activity, day):
    """Books the day; a full activity puts the child on its waiting list."""
    try:
        return book_day(store, admin, child_id, activity.id, day)
    except BookingRefused:
        return book_day(store, admin, child_id, activity.id, day, waiting_list=True)


@pytest.fixture
def town(store, admin, schools):
    create_school_year(store, admin, 2026)
    bus = make_activity(store, admin, "BUS_MATIN", "Bus 8h30", 2, colour="#16a34a")
    canteen = make_activity(store, admin, "CANTINE", "Cantine", 250, colour="#dc2626")
    children = make_children(store, admin, schools, 3)
    return bus, canteen, children


def test_booked_waiting_capacity_and_full_day_are_what_was_booked(store, admin, town):
    bus, canteen, children = town
    for child in children:
        book(store, admin, child, bus, THURSDAY)
    book(store, admin, children[0], bus, FRIDAY)
    book(store, admin, children[1], canteen, THURSDAY)

    report = occupancy_report(store, admin, date(2026, 9, 14), date(2026, 9, 18))

    assert [a.name for a in report.activities] == ["Bus 8h30", "Cantine"]
    bus_row = report.activity(bus.id)
    assert bus_row.capacity == 2
    assert bus_row.colour == "#16a34a"
    thursday = bus_row.on(THURSDAY)
    assert (thursday.booked, thursday.waiting, thursday.capacity) == (2, 1, 2)
    assert thursday.full and thursday.rate == 1.0
    friday = bus_row.on(FRIDAY)
    assert (friday.booked, friday.waiting, friday.full, friday.rate) == (1, 0, False, 0.5)
    assert bus_row.totals.open_days == 4  # no bus on Wednesday
    assert (bus_row.totals.booked, bus_row.totals.max_booked) == (3, 2)
    assert bus_row.totals.full_days == 1
    assert bus_row.totals.average == pytest.approx(0.75)
    cantine_thursday = report.activity(canteen.id).on(THURSDAY)
    assert (cantine_thursday.booked, cantine_thursday.capacity) == (1, 250)
    assert not cantine_thursday.full


def test_a_cancelled_seat_goes_to_the_waiting_child_and_the_counts_follow(store, admin, town):
    bus, _, children = town
    for child in children:
        book(store, admin, child, bus, THURSDAY)
    cancel_booking(store, admin, children[0], bus.id, THURSDAY)

    day = occupancy_report(store, admin, THURSDAY, THURSDAY).activity(bus.id).on(THURSDAY)

    assert (day.booked, day.waiting, day.full) == (2, 0, True)


def test_closed_days_carry_their_french_reason(store, admin, town):
    bus, _, _ = town

    report = occupancy_report(store, admin, date(2026, 9, 16), TOUSSAINT_MONDAY, [bus.id])

    bus_row = report.activity(bus.id)
    assert bus_row.on(TOUSSAINT_MONDAY).closed_reason == "Vacances de la Toussaint"
    assert bus_row.on(date(2026, 9, 16)).closed_reason == "Bus 8h30 n'a pas lieu le mercredi"
    assert not bus_row.on(date(2026, 9, 16)).scheduled
    assert bus_row.on(TOUSSAINT_MONDAY).scheduled
    assert bus_row.on(date(2026, 9, 19)).closed_reason == "Bus 8h30 n'a pas lieu le samedi"
    assert bus_row.on(THURSDAY).closed_reason is None
    assert [a.name for a in report.activities] == ["Bus 8h30"]


def test_a_school_is_counted_against_its_own_capacity(store, admin, schools):
    create_school_year(store, admin, 2026)
    lac, ferry = schools[0], schools[1]
    garderie = make_activity(
        store,
        admin,
        "GARDERIE",
        "Garderie soir",
        None,
        school_capacities={lac.id: 1, ferry.id: 5},
    )
    at_lac = make_children(store, admin, schools, 2, school_index=0)
    at_ferry = make_children(store, admin, schools, 1, school_index=1)
    for child in at_lac + at_ferry:
        book(store, admin, child, garderie, THURSDAY)

    whole = occupancy_report(store, admin, THURSDAY, THURSDAY).activity(garderie.id)
    lac_only = occupancy_report(store, admin, THURSDAY, THURSDAY, school_id=lac.id)
    ferry_only = occupancy_report(store, admin, THURSDAY, THURSDAY, school_id=ferry.id)

    assert (whole.capacity, whole.on(THURSDAY).booked, whole.on(THURSDAY).waiting) == (6, 2, 1)
    lac_day = lac_only.activity(garderie.id).on(THURSDAY)
    assert (lac_day.booked, lac_day.waiting, lac_day.capacity, lac_day.full) == (1, 1, 1, True)
    ferry_day = ferry_only.activity(garderie.id).on(THURSDAY)
    assert (ferry_day.booked, ferry_day.waiting, ferry_day.capacity) == (1, 0, 5)
    assert not ferry_day.full


def test_the_agent_may_not_see_the_occupancy(store, agent, town):
    with pytest.raises(PermissionDenied) as refused:
        occupancy_report(store, agent, THURSDAY, FRIDAY)
    assert "imprimer les listes et les effectifs" in refused.value.message


def test_the_coordinator_sees_it_and_a_reversed_period_is_refused(store, coordinator, town):
    assert occupancy_report(store, coordinator, THURSDAY, FRIDAY).days == (THURSDAY, FRIDAY)
    with pytest.raises(InvalidInput) as refused:
        occupancy_report(store, coordinator, FRIDAY, THURSDAY)
    assert refused.value.message == "La fin de la période doit venir après son début."
