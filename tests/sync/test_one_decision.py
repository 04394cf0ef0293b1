"""One decision, everywhere: the same random asks (book, book or wait, cancel, with or without
an override) on the same days, children, seats and wallets give the same state and the same
refusal code at the desk (its services on SQLite) and on the server (PostgreSQL).

The desk side is `book_day` / `cancel_booking`; the server side is the portal's decision path
(`change_paid_day`: the day and the family's wallet locked, ops.bookings judged, the ticket
written) with a desk's rights (override, waiting list). A seat a cancellation frees goes at
the desk to the first waiting child who fits; the desk would push that promotion as a
booking of the child, and so it is replayed on the server, which must book it too. In the
end every day, seat count, waiting list and wallet is the same on both sides.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, time

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eticket_central.changes import flush_changes
from eticket_central.models import ActivityDay
from eticket_central.models import Booking as ServerBooking
from eticket_central.models import WalletEntry as ServerWallet
from eticket_central.ops.registry import OpContext, Rejected
from eticket_central.portal.bookings import change_paid_day
from eticket_desk.models import Booking, Occupancy
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import Action, BookingRefused, BookingState
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.services.attendance.presence import PresenceChange, save_presence
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.counter.wallet import balance_in, correct_wallet
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from eticket_desk.sync.protocol import BookingPayload, OpType
from tests.central.helpers import child, family_payload
from tests.conftest import complete_family

MONDAY = date(2026, 9, 14)  # today (9:30): its deadline has passed; Jade is marked present
DAYS = (MONDAY, date(2026, 9, 15), date(2026, 9, 17), date(2026, 9, 18))  # the others open
FAMILIES = (("Aubert", ("Jade", 0), ("Hugo", 1)), ("Blanc", ("Inès", 0)), ("Caron", ("Noé", 1)))
ASKS = ("book", "book_or_wait", "cancel", "book_late", "cancel_late")

asks = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(DAYS), st.sampled_from(ASKS)),
    min_size=1,
    max_size=12,
)
worlds = st.fixed_dictionaries(
    {
        "prepaid": st.booleans(),
        "capacity": st.sampled_from([None, 1, 2, 3]),
        "quota": st.sampled_from([None, 1, 2]),  # the first school's own seats
        "tickets": st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
        "asks": asks,
    }
)

TUESDAY = DAYS[1]
# One ask of each kind, so that every code is met whatever the random examples draw: Jade's
# marked Monday, Hugo's family out of tickets, Inès takes the only seat of the first school,
# Noé finds it full and waits, gets it when Inès gives it back, Hugo is too late for Monday.
EVERY_CODE = {
    "prepaid": True,
    "capacity": 1,
    "quota": 1,
    "tickets": (0, 1, 1),
    "asks": [
        (0, MONDAY, "cancel_late"),
        (1, TUESDAY, "book"),
        (2, TUESDAY, "book"),
        (3, TUESDAY, "book"),
        (3, TUESDAY, "book_or_wait"),
        (2, TUESDAY, "cancel"),
        (1, MONDAY, "book"),
    ],
}


class World:
    """One example's activity and families, made alike at the desk and on the server."""

    def __init__(self, store, admin, schools, ticket, server_desk, tenant_id, world) -> None:
        self.store, self.admin, self.server_desk = store, admin, server_desk
        self.tenant_id = tenant_id
        self.prepaid = world["prepaid"]
        school_a, school_b = schools[0].id, schools[1].id
        spec = ActivitySpec(
            code=f"ACT_{uuid.uuid4().hex[:8].upper()}",
            name="Garderie soir",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.PREPAID if self.prepaid else BillingMode.UNIT,
            ticket_type="GARDERIE" if self.prepaid else "",
            capacity=world["capacity"],
            school_capacities={school_a: world["quota"], school_b: None},
        )
        self.activity = save_activity(store, admin, spec).id
        ops = [
            server_desk.op(
                OpType.ACTIVITY_UPSERT,
                activity_id=str(self.activity),
                code=spec.code,
                name=spec.name,
                weekdays=list(spec.weekdays),
                deadline={"kind": "previous_open_day", "at": "10:00"},
                billing_mode=spec.billing_mode.value,
                ticket_type=spec.ticket_type,
                capacity=spec.capacity,
                school_capacities={str(school_a): world["quota"], str(school_b): None},
            )
        ]
        self.children: list[tuple[uuid.UUID, uuid.UUID, str]] = []  # (child, family, name)
        self.families: list[uuid.UUID] = []
        for (last_name, *kids), tickets in zip(FAMILIES, world["tickets"], strict=True):
            data = complete_family(schools, last_name=last_name)
            data = dataclasses.replace(
                data,
                children=[
                    dataclasses.replace(
                        data.children[0],
                        first_name=first,
                        school_id=schools[n].id,
                        class_id=next(c.id for c in schools[n].classes if c.name == "CP"),
                    )
                    for first, n in kids
                ],
            )
            family_id = save_family(store, admin, data).id
            assert validate_family(store, admin, family_id) == []
            saved = load_family(store, admin, family_id).children
            self.families.append(family_id)
            self.children += [(c.id, family_id, f"{c.first_name} {c.last_name}") for c in saved]
            payload = family_payload(
                family_id,
                last_name=last_name,
                children=[child(c.id, c.school_id, first_name=c.first_name) for c in saved],
            )
            ops.append(server_desk.op(OpType.FAMILY_UPSERT, **payload))
            # Jade's family has one more ticket: the Monday she was marked present took it.
            given_tickets = tickets + (last_name == "Aubert" and self.prepaid)
            if given_tickets:
                correct_wallet(store, admin, family_id, ticket.id, given_tickets, "Achat")
                ops.append(
                    server_desk.op(
                        OpType.WALLET_ENTRY,
                        entry_id=str(uuid.uuid4()),
                        family_id=str(family_id),
                        ticket_type="GARDERIE",
                        quantity=given_tickets,
                        kind="purchase",
                        occurred_at="2026-09-14T09:00:00",
                    )
                )
        answers = server_desk.push(*ops)
        assert [a["status"] for a in answers] == ["applied"] * len(ops), answers

    def mark_jade_present(self, central) -> None:
        jade = self.children[0][0]
        assert self.desk(jade, MONDAY, "book_late") == ("booked", None, ())
        assert self.server(central, jade, MONDAY, "book_late") == ("booked", None)
        present = PresenceChange(jade, BookingState.PRESENT)
        save_presence(self.store, self.admin, self.activity, MONDAY, [present])
        mark = self.server_desk.op(
            OpType.BOOKING_MARK,
            child_id=str(jade),
            activity_id=str(self.activity),
            day=MONDAY.isoformat(),
            state="present",
        )
        assert self.server_desk.push(mark)[0]["status"] == "applied"

    # ------------------------------------------------------------ the same ask on both sides

    def desk(self, child_id, day, ask) -> tuple[str | None, str | None, tuple[str, ...]]:
        """(state after, refusal code, children given the freed seat)."""
        reason = "Oubli de la famille" if ask.endswith("_late") else ""
        try:
            if ask.startswith("cancel"):
                outcome = cancel_booking(
                    self.store, self.admin, child_id, self.activity, day, override_reason=reason
                )
            else:
                outcome = book_day(
                    self.store,
                    self.admin,
                    child_id,
                    self.activity,
                    day,
                    override_reason=reason,
                    waiting_list=ask == "book_or_wait",
                )
        except BookingRefused as refused:
            return None, refused.code.value, ()
        return (outcome.state.value if outcome.state else None), None, outcome.promoted

    def server(self, central, child_id, day, ask) -> tuple[str | None, str | None]:
        """(state after, refusal code)."""
        family_id = next(f for c, f, _ in self.children if c == child_id)
        payload = BookingPayload(
            child_id=child_id,
            activity_id=self.activity,
            day=day,
            override_reason="Oubli de la famille" if ask.endswith("_late") else "",
            waiting_list=ask == "book_or_wait",
        )
        action = Action.CANCEL if ask.startswith("cancel") else Action.BOOK
        ctx = OpContext(self.tenant_id, self.server_desk.device_id, uuid.uuid4())
        now = central.clock.now()
        try:
            with central.sessions.begin() as session:
                answer = change_paid_day(session, ctx, family_id, payload, action, now)
                flush_changes(session, ctx.tenant_id, ctx.device_id, now)
        except Rejected as refused:
            return None, refused.code.value
        return answer["state"], None

    # ------------------------------------------------------------ what each side holds

    def desk_days(self) -> dict:
        with self.store.read() as session:
            states = {
                (b.child_id, b.day): b.state
                for b in session.scalars(
                    select(Booking).where(Booking.activity_id == self.activity)
                )
            }
            seats = {
                day: (booked, waiting)
                for day, booked, waiting in session.execute(
                    select(Occupancy.day, func.sum(Occupancy.booked), func.sum(Occupancy.waiting))
                    .where(Occupancy.activity_id == self.activity)
                    .group_by(Occupancy.day)
                )
                if booked or waiting
            }
            wallets = {}
            if self.prepaid:
                from eticket_desk.models import TicketType

                ticket = session.scalar(select(TicketType.id).where(TicketType.code == "GARDERIE"))
                wallets = {f: balance_in(session, f, ticket) for f in self.families}
        return {"states": states, "seats": seats, "wallets": wallets}

    def server_days(self, db) -> dict:
        db.expire_all()
        states = {
            (b.child_id, b.day): b.state
            for b in db.scalars(
                select(ServerBooking).where(ServerBooking.activity_id == self.activity)
            )
        }
        seats = {
            d.day: (d.booked, d.waiting)
            for d in db.scalars(select(ActivityDay).where(ActivityDay.activity_id == self.activity))
            if d.booked or d.waiting
        }
        wallets = {}
        if self.prepaid:
            wallets = {
                f: db.execute(
                    select(func.coalesce(func.sum(ServerWallet.quantity), 0)).where(
                        ServerWallet.family_id == f, ServerWallet.ticket_type == "GARDERIE"
                    )
                ).scalar_one()
                for f in self.families
            }
        return {"states": states, "seats": seats, "wallets": wallets}


