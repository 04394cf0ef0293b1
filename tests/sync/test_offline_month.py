"""The time of the ask, with two real desks: a desk offline for a month whose bookings were
all made in time at the counter gets them all applied (the server judges each at the moment
it was made, its clock being trusted), while a desk whose clock was set back cannot book past
a deadline; the « Poste » settings show the clock as the server measured it."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_desk.models import Booking
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import list_activities, save_activity
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.status import desk_clock
from tests.conftest import cash_sale, validated_family
from tests.sync.test_push_pull import _server_tickets, _tickets

OPEN_DAYS = (0, 1, 3, 4)  # the evening garderie; its deadline: the previous open day, 10:00


def _garderie_days(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() in OPEN_DAYS]


def _previous_open_day(day: date) -> date:
    before = day - timedelta(days=1)
    while before.weekday() not in OPEN_DAYS:
        before -= timedelta(days=1)
    return before


def _booked(store) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.count()).select_from(Booking).where(Booking.state == "booked")
        )


def _server_booked(db, child_ids) -> int:
    """The server's booked days of these children (its database serves the whole module)."""
    db.expire_all()
    return db.scalar(
        select(func.count())
        .select_from(ServerBooking)
        .where(ServerBooking.state == "booked", ServerBooking.child_id.in_(child_ids))
    )


def test_a_desk_offline_for_a_month_gets_its_170_timely_bookings_applied(
    desks, admin, agent, schools, lea_family, garderie, central, clock, db
):
    office, annex = desks
    ticket, activity = garderie
    current = next(a for a in list_activities(office) if a.id == activity.id)
    save_activity(office, admin, dataclasses.replace(current, capacity=20))
    families = [lea_family] + [
        validated_family(office, admin, schools, last_name=f"Famille{n}", child_first_name="Eva")
        for n in range(9)
    ]
    open_till(office, agent, 0)
    for family in families:
        cash_sale(office, agent, family, ticket, 20, 20 * 300)
    assert run_sync(office).ok  # 9:30 on Monday 14 September: the last contact

    # A month offline: each garderie day booked for the ten children on the previous open
    # day at 9:45, before its 10:00 deadline (17 days × 10 children = 170 bookings).
    days = _garderie_days(date(2026, 9, 15), date(2026, 10, 13))
    assert len(days) == 17
    for day in days:
        clock.current = datetime.combine(_previous_open_day(day), time(9, 45))
        for family in families:
            book_day(office, agent, family.children[0].id, activity.id, day)
    assert _booked(office) == 170

    clock.current = central.clock.current = datetime(2026, 10, 14, 9, 30)  # back online
    report = run_sync(office)
    assert report.ok and report.rejected == 0, report
    assert report.clock_trusted is True
    assert run_sync(annex).ok
    children = [family.children[0].id for family in families]
    assert _booked(office) == _booked(annex) == _server_booked(db, children) == 170
    for family in families:
        assert _tickets(office, agent, family.id) == 3
        assert _tickets(annex, agent, family.id) == _server_tickets(db, family.id) == 3
    assert list_sync_issues(office, agent) == []
    assert desk_clock(office).text == (
        "Horloge de ce poste : à l'heure (écart 0 s, mesuré le 14/10/2026 à 09:30)."
    )
    assert check(office).ok, check(office).faults


