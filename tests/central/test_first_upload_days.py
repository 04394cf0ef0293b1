"""A desk's first upload of its bookings (ops/first_upload.py): days the server does not hold
are written at once, their seats counted; days it holds already (a second desk's first
upload) or a day asked twice in a run go the careful way, each day's last word kept."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from eticket_central.models import ActivityDay, Booking, ChangeLog
from eticket_desk.rules.form_days import DaySet
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import a_child

MONDAY = date(2026, 11, 23)
# The canteen's days (Mon, Tue, Thu, Fri) for three weeks, but Tuesday 1 December.
TERMS = {
    "start": "2026-11-23",
    "end": "2026-12-11",
    "weekdays": "0134",
    "parity": "all",
    "added": [],
    "removed": ["2026-12-01"],
}
FORM_DAYS = DaySet.from_json(TERMS).days()


def _initial(desk, child_id, activity_id, **days):
    return desk.op(
        OpType.BOOKINGS_APPLY,
        child_id=str(child_id),
        activity_id=str(activity_id),
        initial=True,
        label="Réservations déjà faites à ce poste",
        **days,
    )


def _days(db, activity_id, child_id) -> dict[date, str]:
    db.expire_all()
    rows = db.execute(
        select(Booking.day, Booking.state).where(
            Booking.activity_id == activity_id, Booking.child_id == child_id
        )
    )
    return dict(rows.all())


def _seats(db, activity_id, day: date) -> tuple[int, int]:
    db.expire_all()
    row = db.get(ActivityDay, (activity_id, day))
    return (row.booked, row.waiting) if row else (0, 0)


def _form_changes(db, child_id) -> list[dict]:
    db.expire_all()
    query = select(ChangeLog.data).where(
        ChangeLog.entity == "booking_days", ChangeLog.entity_id.endswith(str(child_id))
    )
    return list(db.scalars(query.order_by(ChangeLog.seq)))


def test_new_days_are_written_as_they_are_with_their_seats_and_one_change_per_op(
    desk, db, planning
):
    lea, hugo = a_child(desk, "Léa"), a_child(desk, "Hugo")
    waiting = [MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)]
    answers = desk.push(
        _initial(desk, lea, planning, book_terms=TERMS),
        _initial(desk, hugo, planning, wait=[d.isoformat() for d in waiting]),
    )
    assert [a["result"]["changed"] for a in answers] == [len(FORM_DAYS), 2] == [11, 2]
    assert _days(db, planning, lea) == dict.fromkeys(FORM_DAYS, "booked")
    assert _days(db, planning, hugo) == dict.fromkeys(waiting, "waiting")
    # Facts: a seat counted per day held (one seat a day here: Thursday holds Léa and
    # Hugo waits), never refused.
    assert _seats(db, planning, MONDAY) == (1, 0)
    assert _seats(db, planning, MONDAY + timedelta(days=3)) == (1, 1)
    assert _seats(db, planning, date(2026, 12, 1)) == (0, 0)
    # One change per op: Léa's days as the form's terms (never one per day).
    (change,) = _form_changes(db, lea)
    assert change["days"] == {"booked": DaySet.from_json(TERMS).to_json()}
    assert DaySet.from_json(change["days"]["booked"]).days() == FORM_DAYS
    (change,) = _form_changes(db, hugo)
    assert DaySet.from_json(change["days"]["waiting"]).days() == waiting


def test_a_second_desks_first_upload_changes_only_what_differs(commune, desk, db, planning):
    lea = a_child(desk, "Léa")
    assert desk.push(_initial(desk, lea, planning, book_terms=TERMS))[0]["status"] == "applied"
    # The second desk holds the same days, Monday 7 December on the waiting list instead.
    other = commune.desk("Périscolaire")
    moved = date(2026, 12, 7)
    terms = {**TERMS, "removed": [*TERMS["removed"], moved.isoformat()]}
    answer = other.push(_initial(other, lea, planning, book_terms=terms, wait=[moved.isoformat()]))[
        0
    ]
    assert answer["result"]["changed"] == 1
    assert _days(db, planning, lea) == {**dict.fromkeys(FORM_DAYS, "booked"), moved: "waiting"}
    # Seats not counted twice: the day moved from a seat to the waiting list.
    assert _seats(db, planning, MONDAY) == (1, 0)
    assert _seats(db, planning, moved) == (0, 1)
    first, second = _form_changes(db, lea)
    assert list(second["days"]) == ["waiting"]
    assert DaySet.from_json(second["days"]["waiting"]).days() == [moved]


def test_a_day_asked_twice_in_a_run_keeps_its_last_word(desk, db, planning):
    lea = a_child(desk, "Léa")
    friday = date(2026, 11, 27)
    answers = desk.push(
        _initial(desk, lea, planning, book_terms=TERMS),
        _initial(desk, lea, planning, cancel=[friday.isoformat()]),
    )
    assert [a["result"]["changed"] for a in answers] == [11, 1]
    assert _days(db, planning, lea) == {**dict.fromkeys(FORM_DAYS, "booked"), friday: "cancelled"}
    assert _seats(db, planning, friday) == (0, 0)
    assert _seats(db, planning, MONDAY) == (1, 0)


def test_a_terms_template_the_server_expands_as_the_desk_does(desk, db, planning):
    """Even ISO weeks only: the server's days are the desk's, from the same rules."""
    lea = a_child(desk, "Léa")
    terms = {**TERMS, "parity": "even", "removed": []}
    desk.push(_initial(desk, lea, planning, book_terms=terms))
    template = WeekTemplate.parse("0134", "even")
    expected = list(template.days_of(MONDAY, date(2026, 12, 11)))
    assert sorted(_days(db, planning, lea)) == expected
    assert all(day.isocalendar().week % 2 == 0 for day in expected)