def test_the_desk_and_the_server_decide_every_ask_alike(
    store, admin, schools, school_year, garderie, central, commune, other_desk, db
):
    ticket, _ = garderie
    calendar = other_desk.op(
        OpType.CALENDAR_UPSERT,
        year_id=str(uuid.uuid4()),
        label="2026-2027",
        start="2026-09-01",
        end="2027-07-03",
        closures=[],
    )
    assert other_desk.push(calendar)[0]["status"] == "applied"
    seen_codes: set[str | None] = set()

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(world=worlds)
    @example(world=EVERY_CODE)
    def run(world):
        made = World(store, admin, schools, ticket, other_desk, commune.tenant_id, world)
        made.mark_jade_present(central)
        names = {name: child_id for child_id, _, name in made.children}
        for n, day, ask in world["asks"]:
            child_id = made.children[n][0]
            state, code, promoted = made.desk(child_id, day, ask)
            assert (state, code) == made.server(central, child_id, day, ask), (n, day, ask)
            seen_codes.add(code)
            for name in promoted:
                # The desk gave the freed seat: it pushes the promotion, the server books it.
                assert made.server(central, names[name], day, "book") == ("booked", None)
                seen_codes.add("promoted")
        assert made.desk_days() == made.server_days(db)

    run()
    # Every refusal that matters was met (not a vacuous agreement on « booked »).
    assert {
        "BOOKING_LOCKED",
        "NO_TICKET",
        "CAPACITY_FULL",
        "DEADLINE_PASSED",
        "promoted",
    } <= seen_codes
