"""The portal's week grid and its changes computed on the server's tables with the desk's rules
(portal/planning_grid.py, portal/planning_changes.py): the known town's states, places and
deadlines; a range of even weeks; « semaine type » to the end of the period."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from eticket_central.models import Booking, Child
from eticket_central.ops.planning import calendar_set
from eticket_central.portal.planning_changes import Ask, apply_asks, range_days, week_copy
from eticket_central.portal.planning_grid import load_grid, period_of, tenant_activities
from eticket_desk.rules.booking import Action
from eticket_desk.rules.templates import Parity, WeekTemplate
from tests.central.conftest import START
from tests.central.planning_town import MONDAY, PERIOD_END, dupont, town


def _grid(central, commune, child_id, monday=MONDAY, now=START):
    with central.sessions() as session:
        child = session.get(Child, child_id)
        return load_grid(session, commune.tenant_id, child, monday, now)


def _looks(grid):
    return {
        row.name: [(c.look, c.deadline_text, c.places_text, c.closed_text) for c in row.cells]
        for row in grid.rows
    }


def test_leas_week_shows_the_five_states_deadlines_and_places_as_the_desk_decides(
    central, commune, desk
):
    places = town(desk)
    family = dupont(desk, places)
    grid = _grid(central, commune, family.lea)
    tap = "sur inscription seulement"
    assert _looks(grid) == {
        "Cantine": [
            (
                "locked_booked",
                "non modifiable : délai passé depuis le vendredi 11/09 à 10:00",
                "29 places",
                "",
            ),
            ("booked", "modifiable jusqu'au lundi 14/09 à 10:00", "29 places", ""),
            ("closed", "", "", "Cantine n'a pas lieu le mercredi"),
            ("free", "modifiable jusqu'au mardi 15/09 à 10:00", "30 places", ""),
            ("free", "modifiable jusqu'au jeudi 17/09 à 10:00", "30 places", ""),
        ],
        "TAP": [
            ("closed", "", "", "TAP n'a pas lieu le lundi"),
            ("locked_booked", tap, "", ""),
            ("closed", "", "", "TAP n'a pas lieu le mercredi"),
            ("locked_booked", tap, "", ""),
            ("closed", "", "", "TAP n'a pas lieu le vendredi"),
        ],
    }
    assert grid.rows[1].read_only_text == (
        "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."
    )
    assert grid.period.name == "Période 1"
    # Tom has no subscription: his Garderie shows from his one day of the period, and the
    # prepaid Cantine because a ticket is all it takes to book it (seed 001).
    toms = _grid(central, commune, family.tom).rows
    assert [r.name for r in toms] == ["Cantine", "Garderie soir"]
    assert any(c.editable for c in toms[0].cells)


def test_a_full_day_goes_to_the_waiting_list_and_no_ticket_is_refused_with_the_portal_reason(
    central, commune, desk
):
    places = town(desk, garderie_seats=1)
    family = dupont(desk, places, tickets=0)
    now = START
    with central.sessions.begin() as session:
        specs = tenant_activities(session, commune.tenant_id)
        asks = [
            Ask(family.tom, "Tom", specs[places.garderie], date(2026, 9, 17), Action.BOOK),
            Ask(family.lea, "Léa", specs[places.garderie], date(2026, 9, 17), Action.BOOK),
            Ask(family.lea, "Léa", specs[places.cantine], date(2026, 9, 18), Action.BOOK),
        ]
        summary = apply_asks(session, commune.tenant_id, family.family_id, asks, now)
    results = sorted((o.ask.child_name, o.ask.spec.name, o.result) for o in summary.outcomes)
    assert results[0] == ("Léa", "Cantine", "refused")
    assert {r[2] for r in results[1:]} == {"booked", "waiting"}
    assert summary.of("refused")[0].message == (
        "Plus de ticket cantine dans votre porte-monnaie : achetez-en au guichet ou en ligne "
        "avant de réserver."
    )
    grid = _grid(central, commune, family.lea, MONDAY, now)
    garderie = next(r for r in grid.rows if r.name == "Garderie soir")
    assert garderie.cells[3].places_text == "complet, 1 en liste d'attente"


def test_even_weeks_of_a_range_and_the_week_copied_to_the_end_of_the_period(central, commune, desk):
    places = town(desk)
    family = dupont(desk, places)
    with central.sessions.begin() as session:
        specs = tenant_activities(session, commune.tenant_id)
        calendar = calendar_set(session, commune.tenant_id)
        garderie = specs[places.garderie]
        # Thursdays of even weeks from 14 September to 30 October (the Toussaint is closed).
        open_days, closed = range_days(
            garderie,
            calendar,
            date(2026, 9, 14),
            date(2026, 10, 30),
            WeekTemplate(frozenset({3}), Parity.EVEN),
        )
        assert open_days == [date(2026, 9, 17), date(2026, 10, 1), date(2026, 10, 15)]
        assert closed == [date(2026, 10, 29)]
        asks = [Ask(family.tom, "Tom", garderie, d, Action.BOOK) for d in open_days]
        summary = apply_asks(session, commune.tenant_id, family.family_id, asks, START)
        assert [o.result for o in summary.outcomes] == ["booked"] * 3
        # Léa's Cantine week (Monday and Tuesday) becomes her template to the period's end.
        period = period_of(session, commune.tenant_id, MONDAY)
        copy = week_copy(session, family.lea, specs[places.cantine], calendar, MONDAY, period)
        assert copy.template.describe() == "lun., mar."
        assert (copy.start, copy.end) == (date(2026, 9, 21), PERIOD_END)
        assert len(copy.book) == 8  # 21/09 … 13/10: four weeks × Monday and Tuesday
        asks = [Ask(family.lea, "Léa", specs[places.cantine], d, Action.BOOK) for d in copy.book]
        summary = apply_asks(session, commune.tenant_id, family.family_id, asks, START)
        # Three tickets: three days booked, five refused for want of a ticket.
        assert [o.result for o in summary.outcomes] == ["booked"] * 3 + ["refused"] * 5
    with central.sessions() as session:
        booked = session.scalars(
            select(Booking.day).where(
                Booking.child_id == family.lea,
                Booking.activity_id == places.cantine,
                Booking.state == "booked",
            )
        ).all()
    assert sorted(booked) == [
        date(2026, 9, 14),
        date(2026, 9, 15),
        date(2026, 9, 21),
        date(2026, 9, 22),
        date(2026, 9, 28),
    ]
