"""Subscriptions from paper forms: preview, apply (idempotent), change, and in bulk.

A subscription books the days its week template asks for in its period, skipping closed
days and days whose deadline has passed; a full day goes on the waiting list. The bookings
it makes carry the source "template", so a later change of the template cancels only those,
and only on days still open. One form is one transaction; a pile of forms (an import, the
start of the year) goes through the same planner, a chunk of forms per transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Subscription
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import FareOption, WeekTemplate
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.subscriptions.data import (
    SubscriptionDraft,
    SubscriptionInfo,
    SubscriptionPreview,
)
from eticket_desk.services.subscriptions.planner import Planner
from eticket_desk.services.subscriptions.staging import Buffers

__all__ = [
    "SubscriptionDraft",
    "SubscriptionInfo",
    "SubscriptionPreview",
    "apply_subscription",
    "apply_subscriptions",
    "apply_subscriptions_in",
    "list_subscriptions",
    "preview_subscription",
    "apply_saved_subscriptions",
    "book_drafts",
    "save_subscriptions_in",
    "saved_drafts",
]


def preview_subscription(
    store: Store, actor: Actor, draft: SubscriptionDraft
) -> SubscriptionPreview:
    """What the form would do, without writing anything."""
    actor.require(Permission.BOOKING_EDIT)
    with store.read() as session:
        return Planner(session, actor, [draft], store.clock.now()).plan(draft)


@changes(Topic.BOOKINGS)
def apply_subscription(
    store: Store, actor: Actor, draft: SubscriptionDraft, *, source: str = "paper"
) -> SubscriptionPreview:
    """Saves the form and books its days, in one transaction; applying twice changes nothing."""
    actor.require(Permission.BOOKING_EDIT)
    with store.write(actor) as session:
        planner = Planner(session, actor, [draft], session.info["now"])
        preview = planner.plan(draft)
        out = Buffers()
        planner.stage(draft, preview, source, out)
        planner.write(out)
        return preview


def apply_subscriptions_in(
    session: Session, actor: Actor, drafts: list[SubscriptionDraft], source: str
) -> list[SubscriptionPreview]:
    """Many forms inside the caller's transaction (an import); all or nothing."""
    planner = Planner(session, actor, drafts, session.info["now"])
    out = Buffers()
    previews = []
    for draft in drafts:
        preview = planner.plan(draft)
        planner.stage(draft, preview, source, out)
        previews.append(preview)
    planner.write(out)
    return previews


@changes(Topic.BOOKINGS)
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


def saved_drafts(store: Store, start: date, end: date) -> list[SubscriptionDraft]:
    """Every saved subscription overlapping [start, end], clipped to it, as drafts."""
    with store.read() as session:
        rows = session.scalars(
            select(Subscription)
            .where(Subscription.start <= end, Subscription.end >= start, Subscription.regular)
            .order_by(Subscription.start, Subscription.child_id, Subscription.activity_id)
        ).all()
        return [
            SubscriptionDraft(
                s.child_id,
                s.activity_id,
                s.start,
                s.end,
                WeekTemplate.parse(s.weekdays, s.parity),
                s.regular,
                FareOption(s.fare_option),
                s.period_label,
            )
            for s in rows
        ]


@dataclass(frozen=True)
class RunSummary:
    forms: int
    applied: int
    booked: int
    stopped: bool
    waiting: int = 0


def save_subscriptions_in(
    session: Session, actor: Actor, drafts: list[SubscriptionDraft], source: str
) -> None:
    """Records forms without booking their days yet (an import: `book_drafts` follows)."""
    planner = Planner(session, actor, drafts, session.info["now"])
    for draft in drafts:
        planner.check(draft)
        planner.save(draft, source)


@changes(Topic.BOOKINGS)
def book_drafts(
    store: Store,
    actor: Actor,
    drafts: list[SubscriptionDraft],
    *,
    label: str,
    progress: Callable[[int, int], bool] | None = None,
    chunk: int = 2000,
) -> RunSummary:
    """Books the days of recorded forms, one transaction per chunk of forms: only days still
    open and not booked; forms whose dossier is no longer valid are skipped. A stopped or
    failed run leaves whole chunks, and running it again completes it (never twice)."""
    actor.require(Permission.BOOKING_EDIT)
    booked = waiting = applied = 0
    stopped = False
    for first in range(0, len(drafts), chunk):
        part = drafts[first : first + chunk]
        with store.write(actor) as session:
            planner = Planner(session, actor, part, session.info["now"])
            out = Buffers()
            for draft in part:
                try:
                    preview = planner.plan(draft)
                except DomainError:
                    continue  # dossier archived, child moved out of the activity's classes
                planner.stage(draft, preview, "template", out, save=False, audit=False)
                applied += 1
                booked += len(preview.to_book)
                waiting += len(preview.waiting)
            planner.write(out)
            record(
                session,
                "subscription",
                "subscription",
                "",
                f"{label} : {len(part)} inscription(s), {len(out.upserts)} jour(s) réservé(s) "
                "ou en attente",
            )
        if progress is not None and progress(first + len(part), len(drafts)) is False:
            stopped = first + len(part) < len(drafts)
            break
    return RunSummary(len(drafts), applied, booked, stopped, waiting)


@changes(Topic.BOOKINGS)
def apply_saved_subscriptions(
    store: Store,
    actor: Actor,
    start: date,
    end: date,
    *,
    progress: Callable[[int, int], bool] | None = None,
    chunk: int = 2000,
) -> RunSummary:
    """Books again every saved week template over a period (after the calendar changed, or
    at the start of the year); `progress(done, total)` may return False to stop after the
    current chunk."""
    actor.require(Permission.BOOKING_EDIT)
    return book_drafts(
        store,
        actor,
        saved_drafts(store, start, end),
        label=f"Semaines types appliquées du {start:%d/%m/%Y} au {end:%d/%m/%Y}",
        progress=progress,
        chunk=chunk,
    )
