"""The waiting list on a real SQLite file: served in the exact order of arrival (never by
id), a day that never held a seat is never billed, and it never takes a ticket."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import select

from eticket_desk.models import Booking
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.attendance.lists import attendance_lists
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.core.changes import FamilyTopic, Topic, run_use_case
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run, preview_run
from eticket_desk.services.syncing.pulled import apply_changes
from eticket_desk.sync.protocol import Change
from tests.conftest import cash_sale, complete_family, validated_family

BUS_WEEK = date(2026, 9, 28)  # the 2-seat bus, open until Tuesday 22 at noon
NOVEMBER = month_period("2026-11")
CANTEEN = [Bracket(600, 310, 520), Bracket(1000, 385, 520), Bracket(None, 460, 520)]


def _kids(store, admin, schools, *names):
    return [
        validated_family(store, admin, schools, last_name=last, child_first_name=first).children[0]
        for last, first in names
    ]


def _bus_full(store, admin, schools, activities):
    """The bus of Monday 28 taken by Jade Aubert and Hugo Blanc."""
    bus = activities["BUS"].id
    holders = _kids(store, admin, schools, ("Aubert", "Jade"), ("Blanc", "Hugo"))
    for kid in holders:
        book_day(store, admin, kid.id, bus, BUS_WEEK)
    return bus, holders


def _by_id_descending(kids):
    """The first of the pair has the larger id: an order by id would serve it last."""
    return sorted(kids, key=lambda kid: kid.id.bytes, reverse=True)


def _name(kid) -> str:
    return f"{kid.first_name} {kid.last_name}"


def test_two_children_queued_in_the_same_second_are_served_in_the_order_they_came(
    store, admin, coordinator, schools, activities
):
    bus, holders = _bus_full(store, admin, schools, activities)
    first, second = _by_id_descending(
        _kids(store, admin, schools, ("Caron", "Inès"), ("Dumas", "Noé"))
    )
    # The clock is frozen: both join the list in the same second, the first one first.
    for kid in (first, second):
        assert book_day(store, admin, kid.id, bus, BUS_WEEK, waiting_list=True).state == (
            BookingState.WAITING
        )
    [bus_list] = attendance_lists(store, coordinator, BUS_WEEK, bus)
    assert [r.first_name for r in bus_list.waiting] == [first.first_name, second.first_name]

    freed, changed = run_use_case(cancel_booking, store, admin, holders[0].id, bus, BUS_WEEK)
    assert freed.promoted == (_name(first),)
    assert f"La place libérée est attribuée à {_name(first)}" in freed.message
    # The promoted family's own screens reload too (its plan and its wallet changed).
    assert changed == {Topic.BOOKINGS, FamilyTopic(_family_of(store, first.id))}
    again = cancel_booking(store, admin, holders[1].id, bus, BUS_WEEK)
    assert again.promoted == (_name(second),)


def test_waiting_children_pulled_from_the_server_keep_the_servers_order(
    store, admin, schools, activities
):
    """Two parents queued on the portal in the same second: the changes come down in the
    server's order, and the first of them gets the seat a desk frees."""
    bus, holders = _bus_full(store, admin, schools, activities)
    first, second = _by_id_descending(
        _kids(store, admin, schools, ("Caron", "Inès"), ("Dumas", "Noé"))
    )
    changes = [
        Change(
            seq=seq,
            entity="booking",
            id=f"{bus}/{BUS_WEEK.isoformat()}/{kid.id}",
            data={
                "activity_id": str(bus),
                "day": BUS_WEEK.isoformat(),
                "child_id": str(kid.id),
                "family_id": str(_family_of(store, kid.id)),
                "state": "waiting",
                "late": False,
                "source": "portal",
                "updated_at": "2026-09-14T09:12:00",
            },
        )
        for seq, kid in ((1, first), (2, second))
    ]
    assert apply_changes(store, uuid.uuid4(), changes, 2).applied == 2
    freed = cancel_booking(store, admin, holders[0].id, bus, BUS_WEEK)
    assert freed.promoted == (_name(first),)


