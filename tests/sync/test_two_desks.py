"""Two real desks of one commune (the annex started from a copy of the town hall's base, then
registered as a device of its own) and the server between them: dossiers numbered in blocks
that never collide and received by the other desk, the last seat taken by both offline."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_desk.models import Booking, Family, Occupancy
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.search import search_families
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.status import load_device, save_device
from tests.conftest import cash_sale, validated_family
from tests.sync.test_push_pull import MONDAY, _server_tickets, _tickets


def _references(store) -> list[str]:
    with store.read() as session:
        return sorted(session.scalars(select(Family.reference)))


def test_each_desk_numbers_in_its_own_block_and_receives_the_others_dossiers(
    desks, admin, agent, schools
):
    office, annex = desks
    hugo = validated_family(annex, admin, schools, last_name="Martin", child_first_name="Hugo")
    zoe = validated_family(office, admin, schools, last_name="Bernard", child_first_name="Zoé")
    assert (hugo.reference, zoe.reference) == ("F100001", "F00002")
    for desk in (annex, office, annex):
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report
    assert _references(office) == _references(annex) == ["F00001", "F00002", "F100001"]
    found = search_families(office, agent, "martin")
    assert [f.id for f in found] == [hugo.id]
    with office.read() as session:
        pulled = session.get(Family, hugo.id)
        child = pulled.children[0]
        assert (pulled.status, child.first_name, child.school_id) == (
            "validated",
            "Hugo",
            schools[0].id,
        )
    assert check(office).ok, check(office).faults
    assert check(annex).ok, check(annex).faults


def test_the_last_seat_booked_on_both_desks_offline_goes_to_the_first_to_sync(
    desks, admin, agent, schools, lea_family, garderie, db
):
    office, annex = desks
    ticket, activity = garderie
    hugo = validated_family(annex, admin, schools, last_name="Martin", child_first_name="Hugo")
    lea = lea_family.children[0]
    for desk, family, child in ((office, lea_family, lea), (annex, hugo, hugo.children[0])):
        open_till(desk, agent, 0)
        cash_sale(desk, agent, family, ticket, 2, 480)
        book_day(desk, agent, child.id, activity.id, MONDAY)  # one seat: each desk takes it

    assert run_sync(office).ok
    report = run_sync(annex)
    assert report.ok and report.rejected == 1
    assert [i.title for i in list_sync_issues(annex, agent)] == ["Réservation refusée — complet"]
    run_sync(office)  # receives Hugo's dossier and tickets
    for desk in (office, annex):
        with desk.read() as session:
            booked = session.scalars(
                select(Booking.child_id).where(Booking.day == MONDAY, Booking.state == "booked")
            ).all()
            seats = session.scalar(
                select(func.sum(Occupancy.booked)).where(Occupancy.day == MONDAY)
            )
        assert (booked, seats) == ([lea.id], 1)
        assert check(desk).ok, check(desk).faults
    db.expire_all()
    on_server = db.scalars(
        select(ServerBooking.child_id).where(
            ServerBooking.day == MONDAY, ServerBooking.state == "booked"
        )
    ).all()
    assert on_server == [lea.id]
    # Hugo's ticket came back: 2 bought, none spent, on both desks and on the server.
    assert _tickets(annex, agent, hugo.id) == _tickets(office, agent, hugo.id) == 2
    assert _server_tickets(db, hugo.id) == 2
    assert _tickets(office, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 1


def test_a_copy_with_ops_still_to_send_cannot_become_another_desk(
    store, admin, lea_family, commune, memory_keyring
):
    office, annex = commune.desk("Accueil mairie"), commune.desk("Annexe école")
    url = str(office.http.base_url)
    save_device(store, admin, url, office.device_id, office.token)  # nothing sent yet
    with pytest.raises(InvalidInput, match="synchronisez-le d'abord"):
        save_device(store, admin, url, annex.device_id, annex.token)
    assert load_device(store).device_id == office.device_id  # the refusal changed nothing


def test_a_paper_form_taken_at_the_annex_reaches_the_town_hall_with_its_days(
    desks, agent, lea_family, garderie
):
    from datetime import date

    from eticket_desk.models import Subscription
    from eticket_desk.rules.templates import WeekTemplate
    from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription

    office, annex = desks
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(annex, agent, 0)
    cash_sale(annex, agent, lea_family, ticket, 10, 2400)
    draft = SubscriptionDraft(
        lea.id,
        activity.id,
        MONDAY,
        date(2026, 10, 2),
        WeekTemplate(frozenset({0, 3})),
        period_label="Septembre",
    )
    assert len(apply_subscription(annex, agent, draft).to_book) == 4
    assert run_sync(annex).ok and run_sync(office).ok
    with office.read() as session:
        form = session.scalars(select(Subscription)).one()
        booked = session.scalars(
            select(Booking.day)
            .where(Booking.child_id == lea.id, Booking.state == "booked")
            .order_by(Booking.day)
        ).all()
    assert (form.start, form.end, form.weekdays, form.period_label) == (
        MONDAY,
        date(2026, 10, 2),
        WeekTemplate(frozenset({0, 3})).text,
        "Septembre",
    )
    assert [d.isoformat() for d in booked] == [
        "2026-09-21",
        "2026-09-24",
        "2026-09-28",
        "2026-10-01",
    ]
    assert _tickets(office, agent, lea_family.id) == _tickets(annex, agent, lea_family.id) == 6
    assert check(office).ok, check(office).faults


def test_a_capacity_raised_and_a_closure_added_at_the_town_hall_reach_the_annex(
    desks, admin, agent, garderie, lea_family
):
    import dataclasses
    from datetime import date

    from eticket_desk.rules.booking import BookingRefused
    from eticket_desk.services.catalogue.activities import list_activities, save_activity
    from eticket_desk.services.catalogue.calendar import add_closure

    office, annex = desks
    _, activity = garderie
    current = next(a for a in list_activities(office) if a.id == activity.id)
    save_activity(office, admin, dataclasses.replace(current, capacity=3))
    add_closure(office, admin, date(2026, 9, 24), date(2026, 9, 24), "Grève", ("GARDERIE_SOIR",))
    assert run_sync(office).ok and run_sync(annex).ok

    pulled = next(a for a in list_activities(annex) if a.id == activity.id)
    assert pulled.capacity == 3
    with pytest.raises(BookingRefused, match="Grève"):
        book_day(annex, agent, lea_family.children[0].id, activity.id, date(2026, 9, 24))


def test_a_new_tariff_set_at_the_town_hall_is_the_annexs_price_too(desks, admin, garderie):
    from datetime import date

    from eticket_desk.models import Tariff
    from eticket_desk.rules.pricing import Bracket
    from eticket_desk.services.catalogue.tariffs import save_tariff

    office, annex = desks
    ticket, _ = garderie
    new_prices = [Bracket(600, 130, 260), Bracket(None, 260, 390)]
    save_tariff(office, admin, ticket.id, date(2027, 1, 4), new_prices)
    save_tariff(
        office, admin, ticket.id, date(2027, 1, 4), new_prices[:1] + [Bracket(None, 270, 400)]
    )
    assert run_sync(office).ok and run_sync(annex).ok

    with annex.read() as session:
        tariff = session.scalars(
            select(Tariff).where(
                Tariff.ticket_type_id == ticket.id, Tariff.valid_from == date(2027, 1, 4)
            )
        ).one()
        prices = [
            (b.qf_max, b.price_cents, b.outside_price_cents)
            for b in sorted(tariff.brackets, key=lambda b: b.position)
        ]
    assert prices == [(600, 130, 260), (None, 270, 400)]  # the re-saved brackets


def test_a_class_opened_and_the_regie_changed_at_the_town_hall_reach_the_annex(
    desks, admin, schools
):
    import dataclasses

    from eticket_desk.services.catalogue.organisation import (
        add_class,
        list_schools,
        load_organisation,
        save_organisation,
    )

    office, annex = desks
    add_class(office, admin, schools[0].id, "CM1 B", "CM1")
    organisation = load_organisation(office)
    save_organisation(
        office,
        admin,
        dataclasses.replace(
            organisation,
            regie_name="Régie des services périscolaires",
            treasury_city="Thonon",
            collection_mode="titres",
            siret="21380458600013",
            sepa_ics="FR72ZZZ123456",
            sepa_debit_delay_days=9,
        ),
    )
    assert run_sync(office).ok and run_sync(annex).ok

    pulled = next(s for s in list_schools(annex) if s.id == schools[0].id)
    opened = next(s for s in list_schools(office) if s.id == schools[0].id)
    assert [(c.id, c.name, c.level) for c in pulled.classes] == [
        (c.id, c.name, c.level) for c in opened.classes
    ]
    assert "CM1 B" in [c.name for c in pulled.classes]
    there = load_organisation(annex)
    assert (there.regie_name, there.treasury_city) == ("Régie des services périscolaires", "Thonon")
    # Money to the Trésor: the way the commune collects and its SEPA creditor settings.
    assert (there.collection_mode, there.siret, there.sepa_ics, there.sepa_debit_delay_days) == (
        "titres",
        "21380458600013",
        "FR72ZZZ123456",
        9,
    )
