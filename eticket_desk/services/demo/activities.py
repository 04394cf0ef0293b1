"""The demo town's activities (from the guides), its school year and a year of bookings."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Activity, Tariff, TariffBracket, TicketType
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.booking_decision import seats_left
from eticket_desk.rules.calendar import CalendarSet, days_between, iso_week_parity
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.templates import Parity
from eticket_desk.services.bookings.seat_counters import rebuild_occupancy
from eticket_desk.services.catalogue.activities import _apply
from eticket_desk.services.catalogue.calendar import add_school_year, calendar_in
from eticket_desk.sync.outbox import PlanningChanged, emit

DEMO_YEAR = 2026
BUS_SEATS = 64
_BEFORE_DAY = DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0))  # seed 000
_WEEK_BEFORE = DeadlineRule(DeadlineKind.WEEKDAY_OF_PREVIOUS_WEEK, time(12, 0), 1)  # seed 003
_TERM = DeadlineRule(DeadlineKind.SUBSCRIPTION_ONLY)  # seed 003, TAP

DEMO_ACTIVITIES = (
    ActivitySpec(
        code="GARDERIE_MATIN",
        name="Garderie matin",
        weekdays=(0, 1, 2, 3, 4),
        deadline=_BEFORE_DAY,
        billing_mode=BillingMode.PREPAID,
        ticket_type="GARDERIE",
        care_share_bp=10000,  # all care (tax certificate)
        colour="#f59e0b",
        position=1,
        caf_counted=True,  # accueil périscolaire: its hours go to the CAF / MSA
        caf_slot=(time(7, 30), time(8, 30)),
    ),
    ActivitySpec(
        code="CANTINE",
        name="Cantine",
        weekdays=(0, 1, 3, 4),
        deadline=_BEFORE_DAY,
        billing_mode=BillingMode.UNIT,
        colour="#16a34a",
        position=2,
    ),
    ActivitySpec(
        code="GARDERIE_SOIR",
        name="Garderie soir",
        weekdays=(0, 1, 3, 4),
        deadline=_BEFORE_DAY,
        billing_mode=BillingMode.PREPAID,
        ticket_type="GARDERIE",
        care_share_bp=10000,  # all care (tax certificate)
        colour="#ea580c",
        position=3,
        caf_counted=True,
        caf_slot=(time(16, 30), time(18, 30)),
    ),
    ActivitySpec(
        code="BUS_0830",
        name="Bus 8h30",
        weekdays=(0, 1, 2, 3, 4),
        deadline=_WEEK_BEFORE,
        billing_mode=BillingMode.FARE,
        capacity=BUS_SEATS,
        colour="#2563eb",
        position=4,
    ),
    ActivitySpec(
        code="BUS_1630",
        name="Bus 16h30",
        weekdays=(0, 1, 3, 4),
        deadline=_WEEK_BEFORE,
        billing_mode=BillingMode.FARE,
        capacity=BUS_SEATS,
        colour="#0891b2",
        position=5,
    ),
    ActivitySpec(
        code="BUS_FIN_ECOLE",
        name="Bus fin école",
        weekdays=(2,),
        deadline=_WEEK_BEFORE,
        billing_mode=BillingMode.FARE,
        capacity=BUS_SEATS,
        colour="#7c3aed",
        position=6,
    ),
    ActivitySpec(
        code="TAP",
        name="TAP",
        weekdays=(1, 4),
        deadline=_TERM,
        billing_mode=BillingMode.FARE,
        levels=("CP", "CE1", "CE2", "CM1", "CM2"),
        colour="#db2777",
        position=7,
    ),
)


def write_calendar_and_activities(
    session: Session, zone: str, new_id: Callable[[], uuid.UUID]
) -> dict[str, ActivitySpec]:
    """The 2026-2027 school year of the zone and the guides' activities; codes -> specs."""
    add_school_year(session, zone, DEMO_YEAR, new_id=new_id)
    specs: dict[str, ActivitySpec] = {}
    for spec in DEMO_ACTIVITIES:
        activity = Activity(id=new_id())
        session.add(activity)
        _apply(activity, spec)
        emit(session, PlanningChanged("activity", activity.id))
        specs[spec.code] = ActivitySpec(**{**spec.__dict__, "id": activity.id})
    session.flush()
    return specs


_INSERT = (
    "INSERT INTO booking (activity_id, day, child_id, school_id, state, late, source, "
    "waiting_since, waiting_rank, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 'demo')"
)
_SUBSCRIBE = (
    'INSERT INTO subscription (id, child_id, activity_id, start, "end", period_label, regular, '
    "weekdays, parity, fare_option, source, created_at, updated_at, updated_by) "
    "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 'paper', ?, ?, 'demo')"
)