def _family_of(store, child_id):
    from eticket_desk.models import Child

    with store.read() as session:
        return session.scalar(select(Child.family_id).where(Child.id == child_id))


@pytest.fixture
def one_seat_canteen(store, admin, activities):
    """The canteen with one seat a day and its three QF brackets."""
    canteen = save_activity(store, admin, dataclasses.replace(activities["CANTINE"], capacity=1))
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), CANTEEN)
    return canteen


def test_a_child_taken_off_the_waiting_list_after_the_deadline_is_not_billed(
    store, admin, coordinator, schools, one_seat_canteen, clock
):
    canteen = one_seat_canteen.id
    dupont = validated_family(store, admin, schools)
    dupont.qf_value, dupont.qf_date = 850, date(2026, 9, 1)  # bracket 2: 3,85 €
    dupont = load_family(store, admin, save_family(store, admin, dupont).id)
    lea = dupont.children[0]
    [hugo] = _kids(store, admin, schools, ("Martin", "Hugo"))  # no QF: 4,60 €
    for day in (2, 3, 5, 6):
        book_day(store, admin, lea.id, canteen, date(2026, 11, day))
    monday = date(2026, 11, 9)  # Hugo holds the only seat; Léa waits for it
    book_day(store, admin, hugo.id, canteen, monday)
    assert book_day(store, admin, lea.id, canteen, monday, waiting_list=True).state == "waiting"
    # Friday 6 November at noon: Monday's deadline (Friday 10:00) has passed. The family
    # no longer needs the seat; the coordinator takes Léa off the list.
    clock.current = datetime(2026, 11, 6, 12, 0)
    out = cancel_booking(
        store, coordinator, lea.id, canteen, monday, override_reason="Famille en vacances"
    )
    with store.read() as session:
        booking = session.get(Booking, (canteen, monday, lea.id))
        assert (booking.state, booking.late) == ("cancelled", False)

    clock.current = datetime(2026, 12, 1, 9, 0)
    drafts = {d.reference: d for d in preview_run(store, admin, NOVEMBER).drafts}
    [line] = [line for _, line in drafts[dupont.reference].children[0].lines]
    assert (line.quantity, line.unit_cents, line.amount_cents) == (4, 385, 1540)
    assert line.basis.startswith("4 jours × 3,85")
    assert drafts[dupont.reference].total_cents == 1540  # 9 November is not billed
    result = issue_run(store, admin, NOVEMBER)
    assert (result.invoices, result.total_cents) == (2, 1540 + 460)
    assert (
        out.message == "Retiré(e) de la liste d'attente : Léa Dupont, Cantine du lundi 9 novembre."
    )


def test_a_waiting_day_takes_no_ticket_and_gives_none_back(store, admin, agent, schools, garderie):
    ticket, evening = garderie
    evening = save_activity(store, admin, dataclasses.replace(evening, capacity=1))
    day = date(2026, 9, 22)
    families = [
        validated_family(store, admin, schools, last_name=last, child_first_name=first)
        for last, first in (("Aubert", "Jade"), ("Blanc", "Hugo"))
    ]
    open_till(store, agent, 0)
    for family in families:
        cash_sale(store, agent, family, ticket, 3, 2000)
    jade, hugo = (f.children[0] for f in families)

    def tickets(family) -> int:
        return next(b.tickets for b in balances(store, admin, family.id) if b.code == "GARDERIE")

    book_day(store, admin, jade.id, evening.id, day)
    book_day(store, admin, hugo.id, evening.id, day, waiting_list=True)
    assert (tickets(families[0]), tickets(families[1])) == (2, 3)  # waiting: nothing taken
    cancel_booking(store, admin, hugo.id, evening.id, day)  # in time, but none to give back
    assert tickets(families[1]) == 3
    book_day(store, admin, hugo.id, evening.id, day, waiting_list=True)
    freed = cancel_booking(store, admin, jade.id, evening.id, day)
    assert freed.promoted == ("Hugo Blanc",)
    assert (tickets(families[0]), tickets(families[1])) == (3, 2)  # the seat costs its ticket


