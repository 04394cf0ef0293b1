"""Booking refusals: each has a stable code and a French reason; the order of the checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.billing import is_billed
from eticket_desk.rules.booking import (
    SEAT_STATES,
    Action,
    BookingCase,
    BookingState,
    RefusalCode,
    is_late,
    override_may_unlock,
    refusal,
    tickets_moved,
)
from eticket_desk.rules.cells import CellState, cell_state
from eticket_desk.rules.dossier import FamilyStatus

DAY = date(2026, 9, 24)
NOW = datetime(2026, 9, 22, 9, 0)


def _case(**changes) -> BookingCase:
    values = dict(
        action=Action.BOOK,
        day=DAY,
        now=NOW,
        activity_name="Cantine",
        child_name="Léa Dupont",
        dossier_status=FamilyStatus.VALIDATED,
        concerned=True,
        closed_reason=None,
        deadline=datetime(2026, 9, 22, 10, 0),
        capacity=None,
        seats_taken=0,
    )
    values.update(changes)
    return BookingCase(**values)


def test_an_open_day_before_its_deadline_may_be_booked_and_cancelled():
    assert refusal(_case()) is None
    assert refusal(_case(action=Action.CANCEL)) is None


def test_each_refusal_says_why_in_french():
    cases = {
        RefusalCode.DOSSIER_NOT_VALIDATED: _case(dossier_status=FamilyStatus.INCOMPLETE),
        RefusalCode.CHILD_NOT_CONCERNED: _case(concerned=False),
        RefusalCode.DAY_CLOSED: _case(closed_reason="Vacances de la Toussaint"),
        RefusalCode.DEADLINE_PASSED: _case(now=datetime(2026, 9, 22, 10, 0)),
        RefusalCode.SUBSCRIPTION_ONLY: _case(deadline=None),
        RefusalCode.CAPACITY_FULL: _case(capacity=64, seats_taken=64),
    }
    messages = {code: refusal(case) for code, case in cases.items()}
    assert {code: r.code for code, r in messages.items()} == {code: code for code in cases}
    assert "n'est pas validé" in messages[RefusalCode.DOSSIER_NOT_VALIDATED].message
    assert "Léa Dupont n'est pas concerné(e)" in messages[RefusalCode.CHILD_NOT_CONCERNED].message
    assert messages[RefusalCode.DAY_CLOSED].message == (
        "Cantine du jeudi 24 septembre : jour fermé (Vacances de la Toussaint)."
    )
    assert messages[RefusalCode.DEADLINE_PASSED].message == (
        "Cantine du jeudi 24 septembre : le délai est dépassé depuis le "
        "mardi 22 septembre 2026 à 10:00."
    )
    assert "complet (64 places)" in messages[RefusalCode.CAPACITY_FULL].message


def test_a_cancellation_never_hits_the_capacity():
    assert refusal(_case(action=Action.CANCEL, capacity=2, seats_taken=2)) is None


def test_an_override_needs_a_reason_and_the_right():
    late = dict(now=datetime(2026, 9, 23, 8, 0))
    assert refusal(_case(**late, override_reason="Hospitalisation")).code == (
        RefusalCode.PERMISSION_DENIED
    )
    assert refusal(_case(**late, override_reason="Hospitalisation", may_override=True)) is None
    assert refusal(_case(**late, override_reason="  ", may_override=True)).code == (
        RefusalCode.DEADLINE_PASSED
    )
    # Capacity is never overridden, even with the right and a reason.
    full = _case(**late, override_reason="Urgence", may_override=True, capacity=1, seats_taken=1)
    assert refusal(full).code == RefusalCode.CAPACITY_FULL


@given(
    action=st.sampled_from(list(Action)),
    status=st.sampled_from(list(FamilyStatus)),
    concerned=st.booleans(),
    closed=st.one_of(st.none(), st.sampled_from(["Vacances de Noël", "Armistice"])),
    deadline_hours=st.one_of(st.none(), st.integers(min_value=-200, max_value=200)),
    capacity=st.one_of(st.none(), st.integers(min_value=1, max_value=64)),
    taken=st.integers(min_value=0, max_value=80),
    reason=st.sampled_from(["", "Urgence familiale"]),
    may_override=st.booleans(),
)
def test_every_refusal_has_a_code_and_a_reason(
    action, status, concerned, closed, deadline_hours, capacity, taken, reason, may_override
):
    deadline = None if deadline_hours is None else NOW + timedelta(hours=deadline_hours)
    case = _case(
        action=action,
        dossier_status=status,
        concerned=concerned,
        closed_reason=closed,
        deadline=deadline,
        capacity=capacity,
        seats_taken=taken,
        override_reason=reason,
        may_override=may_override,
    )
    refused = refusal(case)
    allowed = (
        status == FamilyStatus.VALIDATED
        and concerned
        and closed is None
        # An override passes a deadline, never a subscription-only day (no deadline at all).
        and deadline is not None
        and (deadline > NOW or (reason and may_override))
        and not (action == Action.BOOK and capacity is not None and taken >= capacity)
    )
    assert (refused is None) == bool(allowed)
    if refused is not None:
        assert refused.code in RefusalCode
        assert len(refused.message) > 20 and refused.message.endswith(".")


TAP_REASON = "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."


@given(
    action=st.sampled_from(list(Action)),
    now_hours=st.integers(min_value=-500, max_value=500),
    reason=st.sampled_from(["", "Retour d'hospitalisation"]),
    may_override=st.booleans(),
    taken=st.integers(min_value=0, max_value=3),
)
def test_a_tap_day_is_never_changed_day_by_day_even_with_an_override(
    action, now_hours, reason, may_override, taken
):
    case = _case(
        action=action,
        activity_name="TAP",
        deadline=None,  # subscription_only (seed 003)
        now=NOW + timedelta(hours=now_hours),
        override_reason=reason,
        may_override=may_override,
        capacity=2,
        seats_taken=taken,
    )
    refused = refusal(case)
    assert refused.code == RefusalCode.SUBSCRIPTION_ONLY
    assert refused.message == TAP_REASON
    assert not override_may_unlock(case.deadline, case.now)


def test_a_subscription_only_activity_with_an_ordinary_name_reads_in_the_singular():
    refused = refusal(_case(activity_name="Étude surveillée", deadline=None))
    assert refused.message == (
        "Étude surveillée se modifie par l'inscription (formulaire d'inscription), "
        "pas jour par jour."
    )


def test_only_a_passed_deadline_may_be_overridden():
    deadline = datetime(2026, 9, 22, 10, 0)
    assert not override_may_unlock(deadline, datetime(2026, 9, 22, 9, 59))  # still open
    assert override_may_unlock(deadline, datetime(2026, 9, 22, 10, 0))
    assert not override_may_unlock(None, datetime(2026, 9, 22, 10, 0))


@given(
    current=st.sampled_from([None, *BookingState]),
    now_hours=st.integers(min_value=-100, max_value=100),
)
def test_a_day_that_never_held_a_seat_is_never_billed_nor_costs_a_ticket(current, now_hours):
    """Taking a child off the waiting list, even long after the deadline, is no late
    cancellation: the child never held a seat nor ate."""
    case = _case(action=Action.CANCEL, now=NOW + timedelta(hours=now_hours))
    late = is_late(case, current)
    held = current in SEAT_STATES
    assert late == (held and case.now >= case.deadline)
    assert is_billed(BookingState.CANCELLED, late) == late
    assert tickets_moved(current, BookingState.CANCELLED, late) == (1 if held and not late else 0)


def test_the_waiting_list_never_takes_nor_gives_a_ticket():
    waiting, booked = BookingState.WAITING, BookingState.BOOKED
    assert tickets_moved(None, waiting, late=False) == 0  # queued: nothing taken
    assert tickets_moved(waiting, booked, late=True) == -1  # the freed seat: one ticket
    assert tickets_moved(waiting, BookingState.CANCELLED, late=False) == 0  # none to give back
    assert tickets_moved(booked, BookingState.CANCELLED, late=False) == 1
    assert tickets_moved(booked, BookingState.CANCELLED, late=True) == 0  # a late one keeps it
    assert not is_billed(waiting, late=True)


def test_the_five_cell_states_of_seed_002():
    assert cell_state(closed=False, booked=False, editable=True) == CellState.OPEN_FREE
    assert cell_state(closed=False, booked=True, editable=True) == CellState.OPEN_BOOKED
    assert cell_state(closed=False, booked=False, editable=False) == CellState.LOCKED_FREE
    assert cell_state(closed=False, booked=True, editable=False) == CellState.LOCKED_BOOKED
    assert cell_state(closed=True, booked=True, editable=True) == CellState.CLOSED
