"""Subscriptions from paper forms: preview, apply (idempotent), change, and in bulk.

A subscription books the days its week template asks for in its period, skipping closed
days and days whose deadline has passed; a full day goes on the waiting list. The bookings
it makes carry the source "template", so a later change of the template cancels only those,
and only on days still open. One form is one transaction; a pile of forms (an import, the
start of the year) goes through the same planner, a chunk of children per transaction.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import select
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
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import FareOption, WeekTemplate
from eticket_desk.services.activities import activities_in
from eticket_desk.services.booking_hooks import booking_hooks
from eticket_desk.services.bookings import offer_freed_seat
from eticket_desk.services.calendar import calendar_in
from eticket_desk.services.store import Actor, Store

TEMPLATE = "template"
_HELD = {s.value for s in SEAT_STATES} | {BookingState.WAITING.value}


@dataclass(frozen=True)
class SubscriptionDraft:
    """One line of a paper form: a child, an activity, a period and the week template."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    start: date
    end: date
    template: WeekTemplate
    regular: bool = True
    fare_option: FareOption = FareOption.NONE
    period_label: str = ""


@dataclass(frozen=True)
class SubscriptionPreview:
    """What applying a draft would do, day by day."""

    child_name: str
    activity_name: str
    start: date
    end: date
    template: WeekTemplate
    to_book: tuple[date, ...]
    already: tuple[date, ...]
    to_cancel: tuple[date, ...]
    waiting: tuple[date, ...]  # full: the child goes on the waiting list
    closed: tuple[tuple[date, str], ...]
    locked: tuple[date, ...]  # deadline passed: left as they are

    @property
    def changes(self) -> int:
        return len(self.to_book) + len(self.to_cancel) + len(self.waiting)

    def summary(self) -> str:
        """ "Cantine : 132 jours à réserver, 4 déjà réservés, 12 fermés (vacances…)"."""
        parts = [f"{len(self.to_book)} jour(s) à réserver"]
        if self.already:
            parts.append(f"{len(self.already)} déjà réservé(s)")
        if self.to_cancel:
            parts.append(f"{len(self.to_cancel)} à annuler")
        if self.waiting:
            parts.append(f"{len(self.waiting)} complet(s) : liste d'attente")
        if self.closed:
            parts.append(f"{len(self.closed)} fermé(s)")
        if self.locked:
            parts.append(f"{len(self.locked)} verrouillé(s) (délai dépassé)")
        return f"{self.activity_name} : " + ", ".join(parts)


@dataclass
class _ChildRow:
    id: uuid.UUID
    name: str
    family_id: uuid.UUID
    status: FamilyStatus
    school_id: uuid.UUID | None
    level: str | None