def test_a_desk_whose_clock_was_set_back_three_days_cannot_book_past_a_deadline(
    desks, agent, lea_family, garderie, central, clock, db
):
    office, annex = desks
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(office, agent, 0)
    cash_sale(office, agent, lea_family, ticket, 2, 600)
    assert run_sync(office).ok
    # Four weeks later, the town hall's clock says Friday 9 October 9:30: it is 3 days behind.
    real = datetime(2026, 10, 12, 9, 30)
    clock.current = real - timedelta(days=3)
    book_day(office, agent, lea.id, activity.id, date(2026, 10, 12))  # its deadline: Friday 10:00
    book_day(office, agent, lea.id, activity.id, date(2026, 10, 13))  # Monday 10:00: still ahead
    assert _tickets(office, agent, lea_family.id) == 0

    central.clock.current = real
    report = run_sync(office)
    assert report.ok and report.rejected == 1, report
    assert (report.clock_offset_s, report.clock_trusted) == (3 * 86400, False)
    [issue] = list_sync_issues(office, agent)
    assert issue.title == "Réservation refusée — délai dépassé"
    assert issue.message == (
        "Garderie soir du lundi 12 octobre : le délai est dépassé depuis le vendredi 9 octobre "
        "2026 à 10:00. (l'horloge de ce poste retarde de 3 j : réglez la date et l'heure de cet "
        "ordinateur, puis synchronisez à nouveau ; la demande a été jugée à l'heure du serveur.)"
    )
    assert issue.actions[0].startswith("Le jour n'est pas réservé et le ticket a été rendu : ")
    assert issue.actions[1].startswith("L'horloge de ce poste n'était pas fiable : réglez")
    assert desk_clock(office).text.startswith(
        "Attention : l'horloge de ce poste retarde de 3 j (mesuré le 09/10/2026 à 09:30). "
    )
    assert run_sync(annex).ok
    # Tuesday stands, Monday was given back: one ticket spent, everywhere.
    assert _tickets(office, agent, lea_family.id) == 1
    assert _tickets(annex, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 1
    for store in (office, annex):
        with store.read() as session:
            states = dict(
                session.execute(
                    select(Booking.day, Booking.state).where(Booking.child_id == lea.id)
                ).all()
            )
        assert states.get(date(2026, 10, 13)) == "booked"
        assert states.get(date(2026, 10, 12)) in (None, "cancelled")
    assert _server_booked(db, [lea.id]) == 1


def test_a_refused_day_of_a_post_paid_activity_says_it_will_not_be_invoiced(
    activities, desks, agent, lea_family, central, clock
):
    office, _ = desks
    canteen = activities["CANTINE"]  # billed at the end of the month, no ticket
    real = datetime(2026, 9, 21, 9, 30)
    clock.current = real - timedelta(days=3)  # the town hall's clock: Friday 18, 9:30
    book_day(office, agent, lea_family.children[0].id, canteen.id, date(2026, 9, 21))
    central.clock.current = real
    report = run_sync(office)
    assert report.ok and report.rejected == 1, report
    [issue] = list_sync_issues(office, agent)
    assert issue.message.startswith(
        "Cantine du lundi 21 septembre : le délai est dépassé depuis le vendredi 18 septembre "
        "2026 à 10:00. (l'horloge de ce poste retarde de 3 j : "
    )
    assert issue.actions == (
        "Le jour n'est pas réservé : la journée ne sera pas facturée : réservez avec une "
        "dérogation si elle se justifie, sinon prévenez la famille.",
        "L'horloge de ce poste n'était pas fiable : réglez sa date et son heure (Paramètres › "
        "Poste montre l'écart mesuré), puis refaites la réservation si elle était dans les "
        "délais.",
    )
    assert "ticket" not in issue.actions[0]


def test_a_sync_with_nothing_to_send_still_measures_the_desks_clock(desks, central, clock):
    """The « Poste » page's clock is measured at every sync, not only when ops go up: a desk
    two hours behind is warned before its agent books anything (the moment shown is the
    desk's own clock, the one its agent reads)."""
    office, annex = desks
    central.clock.current = clock.now() + timedelta(hours=2)
    report = run_sync(annex)
    assert report.ok and report.pushed == 0, report
    assert (report.clock_offset_s, report.clock_trusted) == (7200, False)
    assert desk_clock(annex).text.startswith(
        "Attention : l'horloge de ce poste retarde de 2 h 00 (mesuré le 14/09/2026 à 09:30). "
    )
    clock.current = central.clock.current
    assert run_sync(annex).ok
    assert desk_clock(annex).text == (
        "Horloge de ce poste : à l'heure (écart 0 s, mesuré le 14/09/2026 à 11:30)."
    )
