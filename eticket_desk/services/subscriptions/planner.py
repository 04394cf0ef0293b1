"""The planner of paper forms: reads once what a batch of forms needs and plans each form in
memory (open, closed, locked, full days); subscription_staging.py writes them all with a few
bulk statements. A day is full when rules.booking_decision's `seats_left` says so (the same
arithmetic as a booking at the counter and on the server); a year of forms is millions of
days, so the rest of the day's decision is the same rules taken once per activity-day
(`_facts`) rather than `decide` per child-day."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Booking,
    Child,
    Family,
    Occupancy,
    SchoolClass,
    Subscription,
)
from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.booking import SEAT_STATES, BookingRefused, BookingState, RefusalCode
from eticket_desk.rules.booking_decision import seats_left
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.core.store import Actor
from eticket_desk.services.counter.wallet import balance_in, balances_in, ticket_type_of
from eticket_desk.services.subscriptions.data import SubscriptionDraft, SubscriptionPreview
from eticket_desk.services.subscriptions.staging import TEMPLATE, Staging

HELD = {s.value for s in SEAT_STATES} | {BookingState.WAITING.value}
BOOKED, WAITING = BookingState.BOOKED.value, BookingState.WAITING.value
CANCELLED = BookingState.CANCELLED.value


@lru_cache(maxsize=512)
def _template_days(template: WeekTemplate, start: date, end: date) -> tuple[date, ...]:
    """The days a template asks for in a period (forms share a few templates and periods)."""
    return tuple(template.days_of(start, end))


@dataclass
class _ChildRow:
    id: uuid.UUID
    name: str
    family_id: uuid.UUID
    status: FamilyStatus
    school_id: uuid.UUID | None
    level: str | None


class Planner(Staging):
    """Reads once what a batch of drafts needs (children, bookings, seats, calendar) and
    plans each draft in memory; `write` then applies them with a few bulk statements."""

    def __init__(
        self, session: Session, actor: Actor, drafts: list[SubscriptionDraft], now: datetime
    ):
        self.session, self.actor, self.now = session, actor, now
        self.calendar: CalendarSet = calendar_in(session)
        self.activities = {a.id: a for a in activities_in(session, include_inactive=True)}
        child_ids = list({d.child_id for d in drafts})
        self.children: dict[uuid.UUID, _ChildRow] = {}
        for start in range(0, len(child_ids), 900):
            for child, status, level in session.execute(
                select(Child, Family.status, SchoolClass.level)
                .join(Family, Family.id == Child.family_id)
                .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
                .where(Child.id.in_(child_ids[start : start + 900]))
            ):
                self.children[child.id] = _ChildRow(
                    child.id,
                    f"{child.first_name} {child.last_name}",
                    child.family_id,
                    FamilyStatus(status),
                    child.school_id,
                    level,
                )
        low = min((d.start for d in drafts), default=now.date())
        high = max((d.end for d in drafts), default=low)
        # (child, activity) -> day -> (state, source): what each form looks at.
        self.bookings: dict[tuple, dict[date, tuple[str, str]]] = defaultdict(dict)
        for start in range(0, len(child_ids), 900):
            for child_id, activity_id, day, state, source in session.execute(
                select(
                    Booking.child_id,
                    Booking.activity_id,
                    Booking.day,
                    Booking.state,
                    Booking.source,
                ).where(
                    Booking.child_id.in_(child_ids[start : start + 900]),
                    Booking.day.between(low, high),
                )
            ):
                self.bookings[(child_id, activity_id)][day] = (state, source)
        activity_ids = list({d.activity_id for d in drafts})
        # Seats taken per activity: day -> count, and (day, school) -> count. Keyed per
        # activity so that the day loops hash dates, not UUIDs (a year of forms is millions
        # of days).
        self.total: dict[uuid.UUID, dict] = defaultdict(lambda: defaultdict(int))
        self.by_school: dict[uuid.UUID, dict] = defaultdict(lambda: defaultdict(int))
        for activity_id, day, school_id, booked in session.execute(
            select(
                Occupancy.activity_id, Occupancy.day, Occupancy.school_id, Occupancy.booked
            ).where(Occupancy.activity_id.in_(activity_ids), Occupancy.day.between(low, high))
        ):
            self.total[activity_id][day] += booked
            self.by_school[activity_id][(day, school_id.hex)] += booked
        self._day_facts: dict[uuid.UUID, dict[date, tuple[str | None, bool]]] = defaultdict(dict)
        self._child_ids = child_ids
        self._ticket_types: dict[uuid.UUID, object] = {}
        self._tickets: dict[tuple, list[int]] = {}
        self.waiting_ranks: dict[tuple, int | None] = {}  # (activity, day) -> highest given

    @cached_property
    def existing(self) -> dict[tuple, Subscription]:
        """The children's saved subscriptions, read when a form is saved (not for a rerun)."""
        ids = self._child_ids
        return {
            (s.child_id, s.activity_id, s.start): s
            for start in range(0, len(ids), 900)
            for s in self.session.scalars(
                select(Subscription).where(Subscription.child_id.in_(ids[start : start + 900]))
            )
        }

    @cached_property
    def _by_pair(self) -> dict[tuple, list[Subscription]]:
        """The same subscriptions by child and activity (the overlap check of each form)."""
        pairs: dict[tuple, list[Subscription]] = {}
        for row in self.existing.values():
            pairs.setdefault((row.child_id, row.activity_id), []).append(row)
        return pairs

    # ------------------------------------------------------------ planning

    def _tickets_left(self, family_id: uuid.UUID, activity: ActivitySpec) -> list[int] | None:
        """The family's tickets for a prepaid activity, as a counter the plans of this batch
        share (a one-item list); None when the activity is not prepaid."""
        if activity.billing_mode != BillingMode.PREPAID:
            return None

        ticket = self._ticket_types.get(activity.id)
        if ticket is None:
            ticket = self._ticket_types[activity.id] = ticket_type_of(self.session, activity)
            # Every family of the batch at once (one query, not one per family).
            families = list({child.family_id for child in self.children.values()})
            found = balances_in(self.session, families, ticket.id)
            for family in families:
                self._tickets.setdefault((family, ticket.id), [found.get(family, 0)])
        key = (family_id, ticket.id)
        if key not in self._tickets:
            self._tickets[key] = [balance_in(self.session, family_id, ticket.id)]
        return self._tickets[key]

    def _facts(self, activity: ActivitySpec, day: date) -> tuple[str | None, bool]:
        """(closed reason, still changeable) — the same for every child, computed once."""
        known = self._day_facts[activity.id]
        facts = known.get(day)
        if facts is None:
            closed = activity.closed_reason(day, self.calendar)
            if closed is not None:
                facts = (closed, False)
            elif activity.subscription_only:
                facts = (None, day > self.now.date())  # by subscription: any day to come
            else:
                deadline = activity.deadline_of(day, self.calendar)
                facts = (None, deadline is not None and self.now < deadline)
            known[day] = facts
        return facts

    def check(self, draft: SubscriptionDraft) -> tuple[_ChildRow, ActivitySpec]:
        child = self.children.get(draft.child_id)
        activity = self.activities.get(draft.activity_id)
        if child is None or activity is None:
            raise NotFound("Cet enfant ou cette activité n'existe pas (ou plus).")
        if draft.end < draft.start:
            raise InvalidInput("La fin de la période doit venir après son début.")
        if not draft.template.weekdays and draft.regular:
            raise InvalidInput("Cochez au moins un jour de la semaine type.")
        if child.status != FamilyStatus.VALIDATED:
            raise BookingRefused(
                RefusalCode.DOSSIER_NOT_VALIDATED,
                f"Le dossier de {child.name} n'est pas validé : l'inscription n'est possible "
                "qu'une fois le dossier complet et validé.",
            )
        if not activity.concerns(child.school_id, child.level):
            raise BookingRefused(
                RefusalCode.CHILD_NOT_CONCERNED,
                f"{child.name} n'est pas concerné(e) par l'activité {activity.name} "
                "(école ou classe).",
            )
        return child, activity

    def plan(self, draft: SubscriptionDraft, *, any_source: bool = False) -> SubscriptionPreview:
        """Plans one draft and counts its seats as taken, so the next draft sees them.

        Days of the period outside the template are cancelled when the template booked them,
        or whatever booked them when `any_source` (the week shown becomes the rule)."""
        child, activity = self.check(draft)
        wanted = _template_days(draft.template, draft.start, draft.end) if draft.regular else ()
        to_book, already, waiting, closed, locked, to_cancel = [], [], [], [], [], []
        kept = []
        days = self.bookings.get((child.id, activity.id), {})
        facts, facts_of = self._day_facts[activity.id], self._facts
        totals, schools = self.total[activity.id], self.by_school[activity.id]
        school = child.school_id.hex if child.school_id else None  # str: cheap to hash
        capacity = activity.capacity
        own = activity.school_capacity(child.school_id) if school else None
        limited = capacity is not None or own is not None  # else no day is ever full
        tickets = self._tickets_left(child.family_id, activity)  # None: not prepaid
        no_ticket: list[date] = []
        for day in wanted:
            reason, changeable = facts.get(day) or facts_of(activity, day)
            state, source = days.get(day, (None, None))
            if reason is not None:
                closed.append((day, reason))
            elif state in HELD:
                already.append(day)
            elif state is not None and source != TEMPLATE and not any_source:
                kept.append(day)  # cancelled by the family or the desk: their decision stays
            elif not changeable:
                locked.append(day)
            elif limited and seats_left(capacity, totals[day], own, schools[(day, school)]) == 0:
                waiting.append(day)
            elif tickets is not None and tickets[0] <= 0:
                no_ticket.append(day)  # « autant de fois que de tickets » (seed 001)
            else:
                if tickets is not None:
                    tickets[0] -= 1
                to_book.append(day)
                totals[day] += 1
                schools[(day, school)] += 1
        wanted_set = set(wanted)
        for day, (state, source) in days.items():
            if (
                draft.start <= day <= draft.end
                and day not in wanted_set
                and (any_source or source == TEMPLATE)
                and state in HELD
                and self._facts(activity, day)[1]
            ):
                to_cancel.append(day)
        return SubscriptionPreview(
            child.name,
            activity.name,
            draft.start,
            draft.end,
            draft.template,
            tuple(to_book),
            tuple(already),
            tuple(sorted(to_cancel)),
            tuple(waiting),
            tuple(closed),
            tuple(locked),
            tuple(kept),
            tuple(no_ticket),
        )