def test_children_waiting_in_a_file_from_before_the_ranks_keep_their_order(
    store, admin, schools, activities, clock
):
    """Migration 0011 ranks the children already waiting by the moment they came."""
    from alembic import command
    from sqlalchemy import text

    from eticket_desk.models.database import alembic_config, migrate

    bus, holders = _bus_full(store, admin, schools, activities)
    first, second = _by_id_descending(
        _kids(store, admin, schools, ("Caron", "Inès"), ("Dumas", "Noé"))
    )
    book_day(store, admin, first.id, bus, BUS_WEEK, waiting_list=True)
    clock.advance(seconds=5)
    book_day(store, admin, second.id, bus, BUS_WEEK, waiting_list=True)
    command.downgrade(alembic_config(store.engine), "0010")
    migrate(store.engine)
    with store.engine.connect() as connection:
        ranks = dict(
            connection.execute(
                text("SELECT child_id, waiting_rank FROM booking WHERE state = 'waiting'")
            ).all()
        )
    assert ranks == {first.id.hex: 1, second.id.hex: 2}
    assert cancel_booking(store, admin, holders[0].id, bus, BUS_WEEK).promoted == (_name(first),)


def _family_at(store, admin, schools, last_name, first_name, school):
    """A validated family whose child is in CP at `school`."""
    data = complete_family(schools, last_name=last_name, child_first_name=first_name)
    cp = next(c.id for c in school.classes if c.name == "CP")
    kid = dataclasses.replace(data.children[0], school_id=school.id, class_id=cp)
    family_id = save_family(store, admin, dataclasses.replace(data, children=[kid])).id
    assert validate_family(store, admin, family_id) == []
    return load_family(store, admin, family_id)


def test_a_freed_seat_passes_a_family_without_ticket_and_a_school_over_its_quota(
    store, admin, agent, schools, garderie
):
    """Two seats, one at most for the first school: when Jade frees hers, Inès (whose school
    has its seat, Hugo's) and Noé (no ticket left) let Zoé have it."""
    ticket, evening = garderie
    first, second = schools
    evening = save_activity(
        store,
        admin,
        dataclasses.replace(evening, capacity=2, school_capacities={first.id: 1, second.id: None}),
    )
    day = date(2026, 9, 22)
    families = {
        first_name: _family_at(store, admin, schools, last_name, first_name, school)
        for last_name, first_name, school in (
            ("Aubert", "Jade", second),
            ("Blanc", "Hugo", first),
            ("Caron", "Inès", first),
            ("Dumas", "Noé", second),
            ("Euler", "Zoé", second),
        )
    }
    kid = {name: family.children[0].id for name, family in families.items()}
    open_till(store, agent, 0)
    for name in ("Jade", "Hugo", "Inès", "Zoé"):  # Noé's family bought none
        cash_sale(store, agent, families[name], ticket, 2, 2000)
    book_day(store, admin, kid["Hugo"], evening.id, day)  # the first school's only seat
    book_day(store, admin, kid["Jade"], evening.id, day)
    for name in ("Inès", "Noé", "Zoé"):
        queued = book_day(store, admin, kid[name], evening.id, day, waiting_list=True)
        assert queued.state == BookingState.WAITING
    freed = cancel_booking(store, admin, kid["Jade"], evening.id, day)
    assert freed.promoted == ("Zoé Euler",)
    assert "La place libérée est attribuée à Zoé Euler (liste d'attente)." in freed.message
    tickets = {
        name: next(b.tickets for b in balances(store, admin, f.id) if b.code == "GARDERIE")
        for name, f in families.items()
    }
    assert tickets == {"Jade": 2, "Hugo": 1, "Inès": 2, "Noé": 0, "Zoé": 1}
    [bus_list] = attendance_lists(store, admin, day, evening.id)
    assert [r.first_name for r in bus_list.waiting] == ["Inès", "Noé"]  # still in line
