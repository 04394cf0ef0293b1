"""What a parent's planning forms change: days to book or cancel, each decided by the one
decision of rules/ through `portal.bookings.change_paid_day` (the wallet's lock, the day's
lock, the ticket a prepaid day takes), all in the caller's transaction; a day refused does
not undo the others, and the summary says which were booked, put on the waiting list,
cancelled or refused, with the rules' French reason.

Which days: the grid's checkboxes (a cell changed from what the page showed), a date range
(weekdays, every / even / odd ISO weeks: rules.templates.WeekTemplate, seed 000), or « semaine
type » (the week's bookings copied to the following weeks of the period:
rules.templates.template_of_week, seed 003, as the desk's services/bookings/week_template).

Locks are taken in one order, so two forms never wait on each other in a circle: every wallet
the form may touch first (ticket types sorted), then the days sorted by activity and day.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from eticket_central.changes import discard_changes, flush_changes
from eticket_central.ops.registry import OpContext, Rejected
from eticket_central.portal.bookings import change_paid_day, lock_wallet, refusal_detail
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import SEAT_STATES, Action, BookingState
from eticket_desk.rules.calendar import CalendarSet, PeriodSpan, days_between
from eticket_desk.rules.templates import WeekTemplate, template_of_week
from eticket_desk.sync.protocol import BookingPayload


@dataclass(frozen=True)
class Ask:
    """One day a parent asks to change."""

    child_id: uuid.UUID
    child_name: str
    spec: ActivitySpec
    day: date
    action: Action


@dataclass(frozen=True)
class Outcome:
    ask: Ask
    result: str  # booked, waiting, cancelled, unchanged, refused
    message: str = ""  # the rules' French reason when refused or unchanged


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def of(self, result: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == result]

    @property
    def text(self) -> str:
        """One French line for the message after the form."""
        parts = [
            f"{len(self.of('booked'))} jour(s) réservé(s)",
            f"{len(self.of('waiting'))} en liste d'attente",
            f"{len(self.of('cancelled'))} annulé(s)",
            f"{len(self.of('refused'))} refusé(s)",
        ]
        return ", ".join(parts) + "."


def apply_asks(
    session: Session, tenant_id, family_id, asks: list[Ask], now: datetime, *, record=True
) -> Summary:
    """Decides and writes each day in the caller's transaction (see the module's docstring);
    a full day goes to the waiting list (capacity is never overridden, DESIGN). A preview
    passes `record=False` and rolls back: the same decisions, nothing told to the desks."""
    asks = sorted(asks, key=lambda a: (str(a.spec.id), a.day, str(a.child_id)))
    tickets = sorted(
        {a.spec.ticket_type for a in asks if a.spec.billing_mode == BillingMode.PREPAID}
    )
    for ticket_type in tickets:
        lock_wallet(session, tenant_id, family_id, ticket_type)
    summary = Summary()
    for ask in asks:
        ctx = OpContext(tenant_id, None, uuid.uuid4())
        payload = BookingPayload(
            child_id=ask.child_id,
            activity_id=ask.spec.id,
            day=ask.day,
            waiting_list=ask.action == Action.BOOK,
        )
        try:
            answer = change_paid_day(session, ctx, family_id, payload, ask.action, now)
        except Rejected as refusal:
            summary.outcomes.append(
                Outcome(ask, "refused", refusal_detail(refusal, ask.spec)["message"])
            )
            continue
        summary.outcomes.append(Outcome(ask, _result(answer)))
    if record:
        flush_changes(session, tenant_id, None, now)
    else:
        discard_changes(session)
    return summary


def _result(answer: dict) -> str:
    if not answer.get("changed"):
        return "unchanged"
    state = BookingState(answer["state"])
    if state == BookingState.WAITING:
        return "waiting"
    if state == BookingState.CANCELLED:
        return "cancelled"
    return "booked" if state in SEAT_STATES else "unchanged"


def range_days(
    spec: ActivitySpec, calendar: CalendarSet, start: date, end: date, template: WeekTemplate
) -> tuple[list[date], list[date]]:
    """(the days the activity runs among the template's days, those it does not run)."""
    wanted = template.days_of(start, end)
    return (
        [d for d in wanted if spec.runs_on(d, calendar)],
        [d for d in wanted if not spec.runs_on(d, calendar)],
    )


# By the whole key, a probe a day (no index by child: planning_grid's _BOOKINGS).
_HELD_DAYS = text(
    "SELECT day, state FROM bookings WHERE activity_id = :activity_id "
    "AND day = ANY(CAST(:days AS date[])) AND child_id = :child_id"
)


def held_days(session: Session, child_id, activity_id, first: date, last: date) -> dict:
    """The child's days of the activity from `first` to `last` and their states."""
    return {
        day: BookingState(state)
        for day, state in session.execute(
            _HELD_DAYS,
            {"activity_id": activity_id, "days": days_between(first, last), "child_id": child_id},
        )
    }


@dataclass(frozen=True)
class WeekCopy:
    """« Semaine type »: the week's template and the days it asks of the following weeks."""

    template: WeekTemplate
    start: date  # the Monday after the week shown
    end: date  # the period's last day
    period: PeriodSpan
    book: tuple[date, ...]
    cancel: tuple[date, ...]


def week_copy(
    session: Session,
    child_id,
    spec: ActivitySpec,
    calendar: CalendarSet,
    monday: date,
    period: PeriodSpan,
) -> WeekCopy | None:
    """The days « semaine type » asks for (None: the week is the period's last). The week's
    booked days (seats held, not the waiting list: the desk's HELD) give the weekdays; each
    following open day of the period is booked when its weekday is one, else cancelled if
    the child holds it (the rules then decide each)."""
    start = monday + timedelta(days=7)
    if start > period.end:
        return None
    week = held_days(session, child_id, spec.id, monday, monday + timedelta(days=6))
    template = template_of_week([d for d, s in week.items() if s in SEAT_STATES])
    later = held_days(session, child_id, spec.id, start, period.end)
    book, cancel = [], []
    for day in template.days_of(start, period.end):
        if spec.runs_on(day, calendar):
            book.append(day)
    for day, state in sorted(later.items()):
        if not template.wants(day) and (state in SEAT_STATES or state == BookingState.WAITING):
            cancel.append(day)
    return WeekCopy(template, start, period.end, period, tuple(book), tuple(cancel))
