"""Bookings decided on the server with the desk's own rules and the server's clock: the last
seat goes to one of two offline desks and an online parent, deadlines follow the server."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select

from eticket_central.models import ActivityDay, Booking, WalletEntry
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import (
    SCHOOL,
    TUESDAY,
    a_child,
    child,
    family_payload,
    wallet_payload,
)


def _book(desk, child_id, activity_id, day=TUESDAY, **extra):
    return desk.op(
        OpType.BOOKING_BOOK,
        child_id=str(child_id),
        activity_id=str(activity_id),
        day=day.isoformat(),
        **extra,
    )


def _seats(db, activity_id, day=TUESDAY) -> int:
    db.expire_all()
    return db.execute(
        select(func.count()).where(
            Booking.activity_id == activity_id, Booking.day == day, Booking.state == "booked"
        )
    ).scalar_one()


def test_the_last_seat_goes_to_one_of_two_desks_and_a_parent_online(central, commune, planning, db):
    office, canteen = commune.desk("Accueil"), commune.desk("Régie")
    lea, hugo = a_child(office, "Léa"), a_child(office, "Hugo")
    login = f"parent.{uuid.uuid4().hex[:6]}"
    portal = {"login": login, "password_hash": PasswordHasher().hash("Soleil2026")}
    zoe = a_child(office, "Zoé", portal=portal)
    token = httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": "Soleil2026"},
    ).json()["token"]
    # Both desks queued their booking offline; they come back online with the parent.
    answers: dict[str, object] = {}
    barrier = threading.Barrier(3)

    def desk_push(name, desk, child_id):
        op = _book(desk, child_id, planning)
        barrier.wait()
        answers[name] = desk.push(op)[0]

    def parent_books():
        barrier.wait()
        answers["parent"] = httpx.post(
            f"{central.url}/portal/bookings",
            json={"child_id": str(zoe), "activity_id": str(planning), "day": TUESDAY.isoformat()},
            headers={"Authorization": f"Bearer {token}"},
        )

    threads = [
        threading.Thread(target=desk_push, args=("office", office, lea)),
        threading.Thread(target=desk_push, args=("canteen", canteen, hugo)),
        threading.Thread(target=parent_books),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    parent = answers.pop("parent")
    outcomes = [a["status"] for a in answers.values()] + [
        "applied" if parent.status_code == 200 else "rejected"
    ]
    assert sorted(outcomes) == ["applied", "rejected", "rejected"]
    for answer in answers.values():
        if answer["status"] == "rejected":
            assert answer["code"] == "CAPACITY_FULL"
            assert "complet (1 places)" in answer["message"]
    if parent.status_code != 200:
        assert parent.status_code == 409
        assert parent.json()["detail"]["code"] == "CAPACITY_FULL"
    assert _seats(db, planning) == 1  # capacity never exceeded
    assert db.get(ActivityDay, (planning, TUESDAY)).booked == 1


def test_deadlines_follow_the_servers_clock_not_the_desks(central, desk, planning):
    lea = a_child(desk, "Léa")
    # The desk's clock is two days behind (it believes it is Saturday 12th): irrelevant, the
    # op carries no time of its own; the server's clock says Monday 10:30, past the deadline.
    central.clock.current = central.clock.current.replace(hour=10, minute=30)
    late = desk.push(_book(desk, lea, planning))[0]
    assert late["status"] == "rejected"
    assert late["code"] == "DEADLINE_PASSED"
    assert late["message"] == (
        "Cantine du mardi 15 septembre : le délai est dépassé depuis le "
        "lundi 14 septembre 2026 à 10:00."
    )
    # Wednesday is not a canteen day; Thursday's deadline (Tuesday 10:00) is still ahead.
    closed = desk.push(_book(desk, lea, planning, day=date(2026, 9, 16)))[0]
    assert closed["code"] == "DAY_CLOSED"
    thursday = desk.push(_book(desk, lea, planning, day=date(2026, 9, 17)))[0]
    assert thursday["status"] == "applied"
    assert thursday["result"] == {"state": "booked", "changed": True, "late": False}
    # An agent's override with a reason, checked on the desk, passes the deadline.
    forced = desk.push(_book(desk, lea, planning, override_reason="Retour d'hospitalisation"))[0]
    assert forced["result"] == {"state": "booked", "changed": True, "late": True}


def test_a_dossier_not_validated_cannot_book(desk, planning):
    draft = a_child(desk, "Paul", status="incomplete")
    answer = desk.push(_book(desk, draft, planning))[0]
    assert (answer["status"], answer["code"]) == ("rejected", "DOSSIER_NOT_VALIDATED")


def test_a_cancellation_frees_the_seat_and_the_waiting_list_takes_the_full_day(desk, planning, db):
    lea, hugo = a_child(desk, "Léa"), a_child(desk, "Hugo")
    assert desk.push(_book(desk, lea, planning))[0]["result"]["state"] == "booked"
    waiting = desk.push(_book(desk, hugo, planning, waiting_list=True))[0]
    assert waiting["result"]["state"] == "waiting"
    cancel = desk.op(
        OpType.BOOKING_CANCEL,
        child_id=str(lea),
        activity_id=str(planning),
        day=TUESDAY.isoformat(),
    )
    assert desk.push(cancel)[0]["result"]["state"] == "cancelled"
    assert _seats(db, planning) == 0
    assert desk.push(_book(desk, hugo, planning))[0]["result"]["state"] == "booked"
    assert _seats(db, planning) == 1
    bookings = [c for c in desk.pull_all() if c["entity"] == "booking"]
    assert [b["data"]["state"] for b in bookings] == ["booked", "waiting", "cancelled", "booked"]


def test_a_booking_for_a_child_the_server_does_not_know_is_rejected(desk, planning):
    answer = desk.push(_book(desk, uuid.uuid4(), planning))[0]
    assert (answer["status"], answer["code"]) == ("rejected", "NOT_FOUND")


def test_a_tap_day_is_refused_day_by_day_even_with_an_agents_override(desk, planning):
    """Seed 003: TAP changes through the subscription form only; an override covers
    deadlines, so the server refuses it as the desk does."""
    tap = uuid.uuid4()
    upsert = desk.op(
        OpType.ACTIVITY_UPSERT,
        activity_id=str(tap),
        code="TAP",
        name="TAP",
        weekdays=[1, 4],
        deadline={"kind": "subscription_only"},
        billing_mode="fare",
    )
    assert desk.push(upsert)[0]["status"] == "applied"
    lea = a_child(desk, "Léa")
    friday = date(2026, 9, 18)
    day = {"child_id": str(lea), "activity_id": str(tap), "day": friday.isoformat()}
    # The form (here the desk's first upload) holds Friday; Tuesday 22 is not booked.
    form = desk.op(
        OpType.BOOKINGS_APPLY,
        child_id=str(lea),
        activity_id=str(tap),
        book=[friday.isoformat()],
        initial=True,
    )
    assert desk.push(form)[0]["result"]["changed"] == 1
    for op_type, asked in (
        (OpType.BOOKING_CANCEL, day),
        (OpType.BOOKING_BOOK, {**day, "day": "2026-09-22"}),
    ):
        answer = desk.push(desk.op(op_type, **asked, override_reason="Demande de la famille"))[0]
        assert (answer["status"], answer["code"]) == ("rejected", "SUBSCRIPTION_ONLY")
        assert answer["message"] == (
            "Les TAP se modifient par l'inscription (formulaire d'inscription), pas jour par jour."
        )


def test_a_child_taken_off_the_waiting_list_after_the_deadline_is_no_late_cancellation(
    central, desk, planning
):
    lea, hugo = a_child(desk, "Léa"), a_child(desk, "Hugo")
    assert desk.push(_book(desk, lea, planning))[0]["result"]["state"] == "booked"
    assert desk.push(_book(desk, hugo, planning, waiting_list=True))[0]["result"]["state"] == (
        "waiting"
    )
    central.clock.current = central.clock.current.replace(hour=10, minute=30)  # deadline passed
    cancel = desk.op(
        OpType.BOOKING_CANCEL,
        child_id=str(hugo),
        activity_id=str(planning),
        day=TUESDAY.isoformat(),
        override_reason="Famille partie",
    )
    # Never held a seat: not billed as a late cancellation on any desk that pulls it.
    assert desk.push(cancel)[0]["result"] == {"state": "cancelled", "changed": True, "late": False}
    changes = [
        c for c in desk.pull_all() if c["entity"] == "booking" and c["id"].endswith(str(hugo))
    ]
    assert [(c["data"]["state"], c["data"]["late"]) for c in changes] == [
        ("waiting", False),
        ("cancelled", False),
    ]


def test_a_parent_taking_a_child_off_the_waiting_list_gets_no_ticket_never_taken(
    central, commune, desk, planning, db
):
    """A prepaid day on the waiting list took no ticket: leaving the list gives none back."""
    garderie = uuid.uuid4()
    upsert = desk.op(
        OpType.ACTIVITY_UPSERT,
        activity_id=str(garderie),
        code="GARDERIE",
        name="Garderie soir",
        weekdays=[0, 1, 3, 4],
        deadline={"kind": "previous_open_day", "at": "10:00"},
        billing_mode="prepaid",
        ticket_type="CANTINE",
        capacity=1,
    )
    assert desk.push(upsert)[0]["status"] == "applied"
    login = f"parent.{uuid.uuid4().hex[:6]}"
    family_id, zoe = uuid.uuid4(), uuid.uuid4()
    family = family_payload(
        family_id,
        children=[child(zoe, SCHOOL, first_name="Zoé")],
        portal={"login": login, "password_hash": PasswordHasher().hash("Soleil2026")},
    )
    answers = desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 2)),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"]
    lea = a_child(desk, "Léa")
    assert desk.push(_book(desk, lea, garderie))[0]["result"]["state"] == "booked"
    assert desk.push(_book(desk, zoe, garderie, waiting_list=True))[0]["result"]["state"] == (
        "waiting"
    )
    token = httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": "Soleil2026"},
    ).json()["token"]
    cancelled = httpx.post(
        f"{central.url}/portal/bookings",
        json={
            "child_id": str(zoe),
            "activity_id": str(garderie),
            "day": TUESDAY.isoformat(),
            "action": "cancel",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json() == {"state": "cancelled", "changed": True, "late": False}
    db.expire_all()
    tickets = db.execute(
        select(func.sum(WalletEntry.quantity)).where(WalletEntry.family_id == family_id)
    ).scalar_one()
    assert tickets == 2  # still the two bought: none taken, none given back
