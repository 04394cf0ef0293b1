"""One decision for one child × activity × day, the same at the counter, in the forms
planner, on the server and on the portal (DESIGN « One decision, everywhere »).

`decide` takes what is known of the day (the state it has, the seats taken for the activity
and for the child's school, the deadline, the dossier, the wallet…) and what is asked of it,
and says the new state (or that nothing changes), the refusal (stable code, French message),
whether the change is late, the seats left after it and the ticket it takes or gives back.
`seats_left` is the only place where an activity's capacity and a school's quota meet;
`who_gets_seats` serves a day's waiting list (in the order rules.waiting_list gives).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

from eticket_desk.rules.booking import (
    SEAT_STATES,
    Action,
    BookingCase,
    BookingRefused,
    BookingState,
    RefusalCode,
    is_late,
    refusal,
    tickets_moved,
)
from eticket_desk.rules.dossier import FamilyStatus

MARKED_STATES = frozenset(
    {BookingState.PRESENT, BookingState.ABSENT_JUSTIFIED, BookingState.ABSENT_UNJUSTIFIED}
)
LOCKED_MESSAGE = "La présence de ce jour est déjà pointée : la réservation ne se modifie plus."


def seats_left(
    capacity: int | None,
    taken: int,
    school_capacity: int | None = None,
    school_taken: int = 0,
) -> int | None:
    """The seats a child of that school may still take (None: no limit): the fewest of the
    activity's seats left and the school's own quota left (never below 0)."""
    left = None if capacity is None else capacity - taken
    if school_capacity is not None:
        mine = school_capacity - school_taken
        left = mine if left is None else min(left, mine)
    return None if left is None else max(left, 0)


@dataclass(frozen=True)
class Seats:
    """The seats of one activity-day as one child's school sees them."""

    taken: int = 0  # all schools together
    capacity: int | None = None  # the activity's, None: unlimited
    school_taken: int = 0  # by the child's school
    school_capacity: int | None = None  # the school's own quota, None: none

    @property
    def left(self) -> int | None:
        return seats_left(self.capacity, self.taken, self.school_capacity, self.school_taken)

    def binding(self) -> tuple[int | None, int]:
        """(capacity, taken) of the limit that binds: the school's quota when it leaves
        fewer seats than the activity (the refusal names that limit)."""
        if self.school_capacity is not None and (
            self.capacity is None
            or self.school_capacity - self.school_taken < self.capacity - self.taken
        ):
            return self.school_capacity, self.school_taken
        return self.capacity, self.taken

    def moved(self, booked: int) -> Seats:
        return Seats(
            self.taken + booked, self.capacity, self.school_taken + booked, self.school_capacity
        )


@dataclass(frozen=True)
class Ask:
    """What is asked of one day."""

    action: Action
    override_reason: str = ""  # an agent's override of a passed deadline
    waiting_list: bool = False  # when full, the waiting list
    stay_waiting: bool = False  # the child is held on the waiting list: keep it there
    by_form: bool = False  # a paper form: the subscription-only days to come are open


@dataclass(frozen=True)
class DayFacts:
    """Everything known of one child × activity × day before deciding it."""

    day: date
    now: datetime
    activity_name: str
    child_name: str
    dossier_status: FamilyStatus
    concerned: bool  # the child's school and class are among the activity's
    closed_reason: str | None  # holiday name… or None when open
    deadline: datetime | None  # None: subscription only
    seats: Seats
    current: BookingState | None = None
    may_override: bool = False  # the agent's role allows overriding a deadline
    prepaid: bool = False  # a seat costs a ticket from the family's wallet
    tickets: int | None = None  # tickets left (None: not known, never refused for it)
    ticket_name: str = ""


@dataclass(frozen=True)
class Decision:
    """The answer: `state` None means nothing changes (`refused` says why when refused)."""

    state: BookingState | None
    refused: BookingRefused | None = None
    late: bool = False
    seats_left: int | None = None  # for the child's school after the change (None: no limit)
    activity_seats_left: int | None = None  # all schools, after the change
    school_seats_left: int | None = None  # the school's quota, after the change
    tickets: int = 0  # the ticket it takes (−1) or gives back (+1)
    unchanged: str = ""  # why nothing changes when nothing is refused (French)

    @property
    def changed(self) -> bool:
        return self.state is not None


def no_ticket_message(ticket_name: str, activity_name: str, day: date) -> str:
    return (
        f"Plus de ticket « {ticket_name} » dans le porte-monnaie de la famille : "
        f"vendez des tickets avant de réserver {activity_name} du {day:%d/%m/%Y}."
    )


