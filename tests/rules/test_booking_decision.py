"""The one booking decision: each refusal code, the school's quota against the activity's
capacity, the waiting list, who gets freed seats, and the ticket a prepaid day moves."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.booking import Action, BookingState, RefusalCode
from eticket_desk.rules.booking_decision import (
    Ask,
    DayFacts,
    Seats,
    Waiting,
    decide,
    seats_left,
    who_gets_seats,
)
from eticket_desk.rules.dossier import FamilyStatus

DAY = date(2026, 9, 24)  # a Thursday
NOW = datetime(2026, 9, 22, 9, 0)  # before the deadline: Tuesday 22 at 10:00
DEADLINE = datetime(2026, 9, 22, 10, 0)
LATE = datetime(2026, 9, 23, 8, 0)
BOOK, CANCEL = Ask(Action.BOOK), Ask(Action.CANCEL)


def _facts(**changes) -> DayFacts:
    values = dict(
        day=DAY,
        now=NOW,
        activity_name="Cantine",
        child_name="Léa Dupont",
        dossier_status=FamilyStatus.VALIDATED,
        concerned=True,
        closed_reason=None,
        deadline=DEADLINE,
        seats=Seats(),
        current=None,
        may_override=True,
    )
    values.update(changes)
    return DayFacts(**values)


def _code(decision) -> RefusalCode | None:
    return decision.refused.code if decision.refused else None


def test_an_open_day_is_booked_then_cancelled_in_time():
    booked = decide(_facts(), BOOK)
    assert (booked.state, booked.late, booked.tickets, booked.refused) == (
        BookingState.BOOKED,
        False,
        0,
        None,
    )
    cancelled = decide(_facts(current=BookingState.BOOKED), CANCEL)
    assert (cancelled.state, cancelled.late) == (BookingState.CANCELLED, False)


def test_each_refusal_has_its_code_and_french_reason():
    cases = {
        RefusalCode.DOSSIER_NOT_VALIDATED: (_facts(dossier_status=FamilyStatus.INCOMPLETE), BOOK),
        RefusalCode.CHILD_NOT_CONCERNED: (_facts(concerned=False), BOOK),
        RefusalCode.DAY_CLOSED: (_facts(closed_reason="Vacances de la Toussaint"), BOOK),
        RefusalCode.SUBSCRIPTION_ONLY: (_facts(deadline=None), BOOK),
        RefusalCode.DEADLINE_PASSED: (_facts(now=LATE), BOOK),
        RefusalCode.PERMISSION_DENIED: (
            _facts(now=LATE, may_override=False),
            Ask(Action.BOOK, override_reason="Oubli"),
        ),
        RefusalCode.CAPACITY_FULL: (_facts(seats=Seats(2, 2)), BOOK),
        RefusalCode.BOOKING_LOCKED: (_facts(current=BookingState.PRESENT), CANCEL),
        RefusalCode.NO_TICKET: (_facts(prepaid=True, tickets=0, ticket_name="Garderie"), BOOK),
    }
    for code, (facts, ask) in cases.items():
        decision = decide(facts, ask)
        assert (_code(decision), decision.state) == (code, None), code
    assert decide(*cases[RefusalCode.BOOKING_LOCKED]).refused.message == (
        "La présence de ce jour est déjà pointée : la réservation ne se modifie plus."
    )
    assert decide(*cases[RefusalCode.NO_TICKET]).refused.message == (
        "Plus de ticket « Garderie » dans le porte-monnaie de la famille : vendez des tickets "
        "avant de réserver Cantine du 24/09/2026."
    )
    assert "complet (2 places)" in decide(*cases[RefusalCode.CAPACITY_FULL]).refused.message
    assert decide(*cases[RefusalCode.DAY_CLOSED]).refused.message == (
        "Cantine du jeudi 24 septembre : jour fermé (Vacances de la Toussaint)."
    )


def test_a_marked_day_is_locked_whatever_is_asked_but_a_booking_of_it_is_no_change():
    for state in (
        BookingState.PRESENT,
        BookingState.ABSENT_JUSTIFIED,
        BookingState.ABSENT_UNJUSTIFIED,
    ):
        locked = decide(_facts(current=state), Ask(Action.CANCEL, override_reason="Oubli"))
        assert _code(locked) == RefusalCode.BOOKING_LOCKED
        again = decide(_facts(current=state), BOOK)
        assert (again.state, again.refused, again.unchanged) == (None, None, "Déjà réservé.")


def test_nothing_to_change_says_why():
    assert decide(_facts(current=BookingState.BOOKED), BOOK).unchanged == "Déjà réservé."
    assert decide(_facts(), CANCEL).unchanged == "Rien à annuler."
    assert decide(_facts(current=BookingState.CANCELLED), CANCEL).unchanged == "Rien à annuler."


def test_the_schools_quota_binds_when_it_leaves_fewer_seats_than_the_activity():
    # 10 seats, 3 taken; the school has 2 of its own and uses them: full for this child.
    quota_full = decide(_facts(seats=Seats(3, 10, 2, 2)), BOOK)
    assert _code(quota_full) == RefusalCode.CAPACITY_FULL
    assert "complet (2 places)" in quota_full.refused.message  # the school's limit is named
    # The other school (no quota of its own) still books, and sees the activity's seats.
    other = decide(_facts(seats=Seats(3, 10, 1, None)), BOOK)
    assert (other.state, other.seats_left, other.activity_seats_left) == (
        BookingState.BOOKED,
        6,
        6,
    )
    # The quota leaves seats but the activity is full: the activity binds.
    activity_full = decide(_facts(seats=Seats(10, 10, 1, 4)), BOOK)
    assert "complet (10 places)" in activity_full.refused.message
    # After a booking, both counts move.
    booked = decide(_facts(seats=Seats(3, 10, 1, 4)), BOOK)
    assert (booked.seats_left, booked.activity_seats_left, booked.school_seats_left) == (2, 6, 2)


def test_seats_left_is_the_fewest_of_activity_and_school_and_never_negative():
    assert seats_left(None, 5) is None
    assert seats_left(10, 3) == 7
    assert seats_left(10, 3, 2, 1) == 1
    assert seats_left(None, 3, 2, 0) == 2
    assert seats_left(3, 5) == 0  # over-booked by an agent's override: simply full


@given(
    capacity=st.none() | st.integers(1, 6),
    taken=st.integers(0, 8),
    quota=st.none() | st.integers(1, 4),
    mine=st.integers(0, 5),
)
def test_a_booking_is_refused_full_exactly_when_no_seat_is_left(capacity, taken, quota, mine):
    mine = min(mine, taken)
    seats = Seats(taken, capacity, mine, quota)
    decision = decide(_facts(seats=seats), BOOK)
    assert (_code(decision) == RefusalCode.CAPACITY_FULL) == (seats.left == 0)
    if decision.state == BookingState.BOOKED and seats.left is not None:
        assert decision.seats_left == seats.left - 1


def test_a_full_day_goes_to_the_waiting_list_when_asked_and_stays_there():
    full = Seats(2, 2)
    queued = decide(_facts(seats=full), Ask(Action.BOOK, waiting_list=True))
    assert (queued.state, queued.tickets) == (BookingState.WAITING, 0)
    still = decide(_facts(seats=full, current=BookingState.WAITING), BOOK)
    assert (still.state, still.refused, still.unchanged) == (
        None,
        None,
        "Déjà sur la liste d'attente.",
    )
    # A seat came free: booking the waiting child again gives it the seat.
    promoted = decide(_facts(seats=Seats(1, 2), current=BookingState.WAITING), BOOK)
    assert promoted.state == BookingState.BOOKED
    # The form holds a child on the list: kept there even with a seat free.
    held = decide(_facts(seats=Seats(1, 2)), Ask(Action.BOOK, stay_waiting=True))
    assert held.state == BookingState.WAITING
    # Leaving the list after the deadline is never late (no seat was ever held).
    left = decide(
        _facts(now=LATE, current=BookingState.WAITING),
        Ask(Action.CANCEL, override_reason="Famille partie"),
    )
    assert (left.state, left.late) == (BookingState.CANCELLED, False)


def test_a_paper_form_opens_the_subscription_only_days_to_come():
    tap = _facts(activity_name="TAP", deadline=None)
    assert _code(decide(tap, BOOK)) == RefusalCode.SUBSCRIPTION_ONLY
    assert decide(tap, Ask(Action.BOOK, by_form=True)).state == BookingState.BOOKED
    past = dataclasses.replace(tap, now=datetime(2026, 9, 24, 8, 0))
    assert _code(decide(past, Ask(Action.BOOK, by_form=True))) == RefusalCode.DEADLINE_PASSED


def test_a_prepaid_seat_takes_a_ticket_and_gives_it_back_only_in_time():
    paid = dict(prepaid=True, ticket_name="Garderie")
    assert decide(_facts(tickets=1, **paid), BOOK).tickets == -1
    assert decide(_facts(tickets=None, **paid), BOOK).tickets == -1  # the desk pays it itself
    assert decide(_facts(current=BookingState.BOOKED, **paid), CANCEL).tickets == 1
    late = decide(
        _facts(now=LATE, current=BookingState.BOOKED, **paid),
        Ask(Action.CANCEL, override_reason="Malade"),
    )
    assert (late.state, late.late, late.tickets) == (BookingState.CANCELLED, True, 0)
    # The waiting list neither takes nor gives back a ticket, even with an empty wallet.
    queued = decide(
        _facts(seats=Seats(1, 1), tickets=0, **paid), Ask(Action.BOOK, waiting_list=True)
    )
    assert (queued.state, queued.tickets) == (BookingState.WAITING, 0)
    left = decide(_facts(current=BookingState.WAITING, **paid), CANCEL)
    assert (left.state, left.tickets) == (BookingState.CANCELLED, 0)
    # A day that is not prepaid never moves one.
    assert decide(_facts(tickets=0), BOOK).tickets == 0


def test_full_is_said_before_no_ticket():
    decision = decide(
        _facts(seats=Seats(1, 1), prepaid=True, tickets=0, ticket_name="Garderie"), BOOK
    )
    assert _code(decision) == RefusalCode.CAPACITY_FULL


# ---------------------------------------------------------------- freed seats


def test_freed_seats_go_first_come_first_but_a_school_over_its_quota_lets_others_pass():
    queue = [
        Waiting("Inès", "lac"),  # her school used its 2 seats
        Waiting("Noé", "ferry"),
        Waiting("Jade", "ferry"),
        Waiting("Hugo", "ferry"),
    ]
    chosen = who_gets_seats(queue, 5, 3, {"lac": 2}, {"lac": 2, "ferry": 1})
    assert chosen == ["Noé", "Jade"]  # two seats free, Inès's school is full


def test_nobody_passes_once_the_activity_is_full():
    queue = [Waiting("Inès", "lac"), Waiting("Noé", "ferry")]
    assert who_gets_seats(queue, 3, 3, {}, {"lac": 3}) == []
    assert who_gets_seats(queue, None, 30, {}, {}) == ["Inès", "Noé"]  # unlimited


def test_a_family_without_ticket_lets_the_next_child_have_the_seat():
    queue = [
        Waiting("Inès", "lac", "caron"),
        Waiting("Noé", "lac", "dumas"),
        Waiting("Zoé", "lac", "dumas"),
    ]
    # Two seats; the Caron family has no ticket, the Dumas family has one for two children.
    chosen = who_gets_seats(queue, 2, 0, {}, {}, tickets={"caron": 0, "dumas": 1})
    assert chosen == ["Noé"]


@given(
    schools=st.lists(st.sampled_from(["lac", "ferry", None]), max_size=10),
    capacity=st.none() | st.integers(0, 6),
    quota=st.none() | st.integers(0, 3),
)
def test_freed_seats_never_exceed_a_capacity_or_a_quota(schools, capacity, quota):
    queue = [Waiting(n, school) for n, school in enumerate(schools)]
    chosen = who_gets_seats(queue, capacity, 0, {"lac": quota}, {})
    assert chosen == sorted(chosen)  # in the order of arrival
    if capacity is not None:
        assert len(chosen) <= capacity
    if quota is not None:
        assert sum(1 for n in chosen if schools[n] == "lac") <= quota
    # Whoever was skipped could not have been served: full, or their school was.
    for n in set(range(len(schools))) - set(chosen):
        before = [c for c in chosen if c < n]
        activity_full = capacity is not None and len(before) >= capacity
        lac_full = (
            schools[n] == "lac"
            and quota is not None
            and sum(1 for c in before if schools[c] == "lac") >= quota
        )
        assert activity_full or lac_full
