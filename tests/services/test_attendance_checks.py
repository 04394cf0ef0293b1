"""The mairie's checks (seed 003) on a real store: bookings not consumed per family, and bus
riders beyond the fare their family paid (1 or 2 round trips a day), with their CSV."""

from __future__ import annotations

import csv
from datetime import date, datetime, time

import pytest

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import InvalidInput, PermissionDenied
from eticket_desk.rules.templates import FareOption, WeekTemplate
from eticket_desk.services.attendance.presence import PresenceChange, absence, save_presence
from eticket_desk.services.attendance.unconsumed import (
    bus_fare_excesses,
    export_fare_excesses,
    export_unconsumed,
    unconsumed_bookings,
)
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.subscriptions.data import SubscriptionDraft
from eticket_desk.services.subscriptions.forms import apply_subscription
from tests.conftest import validated_family

DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 6)]
WEEK = [date(2026, 11, 23 + i) for i in range(5)]  # Monday 23 to Friday 27 November


def _read(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file, delimiter=";"))


def test_unconsumed_bookings_per_family(
    store, admin, coordinator, agent, schools, activities, clock, tmp_path
):
    cantine = activities["CANTINE"]
    lea = validated_family(store, admin, schools).children[0]
    hugo = validated_family(store, admin, schools, last_name="Martin", child_first_name="Hugo")
    hugo = hugo.children[0]
    for child in (lea, hugo):
        for day in DAYS:
            book_day(store, admin, child.id, cantine.id, day)
    clock.current = datetime(2026, 11, 9, 9, 0)
    marks = {
        DAYS[0]: [(lea, absence(False)), (hugo, BookingState.PRESENT)],
        DAYS[1]: [(lea, absence(False)), (hugo, absence(True))],  # Hugo: certificate
        DAYS[2]: [(lea, BookingState.PRESENT), (hugo, absence(False))],
    }  # Friday 6 is never marked
    for day, changes in marks.items():
        save_presence(
            store, coordinator, cantine.id, day, [PresenceChange(c.id, s) for c, s in changes]
        )
    report = unconsumed_bookings(store, coordinator, date(2026, 11, 1), date(2026, 11, 30))
    assert [(u.child_name, u.activity_name, u.days) for u in report.lines] == [
        ("DUPONT Léa", "Cantine", (DAYS[0], DAYS[1])),
        ("MARTIN Hugo", "Cantine", (DAYS[2],)),
    ]
    assert (report.families, report.total, report.unmarked) == (2, 3, 2)
    assert report.lines[0].days_text() == "02/11, 03/11"
    rows = _read(export_unconsumed(report, tmp_path / "non-consommees.csv"))
    assert rows[0][:3] == ["Famille", "Référence", "Enfant"]
    assert rows[1][2:] == ["DUPONT Léa", "Cantine", "2", "02/11, 03/11"]
    with pytest.raises(PermissionDenied):
        unconsumed_bookings(store, agent, DAYS[0], DAYS[-1])
    with pytest.raises(InvalidInput):
        unconsumed_bookings(store, coordinator, DAYS[-1], DAYS[0])


def _trip(store, admin, code, name, weekdays):
    return save_activity(
        store,
        admin,
        ActivitySpec(
            code=code,
            name=name,
            weekdays=weekdays,
            deadline=DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1),
            billing_mode=BillingMode.FARE,
        ),
    )


def _subscribe(store, admin, child, activity, days, fare):
    draft = SubscriptionDraft(
        child.id,
        activity.id,
        WEEK[0],
        WEEK[-1],
        WeekTemplate(frozenset(days)),
        fare_option=fare,
    )
    apply_subscription(store, admin, draft)


@pytest.fixture
def four_trips(store, admin, activities):
    """Neuvecelle's four trips a day (seed 003): 8h30, 11h30, 13h30, 16h30."""
    return {
        "8h30": activities["BUS"],  # two seats
        "11h30": _trip(store, admin, "BUS_1130", "Bus 11h30", (0, 1, 2, 3, 4)),
        "13h30": _trip(store, admin, "BUS_1330", "Bus 13h30", (0, 1, 3, 4)),
        "16h30": _trip(store, admin, "BUS_1630", "Bus 16h30", (0, 1, 3, 4)),
    }


def test_bus_riders_beyond_their_fare(store, admin, coordinator, schools, four_trips, tmp_path):
    lea = validated_family(store, admin, schools).children[0]
    hugo = validated_family(store, admin, schools, last_name="Martin", child_first_name="Hugo")
    ines = validated_family(store, admin, schools, last_name="Bernard", child_first_name="Inès")
    hugo, ines = hugo.children[0], ines.children[0]
    # Léa: 1 round trip a day, morning and evening; on Monday 23 she also goes home at noon.
    _subscribe(store, admin, lea, four_trips["8h30"], {0, 1, 3, 4}, FareOption.ONE)
    _subscribe(store, admin, lea, four_trips["16h30"], {0, 1, 3, 4}, FareOption.ONE)
    book_day(store, admin, lea.id, four_trips["11h30"].id, WEEK[0])
    # Hugo: 2 round trips a day, all four trips on Monday and Tuesday: within his fare.
    for trip in four_trips.values():
        _subscribe(store, admin, hugo, trip, {0, 1}, FareOption.TWO)
    # Inès: no bus fare at all, one trip on Thursday.
    book_day(store, admin, ines.id, four_trips["11h30"].id, WEEK[3])

    excesses = bus_fare_excesses(store, coordinator, WEEK[1], WEEK[1])  # the whole week
    assert [(e.child_name, e.fare, e.trips, e.allowed, e.excess) for e in excesses] == [
        ("BERNARD Inès", FareOption.NONE, 1, 0, 1),
        ("DUPONT Léa", FareOption.ONE, 9, 8, 1),
    ]
    ines_week, lea_week = excesses
    assert lea_week.week == WEEK[0] and lea_week.fare_label == "1 aller-retour par jour"
    assert lea_week.days_text() == "lun. 23/11 : 3 trajets"
    assert ines_week.fare_label == "aucun forfait bus"
    rows = _read(export_fare_excesses(excesses, tmp_path / "forfaits.csv"))
    assert rows[0][0] == "Semaine du" and rows[2][:2] == ["23/11/2026", "DUPONT Léa"]
    assert rows[2][5:] == ["1 aller-retour par jour", "9", "8", "1", "lun. 23/11 : 3 trajets"]
    # The week before: nobody rode.
    assert bus_fare_excesses(store, coordinator, date(2026, 11, 16), date(2026, 11, 20)) == []


def test_a_family_name_written_as_a_formula_is_exported_as_text(
    store, admin, coordinator, schools, activities, clock, tmp_path
):
    cantine = activities["CANTINE"]
    attack = '=HYPERLINK("http://evil.example";"Voir")'
    lea = validated_family(store, admin, schools, last_name=attack).children[0]
    book_day(store, admin, lea.id, cantine.id, DAYS[0])
    clock.current = datetime(2026, 11, 9, 9, 0)
    save_presence(store, coordinator, cantine.id, DAYS[0], [PresenceChange(lea.id, absence(False))])
    report = unconsumed_bookings(store, coordinator, date(2026, 11, 1), date(2026, 11, 30))

    rows = _read(export_unconsumed(report, tmp_path / "non-consommees.csv"))

    family, reference, child, activity, count, days = rows[1]
    assert family.startswith("'=") and attack.upper() in child.upper()
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in rows[1])
    assert (activity, count, days) == ("Cantine", "1", "02/11")
