"""The outbox: a booking, a sale and a family edit each leave exactly their ops, written in
the same transaction (a transaction that fails leaves none)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from sqlalchemy import select

from eticket_desk.models import OutboxOp
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.form_days import DaySet
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.subscriptions.data import SubscriptionDraft
from eticket_desk.services.subscriptions.forms import apply_subscription
from eticket_desk.sync.planning_ops import ORGANISATION_FIELDS
from eticket_desk.sync.planning_payloads import OrganisationUpsert
from eticket_desk.sync.protocol import OpType, make_op
from tests.conftest import cash_sale, validated_family

MONDAY = date(2026, 9, 21)


@pytest.fixture
def dossier(store, admin, schools):
    return validated_family(store, admin, schools)


def _ops(store, after: int = 0) -> list[tuple[str, dict]]:
    with store.read() as session:
        rows = session.scalars(
            select(OutboxOp).where(OutboxOp.seq > after).order_by(OutboxOp.seq)
        ).all()
    for row in rows:  # every op is a valid op of the protocol
        make_op(OpType(row.type), json.loads(row.payload), row.seq, row.op_id)
    return [(row.type, json.loads(row.payload)) for row in rows]


def _last_seq(store) -> int:
    with store.read() as session:
        return session.scalar(select(OutboxOp.seq).order_by(OutboxOp.seq.desc()).limit(1)) or 0


def test_a_family_save_is_one_upsert_with_the_whole_dossier(store, agent, family):
    ops = _ops(store)
    # The new town's two schools and its organisation first, then the dossier.
    assert [t for t, _ in ops] == [
        "school.upsert",
        "school.upsert",
        "organisation.upsert",
        "family.upsert",
    ]
    payload = ops[-1][1]
    assert payload["family_id"] == str(family.id) and payload["base_version"] == 0
    assert [a["last_name"] for a in payload["adults"]] == [a.last_name for a in family.adults]
    assert [c["first_name"] for c in payload["children"]] == ["Léa"]
    before = _last_seq(store)
    adults = [dataclasses.replace(family.adults[0], phone_mobile="06 99 88 77 66")]
    save_family(store, agent, dataclasses.replace(family, adults=adults + family.adults[1:]))
    ops = _ops(store, before)
    assert [t for t, _ in ops] == ["family.upsert"]  # one op per family and transaction
    assert ops[0][1]["adults"][0]["phone_mobile"] == "+33699887766"
    assert ops[0][1]["base_version"] == 1  # the first upsert will have made version 1


def test_a_sale_and_a_prepaid_booking_leave_their_money_ops(store, agent, dossier, garderie):
    family = dossier
    ticket, activity = garderie
    lea = family.children[0]
    open_till(store, agent, 0)
    before = _last_seq(store)
    done = cash_sale(store, agent, family, ticket, 2, 500)
    ops = _ops(store, before)
    assert sorted(t for t, _ in ops) == ["payment.received", "wallet.entry"]
    payment = dict(ops)["payment.received"]
    assert payment["amount_cents"] == 480 and payment["method"] == "cash"
    assert payment["invoice_id"] is None and payment["receipt_number"] == done.receipt_number
    wallet = dict(ops)["wallet.entry"]
    assert (wallet["quantity"], wallet["kind"], wallet["ticket_type"]) == (
        2,
        "purchase",
        "GARDERIE",
    )

    before = _last_seq(store)
    book_day(store, agent, lea.id, activity.id, MONDAY)
    ops = _ops(store, before)
    assert sorted(t for t, _ in ops) == ["booking.book", "wallet.entry"]
    booking = dict(ops)["booking.book"]
    assert booking == {
        "child_id": str(lea.id),
        "activity_id": str(activity.id),
        "day": "2026-09-21",
    }
    assert dict(ops)["wallet.entry"]["quantity"] == -1

    before = _last_seq(store)
    cancel_booking(store, agent, lea.id, activity.id, MONDAY)
    assert sorted(t for t, _ in _ops(store, before)) == ["booking.cancel", "wallet.entry"]


def test_a_booking_refused_or_failing_leaves_no_op(store, agent, dossier, garderie):
    family = dossier
    _, activity = garderie
    before = _last_seq(store)
    with pytest.raises(DomainError):  # no ticket in the wallet
        book_day(store, agent, family.children[0].id, activity.id, MONDAY)
    assert _ops(store, before) == []


def test_a_transaction_rolled_back_leaves_no_op(store, agent, family):
    before = _last_seq(store)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.write(agent) as session:
        from eticket_desk.models import Family

        session.get(Family, family.id).notes = "Changement perdu"
        session.flush()
        raise Boom
    assert _ops(store, before) == []


def test_the_planning_goes_up_as_calendar_and_activity_ops(store, activities):
    ops = _ops(store)
    calendars = [p for t, p in ops if t == "calendar.upsert"]
    assert [c["label"] for c in calendars] == ["2026-2027"]
    assert any(c["label"] == "Vacances de la Toussaint" for c in calendars[0]["closures"])
    by_code = {p["code"]: p for t, p in ops if t == "activity.upsert"}
    assert set(by_code) == {"CANTINE", "BUS", "TAP"}
    assert by_code["BUS"]["capacity"] == 2 and by_code["TAP"]["levels"][0] == "CP"
    assert by_code["CANTINE"]["deadline"] == {
        "kind": "previous_open_day",
        "at": "10:00",
        "weekday": 1,
    }


def test_a_form_pays_its_days_before_they_go_up_and_a_freed_seat_follows(
    store, admin, agent, schools, dossier, garderie, activities
):
    """One transaction, several writers: the ops keep the order the server needs (the form's
    wallet line, then its days; a promotion from the waiting list after the cancellation that
    freed its seat)."""
    ticket, activity = garderie
    lea = dossier.children[0]
    open_till(store, agent, 0)
    cash_sale(store, agent, dossier, ticket, 10, 5000)
    before = _last_seq(store)
    draft = SubscriptionDraft(
        lea.id, activity.id, MONDAY, date(2026, 10, 2), WeekTemplate(frozenset({0, 3}))
    )
    apply_subscription(store, agent, draft)
    ops = _ops(store, before)
    assert [t for t, _ in ops] == ["wallet.entry", "bookings.apply"]
    assert ops[0][1]["quantity"] == -4  # the form's four days, in one line
    listed = [date.fromisoformat(d) for d in ops[1][1]["book"]]
    days = sorted(DaySet.from_json(ops[1][1]["book_terms"]).days() + listed)
    assert [d.isoformat() for d in days] == ["2026-09-21", "2026-09-24", "2026-09-28", "2026-10-01"]

    bus, day = activities["BUS"], date(2026, 9, 28)
    others = [validated_family(store, admin, schools, last_name=n) for n in ("Martin", "Petit")]
    book_day(store, agent, lea.id, bus.id, day)
    book_day(store, agent, others[0].children[0].id, bus.id, day)
    book_day(store, agent, others[1].children[0].id, bus.id, day, waiting_list=True)
    before = _last_seq(store)
    cancel_booking(store, agent, lea.id, bus.id, day)
    ops = _ops(store, before)
    assert [(t, p["child_id"]) for t, p in ops] == [
        ("booking.cancel", str(lea.id)),
        ("booking.book", str(others[1].children[0].id)),
    ]


def test_the_organisation_op_carries_every_field_of_the_wire_schema():
    """planning_ops names the fields itself (opening a base loads no pydantic): the same
    fields, in the same order, as the schema the server reads."""
    wire = tuple(name for name in OrganisationUpsert.model_fields if name != "organisation_id")
    assert wire == ORGANISATION_FIELDS


def test_each_op_goes_up_with_when_and_by_whom_it_was_made(store, agent, clock, family):
    """The wire op names the agent and the desk's time of the change (the server judges a
    deadline at that moment and names the author of a conflicting value)."""
    from eticket_desk.services.syncing.state import pending_ops
    from eticket_desk.sync.client import wire_op
    from eticket_desk.sync.protocol import OP_MODELS

    clock.advance(minutes=7)
    save_family(store, agent, family)
    row = [r for r in pending_ops(store, 100) if r.type == OpType.FAMILY_UPSERT][-1]
    op = OP_MODELS[OpType.FAMILY_UPSERT].model_validate_json(wire_op(row))
    assert (op.made_at, op.made_by) == (clock.now(), agent.full_name)
    assert agent.full_name  # the fixture's agent has a name to send
