"""Booking services on a real SQLite file: refusals, overrides, waiting list, races, hooks."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eticket_desk.models import AuditEntry, Booking, Occupancy
from eticket_desk.rules.booking import BookingRefused, BookingState, RefusalCode
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.bookings.batches import set_day, set_week
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.bookings.hooks import register_booking_hook, unregister_booking_hook
from eticket_desk.services.bookings.seat_counters import rebuild_occupancy
from eticket_desk.services.core.store import Store
from eticket_desk.services.families.dossiers import save_family
from tests.conftest import complete_family, validated_family

THURSDAY = date(2026, 9, 24)  # canteen deadline: Tuesday 22 at 10:00
BUS_WEEK = date(2026, 9, 28)  # bus deadline: Tuesday 22 at 12:00


@pytest.fixture
def lea(store, admin, schools, activities):
    return validated_family(store, admin, schools).children[0]


def _state(store: Store, child_id, activity_id, day) -> str | None:
    with store.read() as session:
        return session.scalar(
            select(Booking.state).where(
                Booking.child_id == child_id,
                Booking.activity_id == activity_id,
                Booking.day == day,
            )
        )


def _seats(store: Store, activity_id, day) -> tuple[int, int]:
    with store.read() as session:
        row = session.execute(
            select(func.sum(Occupancy.booked), func.sum(Occupancy.waiting)).where(
                Occupancy.activity_id == activity_id, Occupancy.day == day
            )
        ).one()
        return (row[0] or 0, row[1] or 0)


def test_book_then_cancel_a_canteen_day(store, agent, lea, activities):
    cantine = activities["CANTINE"].id
    outcome = book_day(store, agent, lea.id, cantine, THURSDAY)
    assert outcome.changed and outcome.state == BookingState.BOOKED
    assert outcome.message == "Réservé : Cantine du jeudi 24 septembre pour Léa Dupont."
    assert _state(store, lea.id, cantine, THURSDAY) == "booked"
    assert _seats(store, cantine, THURSDAY) == (1, 0)
    again = book_day(store, agent, lea.id, cantine, THURSDAY)
    assert not again.changed
    cancel_booking(store, agent, lea.id, cantine, THURSDAY)
    assert _state(store, lea.id, cantine, THURSDAY) == "cancelled"
    assert _seats(store, cantine, THURSDAY) == (0, 0)


def test_refusals_write_nothing_and_say_why(store, agent, admin, schools, lea, activities, clock):
    cantine = activities["CANTINE"].id

    def refused(code, *args, **kwargs):
        with pytest.raises(BookingRefused) as caught:
            book_day(store, agent, *args, **kwargs)
        assert caught.value.code == code
        return caught.value.message

    assert "Vacances de la Toussaint" in refused(
        RefusalCode.DAY_CLOSED, lea.id, cantine, date(2026, 10, 22)
    )
    assert "n'a pas lieu le mercredi" in refused(
        RefusalCode.DAY_CLOSED, lea.id, cantine, date(2026, 9, 23)
    )
    # 14 Sept 9:30: Tuesday 15's deadline (Monday 14, 10:00) is still ahead, Monday 14's is not.
    assert "le délai est dépassé depuis le vendredi 11 septembre 2026 à 10:00" in refused(
        RefusalCode.DEADLINE_PASSED, lea.id, cantine, date(2026, 9, 14)
    )
    tap = activities["TAP"].id
    assert refused(RefusalCode.SUBSCRIPTION_ONLY, lea.id, tap, THURSDAY + date.resolution) == (
        "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."
    )
    draft = save_family(store, admin, complete_family(schools, last_name="Martin"))
    assert "n'est pas validé" in refused(
        RefusalCode.DOSSIER_NOT_VALIDATED, draft.children[0].id, cantine, THURSDAY
    )
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Booking)) == 0
        assert session.scalar(select(func.count()).select_from(Occupancy)) == 0


def test_a_child_outside_the_activity_levels_is_not_concerned(store, admin, schools, activities):
    data = complete_family(schools, last_name="Petit")
    school = schools[0]
    data.children[0].class_id = next(c.id for c in school.classes if c.name == "GS")
    family = save_family(store, admin, data)
    from eticket_desk.services.families.dossiers import validate_family

    assert validate_family(store, admin, family.id) == []
    with pytest.raises(BookingRefused) as caught:
        book_day(
            store,
            admin,
            family.children[0].id,
            activities["TAP"].id,
            date(2026, 9, 29),
            override_reason="x",
        )
    assert caught.value.code == RefusalCode.CHILD_NOT_CONCERNED


def test_only_an_allowed_role_overrides_a_passed_deadline_with_a_reason(
    store, agent, coordinator, lea, activities
):
    cantine, monday = activities["CANTINE"].id, date(2026, 9, 14)
    with pytest.raises(BookingRefused) as caught:
        book_day(store, agent, lea.id, cantine, monday, override_reason="Retour d'hospitalisation")
    assert caught.value.code == RefusalCode.PERMISSION_DENIED
    outcome = book_day(
        store, coordinator, lea.id, cantine, monday, override_reason="Retour d'hospitalisation"
    )
    assert outcome.state == BookingState.BOOKED
    with store.read() as session:
        booking = session.get(Booking, (cantine, monday, lea.id))
        assert booking.late and booking.updated_by == "sandra"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "deadline_override"))
        assert entry.user_login == "sandra"
        assert "Retour d'hospitalisation" in entry.details
        assert "Léa Dupont — Cantine du 14/09/2026" in entry.summary


def test_full_bus_offers_the_waiting_list_and_a_cancellation_gives_the_seat(
    store, admin, schools, activities
):
    bus = activities["BUS"].id
    kids = [
        validated_family(store, admin, schools, last_name=name, child_first_name=first).children[0]
        for name, first in (("Aubert", "Jade"), ("Blanc", "Hugo"), ("Caron", "Inès"))
    ]
    book_day(store, admin, kids[0].id, bus, BUS_WEEK)
    book_day(store, admin, kids[1].id, bus, BUS_WEEK)
    with pytest.raises(BookingRefused) as caught:
        book_day(store, admin, kids[2].id, bus, BUS_WEEK)
    assert caught.value.code == RefusalCode.CAPACITY_FULL
    assert "complet (2 places)" in caught.value.message
    waiting = book_day(store, admin, kids[2].id, bus, BUS_WEEK, waiting_list=True)
    assert waiting.state == BookingState.WAITING
    assert _seats(store, bus, BUS_WEEK) == (2, 1)
    freed = cancel_booking(store, admin, kids[0].id, bus, BUS_WEEK)
    assert freed.promoted == ("Inès Caron",)
    assert "La place libérée est attribuée à Inès Caron" in freed.message
    assert _state(store, kids[2].id, bus, BUS_WEEK) == "booked"
    assert _seats(store, bus, BUS_WEEK) == (2, 0)


def test_two_desks_racing_for_the_last_seat(store, admin, schools, activities, clock):
    bus = activities["BUS"].id
    first = validated_family(store, admin, schools, last_name="Aubert").children[0]
    racers = [
        validated_family(store, admin, schools, last_name=n).children[0] for n in ("Blanc", "Caron")
    ]
    book_day(store, admin, first.id, bus, BUS_WEEK)
    results: list[object] = []
    barrier = threading.Barrier(2)

    def desk(child_id):
        other = Store(store.path, clock)  # a second connection, as another desk would have
        try:
            barrier.wait()
            results.append(book_day(other, admin, child_id, bus, BUS_WEEK))
        except BookingRefused as refused:
            results.append(refused.code)
        finally:
            other.close()

    threads = [threading.Thread(target=desk, args=(kid.id,)) for kid in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(r if isinstance(r, RefusalCode) else r.state) for r in results) == [
        "CAPACITY_FULL",
        "booked",
    ]
    assert _seats(store, bus, BUS_WEEK) == (2, 0)


class _Recorder:
    def __init__(self, refuse: bool = False) -> None:
        self.calls: list[tuple] = []
        self.refuse = refuse

    def seat_taken(self, session, booking, activity, family_id, day):
        if self.refuse:
            raise DomainError("Plus aucun ticket dans le porte-monnaie.")
        self.calls.append(("taken", activity.code, day))

    def seat_released(self, session, booking, activity, family_id, day, *, timely):
        self.calls.append(("released", activity.code, day, timely))


def test_hooks_see_each_seat_and_can_refuse_a_booking(store, admin, coordinator, lea, activities):
    cantine = activities["CANTINE"].id
    recorder = _Recorder()
    register_booking_hook(recorder)
    try:
        book_day(store, admin, lea.id, cantine, THURSDAY)
        cancel_booking(store, admin, lea.id, cantine, THURSDAY)
        book_day(store, admin, lea.id, cantine, date(2026, 9, 14), override_reason="Oubli")
        cancel_booking(store, admin, lea.id, cantine, date(2026, 9, 14), override_reason="Malade")
    finally:
        unregister_booking_hook(recorder)
    assert recorder.calls == [
        ("taken", "CANTINE", THURSDAY),
        ("released", "CANTINE", THURSDAY, True),
        ("taken", "CANTINE", date(2026, 9, 14)),
        ("released", "CANTINE", date(2026, 9, 14), False),
    ]
    refuser = _Recorder(refuse=True)
    register_booking_hook(refuser)
    try:
        with pytest.raises(DomainError, match="Plus aucun ticket"):
            book_day(store, admin, lea.id, cantine, date(2026, 9, 25))
    finally:
        unregister_booking_hook(refuser)
    assert _state(store, lea.id, cantine, date(2026, 9, 25)) is None
    assert _seats(store, cantine, date(2026, 9, 25)) == (0, 0)


def test_whole_week_and_whole_day(store, admin, lea, activities):
    cantine, bus = activities["CANTINE"].id, activities["BUS"].id
    week = set_week(store, admin, lea.id, cantine, date(2026, 9, 21))
    assert [o.day for o in week.outcomes if o.changed] == [
        date(2026, 9, 21),
        date(2026, 9, 22),
        date(2026, 9, 24),
        date(2026, 9, 25),
    ]  # Wednesday is not a canteen day
    day = set_day(store, admin, lea.id, date(2026, 9, 29), [cantine, bus, activities["TAP"].id])
    assert day.changed == 2
    assert [o.refused for o in day.refusals] == [RefusalCode.SUBSCRIPTION_ONLY]
    assert "Non modifiés : Les TAP se modifient par l'inscription" in day.summary("réservé(s)")
    cancelled = set_week(store, admin, lea.id, cantine, date(2026, 9, 21), book=False)
    assert cancelled.changed == 4
    assert _seats(store, cantine, date(2026, 9, 21)) == (0, 0)


def test_the_counters_always_equal_the_bookings(store, admin, lea, activities):
    cantine = activities["CANTINE"].id
    set_week(store, admin, lea.id, cantine, date(2026, 9, 21))
    cancel_booking(store, admin, lea.id, cantine, date(2026, 9, 22))
    with store.read() as session:
        before = sorted(session.execute(select(Occupancy.day, Occupancy.booked)).all())
    with store.write(admin) as session:
        rebuild_occupancy(session)
    with store.read() as session:
        after = sorted(session.execute(select(Occupancy.day, Occupancy.booked)).all())
    assert [row for row in before if row[1]] == [row for row in after if row[1]]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(offset=st.integers(min_value=1, max_value=60))
def test_booking_then_cancelling_before_the_deadline_restores_the_state(
    store, admin, lea, activities, offset
):
    cantine = activities["CANTINE"].id
    day = date(2026, 9, 15) + date.resolution * offset
    before = (_state(store, lea.id, cantine, day) or "cancelled", _seats(store, cantine, day))
    try:
        book_day(store, admin, lea.id, cantine, day)
    except BookingRefused as refused:
        assert refused.code == RefusalCode.DAY_CLOSED
        return
    cancel_booking(store, admin, lea.id, cantine, day)
    assert (_state(store, lea.id, cantine, day), _seats(store, cantine, day)) == before