class BookingMaker:
    """Draws each validated child's habits (which activities, which weekdays) and writes a
    school year of bookings in bulk; bus seats are handed out first come, first served."""

    def __init__(
        self,
        rng: random.Random,
        specs: dict[str, ActivitySpec],
        calendar: CalendarSet,
        expected_children: int,
    ):
        self.rng, self.specs, self.calendar = rng, specs, calendar
        # About 72 regular bus riders whatever the town's size: the 64-seat trips fill up
        # and a few children wait on the busiest days.
        self.bus_share = min(0.16, 72 / max(expected_children, 1))
        year = calendar.years[0]
        self.open_days = {
            code: [d for d in days_between(year.start, year.end) if spec.runs_on(d, calendar)]
            for code, spec in specs.items()
        }
        self.seats: dict[tuple[str, date], int] = {}
        self.queued: dict[tuple[str, date], int] = {}  # children on each waiting list
        self.rows: list[tuple] = []
        self.subscriptions: list[tuple] = []
        self.prepaid: dict[uuid.UUID, int] = {}  # family -> garderie days booked (tickets spent)
        # Subscription ids come from the seed too: the same town, row for row.
        self.new_id = lambda: uuid.UUID(int=self.rng.getrandbits(128), version=4)
        self.stamp = ""

    def habits(self, level: str) -> dict[str, set[int]]:
        """Activity code -> weekdays this child comes (0 = Monday)."""
        rng, habits = self.rng, {}
        if rng.random() < 0.78:
            habits["CANTINE"] = (
                {0, 1, 3, 4} if rng.random() < 0.7 else set(rng.sample([0, 1, 3, 4], 2))
            )
        if rng.random() < 0.25:
            habits["GARDERIE_MATIN"] = set(rng.sample(range(5), rng.choice((2, 3, 5))))
        if rng.random() < 0.35:
            habits["GARDERIE_SOIR"] = set(rng.sample([0, 1, 3, 4], rng.choice((2, 3, 4))))
        if rng.random() < self.bus_share:  # regular bus riders, both ways
            habits["BUS_0830"] = {0, 1, 2, 3, 4}
            habits["BUS_1630"] = {0, 1, 3, 4}
            habits["BUS_FIN_ECOLE"] = {2}
        if level in self.specs["TAP"].levels and rng.random() < 0.5:
            habits["TAP"] = {1, 4} if rng.random() < 0.4 else {rng.choice((1, 4))}
        return habits

    def add_child(
        self,
        child_id: uuid.UUID,
        school_id: uuid.UUID,
        level: str,
        now: datetime,
        family_id: uuid.UUID,
    ) -> None:
        self.stamp = now.strftime("%Y-%m-%d %H:%M:%S.000000")
        child, school = child_id.hex, school_id.hex
        every_other = self.rng.random() < 0.1  # shared custody: one week in two
        parity = self.rng.randrange(2)
        year = self.calendar.years[0]
        habits = self.habits(level)
        for code, weekdays in habits.items():
            spec = self.specs[code]
            activity = spec.id.hex
            alternate = every_other and code != "TAP"
            fare = ""
            if code.startswith("BUS"):
                fare = "2"  # regular riders go both ways
            elif code == "TAP":
                fare = str(len(weekdays))
            self.subscriptions.append(
                (
                    self.new_id().hex,
                    child,
                    activity,
                    year.start.isoformat(),
                    year.end.isoformat(),
                    f"Année scolaire {year.label}",
                    "".join(str(d) for d in sorted(weekdays)),
                    (Parity.EVEN if parity == 0 else Parity.ODD).value if alternate else "all",
                    fare,
                    self.stamp,
                    self.stamp,
                )
            )
            for day in self.open_days[code]:
                if day.weekday() not in weekdays:
                    continue
                if alternate and iso_week_parity(day) != parity:
                    continue
                state, since, rank, source = BookingState.BOOKED.value, None, None, "template"
                if spec.capacity is not None:
                    taken = self.seats.get((code, day), 0)
                    if seats_left(spec.capacity, taken) == 0:
                        state, since = BookingState.WAITING.value, self.stamp
                        # In line in the order the children came (never by their id).
                        rank = self.queued[(code, day)] = self.queued.get((code, day), 0) + 1
                    else:
                        self.seats[(code, day)] = taken + 1
                elif code != "TAP" and self.rng.random() < 0.03:
                    state = BookingState.CANCELLED.value  # a sick day, cancelled in time
                    source = "counter"
                self.rows.append(
                    (
                        activity,
                        day.isoformat(),
                        child,
                        school,
                        state,
                        source,
                        since,
                        rank,
                        self.stamp,
                    )
                )
                if spec.billing_mode == BillingMode.PREPAID and state == BookingState.BOOKED.value:
                    self.prepaid[family_id] = self.prepaid.get(family_id, 0) + 1

    def flush(self, session: Session) -> int:
        count = len(self.rows)
        if self.rows:
            session.connection().exec_driver_sql(_INSERT, self.rows)
            self.rows = []
        if self.subscriptions:
            session.connection().exec_driver_sql(_SUBSCRIBE, self.subscriptions)
            self.subscriptions = []
        return count


