"""Paper forms: templates over a year with holidays, term boundaries, idempotent apply,
later changes that touch only the days still open, full days on the waiting list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from eticket_desk.models import AuditEntry, Booking, Occupancy, Subscription
from eticket_desk.rules.booking import BookingRefused, RefusalCode
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.templates import Parity, WeekTemplate
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.bookings.seat_counters import rebuild_occupancy
from eticket_desk.services.bookings.week_template import apply_week_template, preview_week_template
from eticket_desk.services.catalogue.calendar import list_school_years
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.subscriptions.forms import (
    SubscriptionDraft,
    apply_subscription,
    apply_subscriptions,
    list_subscriptions,
    preview_subscription,
)
from tests.conftest import complete_family, validated_family

YEAR = (date(2026, 9, 1), date(2027, 7, 2))
CANTINE_DAYS = frozenset({0, 1, 3, 4})


@pytest.fixture
def lea(store, admin, schools, activities):
    return validated_family(store, admin, schools).children[0]


def _booked(store, child_id, activity_id, start=YEAR[0], end=YEAR[1]) -> list[date]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Booking.day)
                .where(
                    Booking.child_id == child_id,
                    Booking.activity_id == activity_id,
                    Booking.day.between(start, end),
                    Booking.state == "booked",
                )
                .order_by(Booking.day)
            )
        )


def _draft(child, activity, template, start=YEAR[0], end=YEAR[1]) -> SubscriptionDraft:
    return SubscriptionDraft(child.id, activity.id, start, end, template)


def test_a_year_of_canteen_skips_holidays_and_past_deadlines(store, admin, lea, activities):
    cantine = activities["CANTINE"]
    preview = preview_subscription(store, admin, _draft(lea, cantine, WeekTemplate(CANTINE_DAYS)))
    closed = dict(preview.closed)
    assert closed[date(2026, 10, 19)] == "Vacances de la Toussaint"
    assert closed[date(2027, 3, 29)] == "Lundi de Pâques"
    assert closed[date(2027, 5, 6)] == "Pont de l'Ascension"
    # Now is Monday 14 Sept 9:30: up to Monday 14 the deadlines have passed, Tuesday 15's
    # (Monday 14 at 10:00) has not.
    assert preview.locked[-1] == date(2026, 9, 14) and preview.to_book[0] == date(2026, 9, 15)
    assert not set(preview.to_book) & set(closed)
    assert all(d.weekday() in CANTINE_DAYS for d in preview.to_book)
    assert preview.summary().startswith(f"Cantine : {len(preview.to_book)} jour(s) à réserver")
    with store.read() as session:  # a preview writes nothing
        assert session.scalar(select(func.count()).select_from(Booking)) == 0


def test_applying_twice_changes_nothing(store, admin, lea, activities):
    draft = _draft(lea, activities["CANTINE"], WeekTemplate(CANTINE_DAYS))
    first = apply_subscription(store, admin, draft)
    booked = _booked(store, lea.id, activities["CANTINE"].id)
    assert booked == list(first.to_book) and len(booked) > 100
    second = apply_subscription(store, admin, draft)
    assert second.changes == 0 and second.already == first.to_book
    assert _booked(store, lea.id, activities["CANTINE"].id) == booked
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 1
        lines = session.scalars(
            select(AuditEntry.summary).where(AuditEntry.action == "subscription")
        ).all()
    assert lines[0].startswith("Inscription Léa Dupont — Cantine du 01/09/2026 au 02/07/2027")


def test_even_weeks_across_the_year_and_a_term_boundary(store, admin, lea, activities):
    cantine = activities["CANTINE"]
    periods = list_school_years(store)[0].periods
    second = next(p for p in periods if p.name == "Période 2")  # 02/11 → 18/12
    template = WeekTemplate(frozenset({3}), Parity.EVEN)
    preview = apply_subscription(
        store, admin, _draft(lea, cantine, template, second.start, second.end)
    )
    # Thursdays of even ISO weeks in Période 2: weeks 46, 48, 50 (12 Nov, 26 Nov, 10 Dec).
    assert list(preview.to_book) == [date(2026, 11, 12), date(2026, 11, 26), date(2026, 12, 10)]
    assert _booked(store, lea.id, cantine.id) == list(preview.to_book)
    # Nothing spills over the boundary into the holidays or the next period.
    assert _booked(store, lea.id, cantine.id, second.end + timedelta(days=1)) == []


def test_changing_the_template_touches_only_open_days_the_template_booked(
    store, admin, lea, activities, clock
):
    cantine = activities["CANTINE"]
    apply_subscription(store, admin, _draft(lea, cantine, WeekTemplate(CANTINE_DAYS)))
    # The agent adds a Wednesday-free extra day by hand: not the template's.
    clock.advance(days=16)  # Wednesday 30 Sept 9:30
    booked_before = _booked(store, lea.id, cantine.id)
    changed = apply_subscription(
        store, admin, _draft(lea, cantine, WeekTemplate(frozenset({0, 3})))
    )
    after = _booked(store, lea.id, cantine.id)
    # Past and locked days (until Thursday 1 Oct, deadline Tuesday 29 at 10:00) keep their
    # Tuesdays and Fridays; from Friday 2 Oct on only Mondays and Thursdays remain.
    assert [d for d in after if d <= date(2026, 10, 1)] == [
        d for d in booked_before if d <= date(2026, 10, 1)
    ]
    assert date(2026, 9, 29) in after  # a locked Tuesday stays
    assert all(d.weekday() in (0, 3) for d in after if d >= date(2026, 10, 2))
    assert changed.to_cancel[0] == date(2026, 10, 2)
    assert [s.template.weekdays for s in list_subscriptions(store, admin, lea.id)] == [{0, 3}]


def test_a_hand_booking_survives_a_template_change(store, admin, lea, activities):
    cantine = activities["CANTINE"]
    start, end = date(2026, 9, 21), date(2026, 10, 16)
    apply_subscription(store, admin, _draft(lea, cantine, WeekTemplate(frozenset({0})), start, end))
    book_day(store, admin, lea.id, cantine.id, date(2026, 9, 25))  # an extra Friday at the desk
    apply_subscription(store, admin, _draft(lea, cantine, WeekTemplate(frozenset({1})), start, end))
    booked = _booked(store, lea.id, cantine.id)
    assert date(2026, 9, 25) in booked
    assert not any(d.weekday() == 0 for d in booked)


def test_full_days_go_on_the_waiting_list_and_counters_match(store, admin, schools, activities):
    bus = activities["BUS"]
    week = (date(2026, 9, 21), date(2026, 9, 25))
    kids = [
        validated_family(store, admin, schools, last_name=n).children[0]
        for n in ("Aubert", "Blanc", "Caron")
    ]
    drafts = [_draft(k, bus, WeekTemplate(frozenset(range(5))), *week) for k in kids]
    assert apply_subscriptions(store, admin, drafts, chunk=2) == 10
    third = preview_subscription(store, admin, drafts[2])
    assert third.changes == 0 and len(third.already) == 5
    with store.read() as session:
        waiting = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.state == "waiting")
        )
        counters = sorted(
            session.execute(select(Occupancy.day, Occupancy.booked, Occupancy.waiting))
        )
    assert waiting == 5
    assert {(b, w) for _, b, w in counters} == {(2, 1)}
    with store.write(admin) as session:
        rebuild_occupancy(session)
    with store.read() as session:
        assert (
            sorted(session.execute(select(Occupancy.day, Occupancy.booked, Occupancy.waiting)))
            == counters
        )


def test_refusals_and_overlaps(store, admin, schools, lea, activities):
    draft_family = save_family(store, admin, complete_family(schools, last_name="Martin"))
    with pytest.raises(BookingRefused) as refused:
        apply_subscription(
            store,
            admin,
            _draft(draft_family.children[0], activities["CANTINE"], WeekTemplate(CANTINE_DAYS)),
        )
    assert refused.value.code == RefusalCode.DOSSIER_NOT_VALIDATED
    apply_subscription(store, admin, _draft(lea, activities["CANTINE"], WeekTemplate(CANTINE_DAYS)))
    with pytest.raises(InvalidInput, match="couvre déjà la période"):
        apply_subscription(
            store,
            admin,
            _draft(
                lea, activities["CANTINE"], WeekTemplate(CANTINE_DAYS), date(2026, 11, 2), YEAR[1]
            ),
        )


def test_the_week_shown_becomes_the_template_of_the_following_weeks(store, admin, lea, activities):
    cantine = activities["CANTINE"]
    apply_subscription(store, admin, _draft(lea, cantine, WeekTemplate(CANTINE_DAYS)))
    # This week (21 Sept) Léa keeps only Monday and Thursday.
    from eticket_desk.services.bookings.booking import cancel_booking

    for day in (date(2026, 9, 22), date(2026, 9, 25)):
        cancel_booking(store, admin, lea.id, cantine.id, day)
    preview = preview_week_template(store, admin, lea.id, cantine.id, date(2026, 9, 21))
    assert preview.start == date(2026, 9, 28) and preview.end == date(2026, 10, 16)
    assert preview.to_cancel[:2] == (date(2026, 9, 29), date(2026, 10, 2))
    apply_week_template(store, admin, lea.id, cantine.id, date(2026, 9, 21))
    booked = _booked(store, lea.id, cantine.id, date(2026, 9, 28), date(2026, 10, 16))
    assert {d.weekday() for d in booked} == {0, 3}
    # The following period keeps the paper form's days.
    assert date(2026, 11, 3) in _booked(store, lea.id, cantine.id)
    with pytest.raises(InvalidInput, match="dernière"):
        preview_week_template(store, admin, lea.id, cantine.id, date(2026, 10, 12))