def decide(facts: DayFacts, ask: Ask) -> Decision:
    """The one decision of one ask on one day (see the module's docstring)."""
    current, seats = facts.current, facts.seats
    holds_seat = current in SEAT_STATES
    waiting = current == BookingState.WAITING
    if ask.action == Action.BOOK and holds_seat:
        return _same(facts, "Déjà réservé.")
    if ask.action == Action.BOOK and waiting and ask.stay_waiting:
        return _same(facts, "Déjà sur la liste d'attente.")
    if ask.action == Action.CANCEL and not (holds_seat or waiting):
        return _same(facts, "Rien à annuler.")
    if current in MARKED_STATES:
        return _refused(facts, BookingRefused(RefusalCode.BOOKING_LOCKED, LOCKED_MESSAGE))
    deadline = facts.deadline
    if deadline is None and ask.by_form:
        deadline = datetime.combine(facts.day, time.min)  # by subscription: any day to come
    capacity, taken = seats.binding()
    case = BookingCase(
        action=ask.action,
        day=facts.day,
        now=facts.now,
        activity_name=facts.activity_name,
        child_name=facts.child_name,
        dossier_status=facts.dossier_status,
        concerned=facts.concerned,
        closed_reason=facts.closed_reason,
        deadline=deadline,
        capacity=capacity,
        seats_taken=taken,
        override_reason=ask.override_reason,
        may_override=facts.may_override,
    )
    refused = refusal(case)
    late = is_late(case, current)  # a child taken off the waiting list is never late
    full = refused is not None and refused.code == RefusalCode.CAPACITY_FULL
    if ask.action == Action.CANCEL:
        return _refused(facts, refused) if refused else _to(facts, BookingState.CANCELLED, late)
    if ask.stay_waiting and (refused is None or full):
        return _to(facts, BookingState.WAITING, late)
    if full and waiting:
        return _same(facts, "Déjà sur la liste d'attente.")  # still no seat: it stays there
    if full and ask.waiting_list:
        return _to(facts, BookingState.WAITING, late)
    if refused is not None:
        return _refused(facts, refused)
    if facts.prepaid and facts.tickets is not None and facts.tickets < 1:
        message = no_ticket_message(facts.ticket_name, facts.activity_name, facts.day)
        return _refused(facts, BookingRefused(RefusalCode.NO_TICKET, message))
    return _to(facts, BookingState.BOOKED, late)


def _left(facts: DayFacts, seats: Seats) -> dict:
    return {
        "seats_left": seats.left,
        "activity_seats_left": seats_left(seats.capacity, seats.taken),
        "school_seats_left": seats_left(seats.school_capacity, seats.school_taken),
    }


def _same(facts: DayFacts, why: str) -> Decision:
    return Decision(None, unchanged=why, **_left(facts, facts.seats))


def _refused(facts: DayFacts, refused: BookingRefused) -> Decision:
    return Decision(None, refused, **_left(facts, facts.seats))


def _to(facts: DayFacts, state: BookingState, late: bool) -> Decision:
    before = facts.current
    booked = (state in SEAT_STATES) - (before in SEAT_STATES)
    tickets = tickets_moved(before, state, late) if facts.prepaid else 0
    return Decision(state, None, late, tickets=tickets, **_left(facts, facts.seats.moved(booked)))


# ---------------------------------------------------------------- the waiting list


@dataclass(frozen=True)
class Waiting:
    """A child on a day's waiting list, as `who_gets_seats` needs it."""

    key: Hashable  # whatever the caller knows the child by
    school_id: Hashable | None
    family_id: Hashable | None = None


def who_gets_seats(
    queue: Iterable[Waiting],
    capacity: int | None,
    taken: int,
    school_capacities: Mapping,
    school_taken: Mapping,
    tickets: Mapping | None = None,
) -> list[Hashable]:
    """The waiting children given the day's free seats, first come first (`queue` is in the
    order of arrival): a child whose school has used its quota, or whose family has no
    ticket left for a prepaid day (`tickets` by family, None when not prepaid), lets the
    next one pass; nobody passes once the activity is full."""
    taken_by_school = dict(school_taken)
    left_tickets = dict(tickets) if tickets is not None else None
    chosen: list[Hashable] = []
    for child in queue:
        if capacity is not None and taken >= capacity:
            break
        mine = taken_by_school.get(child.school_id, 0)
        if seats_left(None, 0, school_capacities.get(child.school_id), mine) == 0:
            continue
        if left_tickets is not None:
            if left_tickets.get(child.family_id, 0) < 1:
                continue
            left_tickets[child.family_id] -= 1
        chosen.append(child.key)
        taken += 1
        taken_by_school[child.school_id] = mine + 1
    return chosen