def start_bookings(session: Session, seed: int, specs, expected_children: int) -> BookingMaker:
    # A generator of its own: the families drawn for a seed stay the same as before.
    return BookingMaker(
        random.Random(seed * 7919 + 1), specs, calendar_in(session), expected_children
    )


def finish_bookings(session: Session, maker: BookingMaker, ticket_type_id: uuid.UUID) -> int:
    """Flushes the last bookings, counts the seats and opens the families' wallets: the
    tickets of the year's garderie days (bought before the demo starts) and a few spare."""
    count = maker.flush(session)
    rebuild_occupancy(session)
    stamp = maker.stamp
    rows = []
    for family_id, spent in sorted(maker.prepaid.items()):
        spare = maker.rng.randrange(0, 11)
        for quantity, kind, reason in (
            (spent + spare, "correction", "Reprise du solde au 01/09/2026 (tickets achetés)"),
            (-spent, "booking", "Réservations de garderie de l'année (reprise)"),
        ):
            rows.append(
                (
                    maker.new_id().hex,
                    family_id.hex,
                    ticket_type_id.hex,
                    stamp,
                    quantity,
                    kind,
                    reason,
                )
            )
    if rows:
        session.connection().exec_driver_sql(
            "INSERT INTO wallet_entry (id, family_id, ticket_type_id, at, quantity, kind, reason, "
            "\"by\") VALUES (?, ?, ?, ?, ?, ?, ?, 'demo')",
            rows,
        )
    return count


GARDERIE_BRACKETS = (  # (QF up to, price, hors commune), in cents
    (600, 120, 170),
    (1000, 160, 210),
    (1500, 200, 250),
    (None, 240, 290),
)


def write_ticket_types(session: Session, new_id, start: date, now: datetime) -> uuid.UUID:
    """The demo's one ticket type (Garderie, seeds 001 and 002) and its tariff by QF."""
    ticket = TicketType(
        id=new_id(), code="GARDERIE", name="Garderie", position=1, active=True, care_share_bp=10000
    )
    session.add(ticket)
    session.flush()  # no relationship between the two: the ticket type goes in first
    emit(session, PlanningChanged("ticket_type", ticket.id))
    tariff = Tariff(
        id=new_id(), ticket_type_id=ticket.id, valid_from=start, created_at=now, created_by="demo"
    )
    tariff.brackets = [
        TariffBracket(id=new_id(), position=i, qf_max=q, price_cents=p, outside_price_cents=o)
        for i, (q, p, o) in enumerate(GARDERIE_BRACKETS)
    ]
    session.add(tariff)
    session.flush()
    emit(session, PlanningChanged("tariff", tariff.id))
    return ticket.id


CANTEEN_BRACKETS = (  # a meal by QF (QF up to, price, hors commune), in cents
    (600, 310, 520),
    (1000, 385, 520),
    (1500, 430, 520),
    (None, 460, 520),
)


def write_canteen_tariff(session: Session, new_id, start: date, now: datetime) -> None:
    """The canteen's price per meal, invoiced at the end of each month (seed 003)."""
    canteen = session.scalar(select(Activity.id).where(Activity.code == "CANTINE"))
    tariff = Tariff(
        id=new_id(), activity_id=canteen, valid_from=start, created_at=now, created_by="demo"
    )
    tariff.brackets = [
        TariffBracket(id=new_id(), position=i, qf_max=q, price_cents=p, outside_price_cents=o)
        for i, (q, p, o) in enumerate(CANTEEN_BRACKETS)
    ]
    session.add(tariff)
    session.flush()
    emit(session, PlanningChanged("tariff", tariff.id))
