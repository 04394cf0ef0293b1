"""A parent's bookings on the portal: the last ticket goes to one booking only, however many
arrive at once, and another commune's activity is as unknown as one that does not exist."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, select

from eticket_central.models import ActivityDay, Booking, WalletEntry
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import new_commune
from tests.central.helpers import SCHOOL, child, family_payload, wallet_payload

# Eight open days from Tuesday 15 September (the deadline of each is still to come).
DAYS = [date(2026, 9, 15) + timedelta(days=n) for n in range(10) if n not in (4, 5)][:8]


def _garderie(desk, capacity=None) -> uuid.UUID:
    """A prepaid evening garderie (a CANTINE ticket a day), open Monday to Friday."""
    activity_id = uuid.uuid4()
    answer = desk.push(
        desk.op(
            OpType.ACTIVITY_UPSERT,
            activity_id=str(activity_id),
            code=f"GARDERIE_{activity_id.hex[:6].upper()}",
            name="Garderie soir",
            weekdays=[0, 1, 2, 3, 4],
            deadline={"kind": "previous_open_day", "at": "10:00"},
            billing_mode="prepaid",
            ticket_type="CANTINE",
            capacity=capacity,
        )
    )[0]
    assert answer["status"] == "applied", (answer["code"], answer["message"])
    return activity_id


def _parent(central, commune, desk, tickets: int):
    """A family with one child, `tickets` CANTINE tickets and a portal login; (family, child,
    the parent's headers)."""
    login = f"parent.{uuid.uuid4().hex[:6]}"
    family_id, zoe = uuid.uuid4(), uuid.uuid4()
    family = family_payload(
        family_id,
        children=[child(zoe, SCHOOL, first_name="Zoé")],
        portal={"login": login, "password_hash": PasswordHasher().hash("Soleil2026")},
    )
    answers = desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family),
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, tickets)),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    token = httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": "Soleil2026"},
    ).json()["token"]
    return family_id, zoe, {"Authorization": f"Bearer {token}"}


def test_eight_bookings_at_once_with_one_ticket_left_give_one_booking_and_an_empty_wallet(
    central, commune, desk, planning, db
):
    garderie = _garderie(desk)
    family_id, zoe, headers = _parent(central, commune, desk, tickets=1)
    barrier = threading.Barrier(len(DAYS))
    answers: dict[date, httpx.Response] = {}

    def book(day: date) -> None:
        body = {"child_id": str(zoe), "activity_id": str(garderie), "day": day.isoformat()}
        with httpx.Client(base_url=central.url, headers=headers, timeout=60) as http:
            barrier.wait()
            answers[day] = http.post("/portal/bookings", json=body)

    threads = [threading.Thread(target=book, args=(day,)) for day in DAYS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200] + [409] * 7, [a.text for a in answers.values()]
    for answer in answers.values():
        if answer.status_code == 409:
            assert answer.json()["detail"] == {
                "code": "NO_TICKET",
                "message": "Plus de ticket cantine dans votre porte-monnaie : achetez-en au "
                "guichet ou en ligne avant de réserver.",
            }
    db.expire_all()
    wallet = db.execute(
        select(func.sum(WalletEntry.quantity)).where(WalletEntry.family_id == family_id)
    ).scalar_one()
    assert wallet == 0
    booked = db.execute(
        select(Booking.day).where(Booking.activity_id == garderie, Booking.state == "booked")
    ).all()
    [(day,)] = booked
    assert answers[day].status_code == 200
    assert db.get(ActivityDay, (garderie, day)).booked == 1


def test_a_parent_cancelling_in_time_gets_the_ticket_back_and_can_book_again(
    central, commune, desk, planning, db
):
    garderie = _garderie(desk)
    family_id, zoe, headers = _parent(central, commune, desk, tickets=1)
    body = {"child_id": str(zoe), "activity_id": str(garderie), "day": DAYS[0].isoformat()}
    other = {**body, "day": DAYS[1].isoformat()}
    assert httpx.post(f"{central.url}/portal/bookings", headers=headers, json=body).json() == {
        "state": "booked",
        "changed": True,
        "late": False,
    }
    refused = httpx.post(f"{central.url}/portal/bookings", headers=headers, json=other)
    assert (refused.status_code, refused.json()["detail"]["code"]) == (409, "NO_TICKET")
    cancelled = httpx.post(
        f"{central.url}/portal/bookings", headers=headers, json={**body, "action": "cancel"}
    )
    assert cancelled.json() == {"state": "cancelled", "changed": True, "late": False}
    assert httpx.post(
        f"{central.url}/portal/bookings", headers=headers, json=other
    ).status_code == (200)
    db.expire_all()
    entries = db.execute(
        select(WalletEntry.quantity)
        .where(WalletEntry.family_id == family_id)
        .order_by(WalletEntry.occurred_at, WalletEntry.quantity)
    ).all()
    assert sorted(q for (q,) in entries) == [-1, -1, 1, 1]  # bought, taken, given back, taken


def test_another_communes_activity_is_as_unknown_as_one_that_does_not_exist(
    central, commune, desk, planning, db
):
    _, zoe, headers = _parent(central, commune, desk, tickets=3)
    elsewhere = new_commune(central)
    their_desk = elsewhere.desk()
    try:
        theirs = _garderie(their_desk)
    finally:
        their_desk.close()
    answers = [
        httpx.post(
            f"{central.url}/portal/bookings",
            headers=headers,
            json={"child_id": str(zoe), "activity_id": str(activity), "day": DAYS[0].isoformat()},
        )
        for activity in (theirs, uuid.uuid4())
    ]
    assert [(a.status_code, a.json()) for a in answers] == [
        (404, {"detail": "Activité inconnue."}),
        (404, {"detail": "Activité inconnue."}),
    ]
    db.expire_all()
    assert db.execute(select(func.count()).where(Booking.activity_id == theirs)).scalar_one() == 0