@dataclass
class _Buffers:
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
        self.bookings: dict[tuple, tuple[str, str]] = {}
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
                self.bookings[(child_id, activity_id, day)] = (state, source)
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

    def plan(self, draft: SubscriptionDraft) -> SubscriptionPreview:
        """Plans one draft and counts its seats as taken, so the next draft sees them."""
        child, activity = self.check(draft)
        wanted = set(draft.template.days_of(draft.start, draft.end)) if draft.regular else set()
        to_book, already, waiting, closed, locked, to_cancel = [], [], [], [], [], []
        for day in sorted(wanted):
            reason, changeable = self._facts(activity, day)
            state = self.bookings.get((child.id, activity.id, day), (None, None))[0]
            if reason is not None:
                closed.append((day, reason))
            elif state in _HELD:
                already.append(day)
            elif not changeable:
                locked.append(day)
            elif self._full(activity, day, child.school_id):
                waiting.append(day)
            else:
                to_book.append(day)
                self.total[(activity.id, day)] += 1
                self.by_school[(activity.id, day, child.school_id)] += 1
        for (child_id, activity_id, day), (state, source) in self.bookings.items():
            if (
                child_id == child.id
                and activity_id == activity.id
                and draft.start <= day <= draft.end
                and day not in wanted
                and source == TEMPLATE
                and state in _HELD
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
        )

    # ------------------------------------------------------------ writing

    def stage(
        self, draft: SubscriptionDraft, preview: SubscriptionPreview, source: str, out: _Buffers
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
                self.bookings[(child.id, activity.id, day)] = (state.value, TEMPLATE)
                if state == BookingState.BOOKED:
                    out.taken.append((activity, child, day))
        for day in preview.to_cancel:
            previous = self.bookings[(child.id, activity.id, day)][0]
            out.cancels.append({"a": activity.id, "d": day, "c": child.id, "at": now, "by": login})
            seat = out.seats[(activity.id, day, child.school_id)]
            if previous == BookingState.WAITING.value:
                seat[1] -= 1
            else:
                seat[0] -= 1
                out.freed.add((activity.id, day))
                self.total[(activity.id, day)] -= 1
            self.bookings[(child.id, activity.id, day)] = (BookingState.CANCELLED.value, TEMPLATE)
        self._save_subscription(draft, source)
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

    def write(self, out: _Buffers) -> None:
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
                    Booking.activity_id == _bind("a"),
                    Booking.day == _bind("d"),
                    Booking.child_id == _bind("c"),
                )
                .values(
                    state=BookingState.CANCELLED.value,
                    updated_at=_bind("at"),
                    updated_by=_bind("by"),
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


def _bind(name: str):
    from sqlalchemy import bindparam

    return bindparam(name)


# ---------------------------------------------------------------- services


def preview_subscription(
    store: Store, actor: Actor, draft: SubscriptionDraft
) -> SubscriptionPreview:
    """What the form would do, without writing anything."""
    actor.require(Permission.BOOKING_EDIT)
    with store.read() as session:
        return Planner(session, actor, [draft], store.clock.now()).plan(draft)


def apply_subscription(
    store: Store, actor: Actor, draft: SubscriptionDraft, *, source: str = "paper"
) -> SubscriptionPreview:
    """Saves the form and books its days, in one transaction; applying twice changes nothing."""
    actor.require(Permission.BOOKING_EDIT)
    with store.write(actor) as session:
        planner = Planner(session, actor, [draft], session.info["now"])
        preview = planner.plan(draft)
        out = _Buffers()
        planner.stage(draft, preview, source, out)
        planner.write(out)
        return preview


def apply_subscriptions_in(
    session: Session, actor: Actor, drafts: list[SubscriptionDraft], source: str
) -> list[SubscriptionPreview]:
    """Many forms inside the caller's transaction (an import); all or nothing."""
    planner = Planner(session, actor, drafts, session.info["now"])
    out = _Buffers()
    previews = []
    for draft in drafts:
        preview = planner.plan(draft)
        planner.stage(draft, preview, source, out)
        previews.append(preview)
    planner.write(out)
    return previews


def apply_subscriptions(
    store: Store,
    actor: Actor,
    drafts: Iterable[SubscriptionDraft],
    *,
    source: str = "paper",
    chunk: int = 2000,
    progress: Callable[[int, int], bool] | None = None,
) -> int:
    """A pile of forms (the start of the year): one transaction per chunk of forms, in order;
    `progress(done, total)` may return False to stop after the current chunk. Returns the
    number of days booked."""
    actor.require(Permission.BOOKING_EDIT)
    drafts = list(drafts)
    booked = 0
    for start in range(0, len(drafts), chunk):
        part = drafts[start : start + chunk]
        with store.write(actor) as session:
            booked += sum(
                len(p.to_book) for p in apply_subscriptions_in(session, actor, part, source)
            )
        if progress is not None and progress(min(start + chunk, len(drafts)), len(drafts)) is False:
            break
    return booked


@dataclass(frozen=True)
class SubscriptionInfo:
    id: uuid.UUID
    child_id: uuid.UUID
    activity_id: uuid.UUID
    activity_name: str
    start: date
    end: date
    period_label: str
    template: WeekTemplate
    regular: bool
    fare_option: FareOption
    source: str


def list_subscriptions(store: Store, actor: Actor, child_id: uuid.UUID) -> list[SubscriptionInfo]:
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        names = {a.id: a.name for a in activities_in(session, include_inactive=True)}
        rows = session.scalars(
            select(Subscription)
            .where(Subscription.child_id == child_id)
            .order_by(Subscription.start)
        ).all()
        return [
            SubscriptionInfo(
                s.id,
                s.child_id,
                s.activity_id,
                names.get(s.activity_id, "?"),
                s.start,
                s.end,
                s.period_label,
                WeekTemplate.parse(s.weekdays, s.parity),
                s.regular,
                FareOption(s.fare_option),
                s.source,
            )
            for s in rows
        ]
