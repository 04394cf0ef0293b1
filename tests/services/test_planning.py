"""The week grid's data: each cell's state and the reason in its tooltip."""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.cells import CellState
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.families.dossiers import save_family
from tests.conftest import complete_family, validated_family


def _row(plan, code):
    return next(r for r in plan.children[0].rows if r.code == code)


def test_the_week_shows_every_state_with_its_reason(store, admin, schools, activities, clock):
    lea = validated_family(store, admin, schools).children[0]
    book_day(store, admin, lea.id, activities["CANTINE"].id, date(2026, 9, 17))
    family_id = _family_of(store, admin, lea.id)
    plan = load_week(store, admin, family_id, date(2026, 9, 16))
    assert plan.monday == date(2026, 9, 14) and len(plan.days) == 5
    assert plan.notice == ""
    cantine = _row(plan, "CANTINE")
    # Now: Monday 14 Sept 9:30.
    states = [cell.state for cell in cantine.cells]
    assert states == [
        CellState.LOCKED_FREE,  # Monday 14: deadline Friday 11 at 10:00 passed
        CellState.OPEN_FREE,  # Tuesday 15: until Monday 14 at 10:00
        CellState.CLOSED,  # Wednesday: no canteen
        CellState.OPEN_BOOKED,  # Thursday 17: booked above
        CellState.OPEN_FREE,
    ]
    assert cantine.cells[3].booking == BookingState.BOOKED
    assert "Annulable jusqu'au mardi 15 septembre 2026 à 10:00" in cantine.cells[3].tooltip
    assert "Délai dépassé depuis le vendredi 11 septembre 2026 à 10:00" in cantine.cells[0].tooltip
    assert "Fermé : Cantine n'a pas lieu le mercredi" in cantine.cells[2].tooltip
    bus = _row(plan, "BUS")
    assert bus.cells[0].places_left == 2 and "2 place(s) restante(s)" in bus.cells[0].tooltip
    tap = _row(plan, "TAP")
    assert tap.cells[1].state == CellState.LOCKED_FREE
    # Locked for everyone, with or without an override: the form changes TAP.
    assert tap.cells[1].tooltip.endswith(
        "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."
    )
    assert tap.cells[1].locked_reason.startswith("Les TAP se modifient par l'inscription")
    assert not tap.cells[1].overridable


def _family_of(store, admin, child_id):
    from sqlalchemy import select

    from eticket_desk.models import Child

    with store.read() as session:
        return session.scalar(select(Child.family_id).where(Child.id == child_id))


def test_holidays_and_unvalidated_dossiers_are_explained(store, admin, schools, activities):
    family = validated_family(store, admin, schools)
    plan = load_week(store, admin, family.id, date(2026, 10, 21))
    cells = _row(plan, "CANTINE").cells
    assert {c.state for c in cells} == {CellState.CLOSED}
    assert cells[0].closed_label == "Vacances de la Toussaint"
    draft = save_family(store, admin, complete_family(schools, last_name="Martin"))
    plan = load_week(store, admin, draft.id, date(2026, 9, 21))
    assert "n'est pas validé" in plan.notice
    assert not plan.can_edit
    assert _row(plan, "CANTINE").cells[0].state == CellState.LOCKED_FREE
    summer = load_week(store, admin, family.id, date(2027, 8, 2))
    assert "Aucune année scolaire" in summer.notice
