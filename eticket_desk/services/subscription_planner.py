"""The planner of paper forms: reads once what a batch of forms needs, plans each form in
memory (open, closed, locked, full days) and writes them all with a few bulk statements."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eticket_desk.models import (
    AuditEntry,
    Booking,
    Child,
    Family,
    Occupancy,
    SchoolClass,
    Subscription,
)
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES, BookingRefused, BookingState, RefusalCode
from eticket_desk.rules.calendar import CalendarSet
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.services.activities import activities_in
from eticket_desk.services.booking_hooks import booking_hooks
from eticket_desk.services.bookings import offer_freed_seat
from eticket_desk.services.calendar import calendar_in
from eticket_desk.services.store import Actor
from eticket_desk.services.subscription_data import SubscriptionDraft, SubscriptionPreview

TEMPLATE = "template"
HELD = {s.value for s in SEAT_STATES} | {BookingState.WAITING.value}


@dataclass
class _ChildRow:
    id: uuid.UUID
    name: str
    family_id: uuid.UUID
    status: FamilyStatus
    school_id: uuid.UUID | None
    level: str | None


@dataclass
class Buffers:
    upserts: list[dict] = field(default_factory=list)
    cancels: list[dict] = field(default_factory=list)
    seats: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    freed: set = field(default_factory=set)
    audit: list[dict] = field(default_factory=list)
    taken: list[tuple] = field(default_factory=list)


def _day(day: date) -> str:
    return format_date(day, "dd/MM/yyyy", locale="fr_FR")


class Planner:
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
        self.total: dict[tuple, int] = defaultdict(int)
        self.by_school: dict[tuple, int] = defaultdict(int)
        for activity_id, day, school_id, booked in session.execute(
            select(
                Occupancy.activity_id, Occupancy.day, Occupancy.school_id, Occupancy.booked
            ).where(Occupancy.activity_id.in_(activity_ids), Occupancy.day.between(low, high))
        ):
            self.total[(activity_id, day)] += booked
            self.by_school[(activity_id, day, school_id)] += booked
        self._day_facts: dict[tuple, tuple[str | None, bool]] = {}
        self.existing = {
            (s.child_id, s.activity_id, s.start): s
            for start in range(0, len(child_ids), 900)
            for s in session.scalars(
                select(Subscription).where(
                    Subscription.child_id.in_(child_ids[start : start + 900])
                )
            )
        }

    # ------------------------------------------------------------ planning

    def _facts(self, activity: ActivitySpec, day: date) -> tuple[str | None, bool]:
        """(closed reason, still changeable) — the same for every child, computed once."""
        key = (activity.id, day)
        facts = self._day_facts.get(key)
        if facts is None:
            closed = activity.closed_reason(day, self.calendar)
            if closed is not None:
                facts = (closed, False)
            elif activity.subscription_only:
                facts = (None, day > self.now.date())  # by subscription: any day to come
            else:
                deadline = activity.deadline_of(day, self.calendar)
                facts = (None, deadline is not None and self.now < deadline)
            self._day_facts[key] = facts
        return facts

    def _full(self, activity: ActivitySpec, day: date, school_id) -> bool:
        if activity.capacity is not None and self.total[(activity.id, day)] >= activity.capacity:
            return True
        own = activity.school_capacity(school_id) if school_id else None
        return own is not None and self.by_school[(activity.id, day, school_id)] >= own

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
        wanted = set(draft.template.days_of(draft.start, draft.end)) if draft.regular else set()
        to_book, already, waiting, closed, locked, to_cancel = [], [], [], [], [], []
        kept = []
        days = self.bookings.get((child.id, activity.id), {})
        for day in sorted(wanted):
            reason, changeable = self._facts(activity, day)
            state, source = days.get(day, (None, None))
            if reason is not None:
                closed.append((day, reason))
            elif state in HELD:
                already.append(day)
            elif state is not None and source != TEMPLATE and not any_source:
                kept.append(day)  # cancelled by the family or the desk: their decision stays
            elif not changeable:
                locked.append(day)
            elif self._full(activity, day, child.school_id):
                waiting.append(day)
            else:
                to_book.append(day)
                self.total[(activity.id, day)] += 1
                self.by_school[(activity.id, day, child.school_id)] += 1
        for day, (state, source) in days.items():
            if (
                draft.start <= day <= draft.end
                and day not in wanted
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
        )

    # ------------------------------------------------------------ writing

    def stage(
        self,
        draft: SubscriptionDraft,
        preview: SubscriptionPreview,
        source: str,
        out: Buffers,
        *,
        save: bool = True,
        audit: bool = True,
    ) -> None:
        child = self.children[draft.child_id]
        activity = self.activities[draft.activity_id]
        now, login = self.now, self.actor.login
        for state, days in (
            (BookingState.BOOKED, preview.to_book),
            (BookingState.WAITING, preview.waiting),
        ):
            for day in days:
                out.upserts.append(
                    {
                        "activity_id": activity.id,
                        "day": day,
                        "child_id": child.id,
                        "school_id": child.school_id,
                        "state": state.value,
                        "late": False,
                        "source": TEMPLATE,
                        "waiting_since": now if state == BookingState.WAITING else None,
                        "updated_at": now,
                        "updated_by": login,
                    }
                )
                seat = out.seats[(activity.id, day, child.school_id)]
                seat[0 if state == BookingState.BOOKED else 1] += 1
                self.bookings[(child.id, activity.id)][day] = (state.value, TEMPLATE)
                if state == BookingState.BOOKED:
                    out.taken.append((activity, child, day))
        for day in preview.to_cancel:
            previous = self.bookings[(child.id, activity.id)][day][0]
            out.cancels.append({"a": activity.id, "d": day, "c": child.id, "at": now, "by": login})
            seat = out.seats[(activity.id, day, child.school_id)]
            if previous == BookingState.WAITING.value:
                seat[1] -= 1
            else:
                seat[0] -= 1
                out.freed.add((activity.id, day))
                self.total[(activity.id, day)] -= 1
            self.bookings[(child.id, activity.id)][day] = (BookingState.CANCELLED.value, TEMPLATE)
        if save:
            self._save_subscription(draft, source)
        if not audit:
            return
        out.audit.append(
            {
                "id": uuid.uuid4(),
                "at": now,
                "user_id": self.actor.user_id,
                "user_login": login,
                "action": "subscription",
                "entity": "subscription",
                "entity_id": f"{child.id}:{activity.id}",
                "summary": (
                    f"Inscription {child.name} — {activity.name} du {_day(draft.start)} au "
                    f"{_day(draft.end)} ({draft.template.describe()}) : {len(preview.to_book)} "
                    f"jour(s) réservé(s), {len(preview.to_cancel)} annulé(s), "
                    f"{len(preview.waiting)} en liste d'attente"
                ),
                "details": json.dumps(
                    {
                        "weekdays": draft.template.text,
                        "parity": draft.template.parity.value,
                        "regular": draft.regular,
                        "fare_option": draft.fare_option.value,
                        "source": source,
                    },
                    ensure_ascii=False,
                ),
            }
        )

    def _save_subscription(self, draft: SubscriptionDraft, source: str) -> None:
        key = (draft.child_id, draft.activity_id, draft.start)
        values = {
            "end": draft.end,
            "period_label": draft.period_label,
            "regular": draft.regular,
            "weekdays": draft.template.text,
            "parity": draft.template.parity.value,
            "fare_option": draft.fare_option.value,
            "source": source,
            "updated_at": self.now,
            "updated_by": self.actor.login,
        }
        row = self.existing.get(key)
        if row is None:
            for other in self.existing.values():
                if (
                    other.child_id == draft.child_id
                    and other.activity_id == draft.activity_id
                    and other.start <= draft.end
                    and other.end >= draft.start
                ):
                    raise InvalidInput(
                        f"Une inscription à cette activité couvre déjà la période du "
                        f"{_day(other.start)} au {_day(other.end)} : modifiez-la plutôt."
                    )
            row = Subscription(
                id=uuid.uuid4(),
                child_id=draft.child_id,
                activity_id=draft.activity_id,
                start=draft.start,
                created_at=self.now,
                **values,
            )
            self.session.add(row)
            self.existing[key] = row
        else:
            for name, value in values.items():
                setattr(row, name, value)

    def write(self, out: Buffers) -> None:
        session = self.session
        if out.upserts:
            statement = sqlite_insert(Booking)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["activity_id", "day", "child_id"],
                    set_={
                        name: statement.excluded[name]
                        for name in (
                            "school_id",
                            "state",
                            "late",
                            "source",
                            "waiting_since",
                            "updated_at",
                            "updated_by",
                        )
                    },
                ),
                out.upserts,
            )
        if out.cancels:
            session.connection().execute(
                Booking.__table__.update()
                .where(
                    Booking.activity_id == bindparam("a"),
                    Booking.day == bindparam("d"),
                    Booking.child_id == bindparam("c"),
                )
                .values(
                    state=BookingState.CANCELLED.value,
                    updated_at=bindparam("at"),
                    updated_by=bindparam("by"),
                ),
                out.cancels,
            )
        rows = [
            {"activity_id": a, "day": d, "school_id": s, "booked": b, "waiting": w}
            for (a, d, s), (b, w) in out.seats.items()
            if b or w
        ]
        if rows:
            statement = sqlite_insert(Occupancy)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["activity_id", "day", "school_id"],
                    set_={
                        "booked": Occupancy.booked + statement.excluded.booked,
                        "waiting": Occupancy.waiting + statement.excluded.waiting,
                    },
                ),
                rows,
            )
        hooks = booking_hooks()
        for activity, child, day in out.taken if hooks else ():
            booking = Booking(
                activity_id=activity.id, day=day, child_id=child.id, school_id=child.school_id
            )
            for hook in hooks:
                hook.seat_taken(session, booking, activity, child.family_id, day)
        session.flush()
        for activity_id, day in sorted(out.freed):
            offer_freed_seat(self, self.activities[activity_id], day)
        if out.audit:
            session.execute(AuditEntry.__table__.insert(), out.audit)
