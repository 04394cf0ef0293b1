"""Booking refusals: each has a stable code and a French reason; the order of the checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.booking import Action, BookingCase, RefusalCode, refusal
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
        and ((deadline is not None and deadline > NOW) or (reason and may_override))
        and not (action == Action.BOOK and capacity is not None and taken >= capacity)
    )
    assert (refused is None) == bool(allowed)
    if refused is not None:
        assert refused.code in RefusalCode
        assert len(refused.message) > 20 and refused.message.endswith(".")


def test_the_five_cell_states_of_seed_002():
    assert cell_state(closed=False, booked=False, editable=True) == CellState.OPEN_FREE
    assert cell_state(closed=False, booked=True, editable=True) == CellState.OPEN_BOOKED
    assert cell_state(closed=False, booked=False, editable=False) == CellState.LOCKED_FREE
    assert cell_state(closed=False, booked=True, editable=False) == CellState.LOCKED_BOOKED
    assert cell_state(closed=True, booked=True, editable=True) == CellState.CLOSED
