"""What a parent changes on the portal reaches the counter: contact details checked like at
the desk, a cancelled invoice that cannot be paid online."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from eticket_desk.models import Adult, Family
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.families.search import search_families
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.status import sync_status
from tests.sync.conftest import parent_headers


@pytest.fixture
def parent(store, admin, lea_family, client, central, commune):
    """The family's portal access handed over, synced, and the parent logged in."""
    letter = issue_portal_access(store, admin, lea_family.id, lea_family.adults[0].id)
    assert sync_once(store, client).ok
    return parent_headers(central, commune, letter)


def _mother(store, family_id) -> Adult:
    with store.read() as session:
        return session.scalars(
            select(Adult).where(Adult.family_id == family_id).order_by(Adult.position)
        ).first()


def test_a_parent_changes_phone_and_email_and_the_counter_finds_the_new_number(
    store, agent, lea_family, client, central, parent
):
    mother = _mother(store, lea_family.id)
    with store.read() as session:
        version_before = session.get(Family, lea_family.id).version
    answer = httpx.post(
        f"{central.url}/portal/contacts",
        headers=parent,
        json={
            "adult_id": str(mother.id),
            "phone_mobile": "07 81 22 33 44",
            "email": "Claire.Martin@Example.org",
        },
    )
    assert answer.status_code == 200, answer.text
    report = sync_once(store, client)
    assert report.ok and report.pulled == 1
    changed = _mother(store, lea_family.id)
    assert (changed.phone_mobile, changed.email) == ("+33781223344", "Claire.Martin@example.org")
    assert changed.last_name == mother.last_name  # what was not sent stays
    with store.read() as session:
        assert session.get(Family, lea_family.id).version == version_before + 1
    assert [h.id for h in search_families(store, agent, "0781223344")] == [lea_family.id]
    assert sync_status(store).waiting_ops == 0  # nothing sent back


def test_a_wrong_phone_is_refused_in_french_and_nothing_changes(
    store, lea_family, client, central, parent
):
    mother = _mother(store, lea_family.id)
    answer = httpx.post(
        f"{central.url}/portal/contacts",
        headers=parent,
        json={"adult_id": str(mother.id), "phone_mobile": "12", "email": "claire@@x"},
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail == (
        "Rien n'a été modifié : « 12 » n'est pas un numéro valide (10 chiffres en France, ex. "
        "06 12 34 56 78). « claire@@x » n'est pas une adresse e-mail valide."
    )
    report = sync_once(store, client)
    assert report.ok and report.pulled == 0
    assert _mother(store, lea_family.id).phone_mobile == mother.phone_mobile


def test_a_parent_cannot_change_someone_outside_the_dossier(
    store, lea_family, client, central, parent, family
):
    stranger = _mother(store, family.id)  # another family's mother
    answer = httpx.post(
        f"{central.url}/portal/contacts",
        headers=parent,
        json={"adult_id": str(stranger.id), "phone_mobile": "0781223344"},
    )
    assert answer.status_code == 404  # like an id that exists nowhere
    assert answer.json()["detail"] == "Cette personne n'est pas un responsable de votre dossier."


def test_a_seat_freed_on_the_portal_goes_to_the_waiting_child_at_the_next_sync(
    store, admin, agent, lea_family, garderie, server_planning, client, central, parent, schools, db
):
    from eticket_central.models import Booking as ServerBooking
    from eticket_desk.models import Booking
    from eticket_desk.services.bookings.booking import book_day
    from eticket_desk.services.core.changes import FamilyTopic
    from eticket_desk.services.counter.till import open_till
    from tests.conftest import cash_sale, validated_family
    from tests.sync.test_push_pull import MONDAY

    ticket, activity = garderie
    hugo_family = validated_family(
        store, admin, schools, last_name="Martin", child_first_name="Hugo"
    )
    lea, hugo = lea_family.children[0], hugo_family.children[0]
    open_till(store, agent, 0)
    for family in (lea_family, hugo_family):
        cash_sale(store, agent, family, ticket, 2, 480)
    book_day(store, agent, lea.id, activity.id, MONDAY)  # the only seat
    book_day(store, agent, hugo.id, activity.id, MONDAY, waiting_list=True)
    assert sync_once(store, client).ok
    cancelled = httpx.post(
        f"{central.url}/portal/bookings",
        headers=parent,
        json={
            "child_id": str(lea.id),
            "activity_id": str(activity.id),
            "day": MONDAY.isoformat(),
            "action": "cancel",
        },
    )
    assert cancelled.status_code == 200, cancelled.text

    pulled = sync_once(store, client)  # pulls the cancellation, promotes Hugo
    assert pulled.ok
    assert FamilyTopic(hugo_family.id) in pulled.changed  # Hugo's dossier and wallet reload
    with store.read() as session:
        states = {
            b.child_id: b.state
            for b in session.scalars(select(Booking).where(Booking.day == MONDAY))
        }
    assert states == {lea.id: "cancelled", hugo.id: "booked"}
    assert sync_once(store, client).ok  # the promotion goes up
    db.expire_all()
    on_server = dict(
        db.execute(
            select(ServerBooking.child_id, ServerBooking.state).where(ServerBooking.day == MONDAY)
        ).all()
    )
    assert on_server == {lea.id: "cancelled", hugo.id: "booked"}
