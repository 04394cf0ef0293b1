"""A desk syncing with the real central server: its outbox pushed in order and answered,
a booking the server refuses undone here (seat and ticket back) with a sync issue, and the
changes made elsewhere pulled in one transaction."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta

import httpx
from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_central.models import WalletEntry as ServerWallet
from eticket_desk.models import Adult, Booking, Occupancy, OutboxOp
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.families.search import search_families
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.issues import list_sync_issues, mark_handled
from eticket_desk.services.syncing.pulled import apply_changes
from eticket_desk.services.syncing.state import read_cursor
from eticket_desk.services.syncing.status import sync_status
from eticket_desk.sync.oplog import write_ops
from eticket_desk.sync.protocol import Change, OpType
from tests.central.helpers import child, family_payload
from tests.conftest import cash_sale
from tests.sync.conftest import parent_headers

MONDAY, TUESDAY = date(2026, 9, 21), date(2026, 9, 22)
NEXT_DAY = date(2026, 9, 15)  # its deadline: Monday 14 September, 10:00


def _statuses(store) -> list[tuple[str, str]]:
    with store.read() as session:
        return [
            (op.type, op.status) for op in session.scalars(select(OutboxOp).order_by(OutboxOp.seq))
        ]


def _server_tickets(db, family_id) -> int:
    db.expire_all()
    return db.scalar(
        select(func.coalesce(func.sum(ServerWallet.quantity), 0)).where(
            ServerWallet.family_id == family_id
        )
    )


def _tickets(store, agent, family_id) -> int:
    return sum(b.tickets for b in balances(store, agent, family_id))


def _sell_and_book(store, agent, family, garderie, day=MONDAY):
    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 2, 500)
    book_day(store, agent, family.children[0].id, activity.id, day)


def test_the_outbox_is_pushed_in_order_and_every_answer_recorded(
    store, agent, lea_family, garderie, server_planning, client, db
):
    _sell_and_book(store, agent, lea_family, garderie)
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report
    statuses = _statuses(store)
    # The town's schools and organisation, then the dossier, before its sale and booking.
    assert [t for t, _ in statuses[:4]] == [
        "school.upsert",
        "school.upsert",
        "organisation.upsert",
        "family.upsert",
    ]
    assert {s for _, s in statuses} == {"applied"}
    assert report.pushed == len(statuses)
    db.expire_all()
    server = db.scalar(select(ServerBooking).where(ServerBooking.day == MONDAY))
    assert (server.child_id, server.state) == (lea_family.children[0].id, "booked")
    # Ledgers equal on both sides: 2 bought, 1 spent.
    assert _server_tickets(db, lea_family.id) == _tickets(store, agent, lea_family.id) == 1
    assert read_cursor(store) > 0
    status = sync_status(store)
    assert (status.waiting_ops, status.online, status.last_error) == (0, True, "")
    # Again: nothing to push, nothing new (our own changes are not applied twice).
    again = sync_once(store, client)
    assert (again.pushed, again.pulled, again.error) == (0, 0, "")


def test_an_outbox_pushed_two_ops_at_a_time_arrives_in_order(
    store, agent, lea_family, garderie, server_planning, client, db, monkeypatch
):
    import eticket_desk.sync.client as sync_client

    monkeypatch.setattr(sync_client, "PUSH_BATCH", 2)
    _sell_and_book(store, agent, lea_family, garderie)
    sent = len(_statuses(store))
    report = sync_once(store, client)
    # Each dossier before its sale and booking, batch after batch: the server refused none.
    assert report.ok and (report.pushed, report.rejected) == (sent, 0), report
    assert {s for _, s in _statuses(store)} == {"applied"}
    db.expire_all()
    assert _server_tickets(db, lea_family.id) == _tickets(store, agent, lea_family.id) == 1


def test_a_booking_refused_as_full_frees_the_seat_and_gives_the_ticket_back(
    store, agent, lea_family, garderie, server_planning, client, other_desk, db, schools
):
    assert sync_once(store, client).ok  # the server has the desk's planning
    # Meanwhile, another desk took the only seat of Monday for another child.
    other_child = uuid.uuid4()
    school = schools[0].id if hasattr(schools[0], "id") else schools[0]
    answers = other_desk.push(
        other_desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(
                uuid.uuid4(), reference="F-AUTRE", children=[child(other_child, school)]
            ),
        ),
        other_desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(other_child),
            activity_id=str(server_planning.id),
            day=MONDAY.isoformat(),
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    _sell_and_book(store, agent, lea_family, garderie)
    assert _tickets(store, agent, lea_family.id) == 1
    report = sync_once(store, client)
    assert report.ok and report.rejected == 1
    lea = lea_family.children[0]
    with store.read() as session:
        booking = session.get(Booking, (server_planning.id, MONDAY, lea.id))
        assert booking.state == "cancelled"
        seats = session.scalar(select(func.sum(Occupancy.booked)).where(Occupancy.day == MONDAY))
        assert seats == 0
    # The ticket is back here, and the server heard of it (the same sync pushed it).
    assert _tickets(store, agent, lea_family.id) == 2
    assert _server_tickets(db, lea_family.id) == 2
    issues = list_sync_issues(store, agent)
    assert [(i.title, i.subject) for i in issues] == [
        ("Réservation refusée — complet", "Léa Dupont — Garderie soir du lundi 21 septembre 2026")
    ]
    assert "liste d'attente" in issues[0].actions[0]
    assert sync_status(store).open_issues == 1
    mark_handled(store, agent, issues[0].ref)
    assert list_sync_issues(store, agent) == []
    assert len(list_sync_issues(store, agent, include_handled=True)) == 1


def test_changes_made_elsewhere_are_pulled_in_one_transaction(
    store, agent, lea_family, garderie, server_planning, client, other_desk
):
    assert sync_once(store, client).ok  # the server knows the dossier (version 2)
    with store.read() as session:
        last = session.scalars(
            select(OutboxOp).where(OutboxOp.type == "family.upsert").order_by(OutboxOp.seq.desc())
        ).first()
    payload = json.loads(last.payload)
    payload["base_version"] = 2
    mother = payload["adults"][0]
    # The other desk's edit of the mobile (what it changed since the dossier it knew).
    payload["edits"] = [
        {"path": f"adults/{mother['id']}/phone_mobile", "old": mother["phone_mobile"]}
    ]
    mother["phone_mobile"] = "+33611223344"
    lea = lea_family.children[0]
    answers = other_desk.push(
        other_desk.op(OpType.FAMILY_UPSERT, **payload),
        other_desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(lea.id),
            activity_id=str(server_planning.id),
            day=TUESDAY.isoformat(),
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    before = read_cursor(store)
    report = sync_once(store, client)
    assert report.ok and report.pulled == 2
    assert read_cursor(store) > before
    with store.read() as session:
        adult = session.get(Adult, uuid.UUID(payload["adults"][0]["id"]))
        assert adult.phone_mobile == "+33611223344"
        assert session.get(Booking, (server_planning.id, TUESDAY, lea.id)).state == "booked"
        seats = session.scalar(select(func.sum(Occupancy.booked)).where(Occupancy.day == TUESDAY))
        assert seats == 1
    # The counter finds the family by its new number.
    assert [h.id for h in search_families(store, agent, "0611223344")] == [lea_family.id]
    # Applying the server's changes wrote no op back.
    assert sync_status(store).waiting_ops == 0


def test_a_day_booked_on_the_parents_portal_comes_down_to_the_desk(
    store, admin, agent, lea_family, garderie, server_planning, client, central, commune, db
):
    letter = issue_portal_access(store, admin, lea_family.id, lea_family.adults[0].id)
    assert sync_once(store, client).ok  # the dossier and its portal login go up
    headers = parent_headers(central, commune, letter)
    lea = lea_family.children[0]
    day = {"child_id": str(lea.id), "activity_id": str(server_planning.id), "day": "2026-09-22"}
    no_ticket = httpx.post(f"{central.url}/portal/bookings", headers=headers, json=day)
    assert no_ticket.status_code == 409  # the garderie is prepaid: a ticket per day
    assert no_ticket.json()["detail"]["message"].startswith("Plus de ticket garderie")
    ticket, _ = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 2, 500)
    assert sync_once(store, client).ok  # the two tickets go up
    booked = httpx.post(f"{central.url}/portal/bookings", headers=headers, json=day)
    assert booked.status_code == 200, booked.text
    report = sync_once(store, client)
    assert report.ok and report.pulled == 2  # the day and its ticket
    assert _tickets(store, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 1
    with store.read() as session:
        booking = session.get(Booking, (server_planning.id, TUESDAY, lea.id))
        assert (booking.state, booking.source) == ("booked", "portal")
        seats = session.scalar(select(func.sum(Occupancy.booked)).where(Occupancy.day == TUESDAY))
        assert seats == 1
    assert sync_status(store).waiting_ops == 0


def test_a_row_with_an_unanswered_local_op_is_not_overwritten_by_a_pull(
    store, agent, lea_family, garderie
):
    _sell_and_book(store, agent, lea_family, garderie)  # not pushed yet
    _, activity = garderie
    lea = lea_family.children[0]
    server_says = Change(
        seq=7,
        entity="booking",
        id=f"{activity.id}/{MONDAY.isoformat()}/{lea.id}",
        data={
            "activity_id": str(activity.id),
            "day": MONDAY.isoformat(),
            "child_id": str(lea.id),
            "family_id": str(lea_family.id),
            "state": "cancelled",
            "late": False,
            "source": "portal",
            "updated_at": "2026-09-14T09:00:00",
        },
    )
    assert apply_changes(store, uuid.uuid4(), [server_says], 7).applied == 0
    with store.read() as session:
        assert session.get(Booking, (activity.id, MONDAY, lea.id)).state == "booked"
    assert read_cursor(store) == 7


def test_an_op_the_protocol_refuses_is_answered_here_and_does_not_block_the_others(
    store, agent, admin, lea_family, client
):
    with store.write(admin) as session:
        write_ops(session, [(OpType.WALLET_ENTRY, {"entry_id": "pas-un-uuid"}, "", "")])
    report = sync_once(store, client)
    # The two schools, the organisation and the two saves of the dossier.
    assert report.ok and report.rejected == 1 and report.pushed == 5
    [issue] = list_sync_issues(store, agent)
    assert issue.title == "Porte-monnaie refusé — opération illisible"
    assert issue.message.startswith(
        "Opération refusée par ce poste : payload.entry_id : identifiant (UUID) invalide"
    )


def test_deadlines_follow_the_server_clock_when_the_desk_clock_is_two_days_behind(
    store, agent, lea_family, garderie, server_planning, client, central
):
    central.clock.current = store.clock.now() + timedelta(days=2)  # Wednesday 16, 9:30
    _sell_and_book(store, agent, lea_family, garderie, day=NEXT_DAY)  # fine by the desk clock
    report = sync_once(store, client)
    assert report.ok and report.rejected == 1
    [issue] = list_sync_issues(store, agent)
    assert issue.title == "Réservation refusée — délai dépassé"
    assert "dérogation" in issue.actions[0]
    assert _tickets(store, agent, lea_family.id) == 2  # the ticket is back


def test_a_late_change_carries_the_agents_reason_and_the_server_accepts_it(
    store, admin, agent, lea_family, garderie, server_planning, client, central
):
    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 2, 500)
    store.clock.current = central.clock.current = datetime(2026, 9, 14, 11, 0)  # too late
    lea = lea_family.children[0]
    book_day(store, admin, lea.id, activity.id, NEXT_DAY, override_reason="Rendez-vous médical")
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report
    with store.read() as session:
        op = session.scalars(select(OutboxOp).where(OutboxOp.type == "booking.book")).one()
    assert json.loads(op.payload)["override_reason"] == "Rendez-vous médical"
    assert json.loads(op.result)["state"] == "booked"
