"""A paper form goes up as one op for all its days; the server judges each day, and what it
did not grant is taken back at the desk (seat, ticket) and shown as one sync issue."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_desk.models import Booking, OutboxOp
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.sync.protocol import OpType, RejectCode
from tests.central.helpers import child, family_payload
from tests.conftest import cash_sale
from tests.sync.test_push_pull import MONDAY, _server_tickets, _tickets


def _ops(store) -> dict[str, int]:
    with store.read() as session:
        rows = session.execute(select(OutboxOp.type, func.count()).group_by(OutboxOp.type))
        return dict(rows.all())


def test_a_form_goes_up_in_one_op_and_its_full_day_waits_on_both_sides(
    store, agent, lea_family, garderie, server_planning, client, other_desk, db, schools
):
    assert sync_once(store, client).ok  # the server has the desk's planning
    other_child = uuid.uuid4()
    answers = other_desk.push(  # meanwhile the only seat of Monday went to another child
        other_desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(
                uuid.uuid4(), reference="F-AUTRE", children=[child(other_child, schools[0].id)]
            ),
        ),
        other_desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(other_child),
            activity_id=str(server_planning.id),
            day=MONDAY.isoformat(),
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"]
    ticket, activity = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 10, 2400)
    lea = lea_family.children[0]
    draft = SubscriptionDraft(
        lea.id, activity.id, MONDAY, date(2026, 10, 2), WeekTemplate(frozenset({0, 1, 3, 4}))
    )
    preview = apply_subscription(store, agent, draft)
    assert len(preview.to_book) == 8  # the desk did not know Monday was taken
    assert _ops(store).get(OpType.BOOKING_BOOK.value, 0) == 0
    assert _ops(store)[OpType.BOOKINGS_APPLY.value] == 1

    report = sync_once(store, client)

    assert report.ok and report.rejected == 1, report
    with store.read() as session:
        monday = session.get(Booking, (activity.id, MONDAY, lea.id))
        booked = session.scalar(
            select(func.count()).where(Booking.child_id == lea.id, Booking.state == "booked")
        )
    assert (monday.state, booked) == ("waiting", 7)
    db.expire_all()
    server_days = dict(
        db.execute(
            select(ServerBooking.day, ServerBooking.state).where(ServerBooking.child_id == lea.id)
        ).all()
    )
    assert server_days[MONDAY] == "waiting"
    assert sorted(s for s in server_days.values()) == ["booked"] * 7 + ["waiting"]
    # Monday's ticket came back at the desk, and the server heard of it: 10 − 7 both sides.
    assert _tickets(store, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 3
    issues = list_sync_issues(store, agent)
    assert [i.title for i in issues] == ["Inscription en partie refusée — complet"]
    assert issues[0].subject == "Léa Dupont — Garderie soir du 21/09/2026 au 02/10/2026"
    assert issues[0].message.startswith("1 jour(s) complet(s) : en liste d'attente")
    assert "Prévenez la famille" in issues[0].actions[0]


def test_a_push_is_cut_so_that_the_server_judges_a_few_thousand_days_at_most():
    import json
    from datetime import timedelta
    from types import SimpleNamespace

    from eticket_desk.sync.client import MAX_DAYS_PER_PUSH, wire_batch
    from tests.central.helpers import wallet_payload

    def row(op_type: OpType, payload: dict):
        return SimpleNamespace(
            op_id=uuid.uuid4(), seq=1, type=op_type.value, payload=json.dumps(payload)
        )

    def days(count: int) -> list[str]:
        return [(MONDAY + timedelta(days=n)).isoformat() for n in range(count)]

    def form(count: int):  # `count` days to book, to wait for and to cancel
        ids = {"child_id": str(uuid.uuid4()), "activity_id": str(uuid.uuid4())}
        return row(
            OpType.BOOKINGS_APPLY,
            {**ids, "book": days(count), "wait": days(count), "cancel": days(count)},
        )

    wallet = row(OpType.WALLET_ENTRY, wallet_payload(uuid.uuid4(), 3))
    rows = [wallet, form(400), form(400), form(400), form(400), wallet]
    ops, sent, refused = wire_batch(rows)
    assert sent == rows[:4]  # 1 + 3 × 1,200 days; the fourth form goes next time
    assert not refused and len(ops) == 4
    # Each op leaves as the outbox stored it: its payload's text, as is.
    assert all(f'"payload": {r.payload}}}' in op for op, r in zip(ops, sent, strict=True))
    assert [json.loads(op)["payload"] for op in ops] == [json.loads(r.payload) for r in sent]
    # A form the protocol refuses (more days than a list holds) still weighs its days: it is
    # answered alone, heavier than the limit, and never sent.
    big = row(OpType.BOOKINGS_APPLY, {"book": ["2026-09-21"] * (MAX_DAYS_PER_PUSH * 2)})
    ops, sent, refused = wire_batch([big, wallet])
    assert (ops, sent) == ([], [])
    assert [answer.code for answer in refused] == [RejectCode.INVALID_OP]
    assert len(wire_batch([wallet] * 600)[0]) == 600  # plain ops: the batch stays whole
