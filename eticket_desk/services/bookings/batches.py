"""« Toute la semaine » and « toutes les activités »: several days in one transaction, each
day tried on its own (refused days are reported, the others are done)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from eticket_desk.rules.booking import Action, BookingRefused
from eticket_desk.rules.calendar import week_days
from eticket_desk.services.bookings.booking import (
    DayOutcome,
    _change,
    _Context,
    _run,
    promoted_families,
)
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class BatchOutcome:
    outcomes: tuple[DayOutcome, ...]

    @property
    def changed(self) -> int:
        return sum(1 for o in self.outcomes if o.changed)

    @property
    def refusals(self) -> tuple[DayOutcome, ...]:
        return tuple(o for o in self.outcomes if o.refused is not None)

    def summary(self, verb: str) -> str:
        text = f"{self.changed} jour(s) {verb}."
        if self.refusals:
            text += " Non modifiés : " + " ; ".join(o.message for o in self.refusals)
        return text


def _batch(ctx: _Context, pairs, action: Action, override_reason: str) -> BatchOutcome:
    """Each day is tried on its own: refused days are reported, the others are done."""
    outcomes = []
    for activity_id, day in pairs:
        activity = ctx.activity(activity_id)
        if action == Action.BOOK and not activity.runs_on(day, ctx.calendar):
            continue  # closed days are not part of "the whole week"
        try:
            with ctx.session.begin_nested():
                outcomes.append(
                    _change(ctx, activity_id, day, action, override_reason=override_reason)
                )
        except BookingRefused as refused:
            outcomes.append(
                DayOutcome(
                    ctx.child.id, activity_id, day, None, False, refused.message, refused.code
                )
            )
    return BatchOutcome(tuple(outcomes))


@changes(Topic.BOOKINGS, promoted_families)
def set_week(
    store: Store,
    actor: Actor,
    child_id: uuid.UUID,
    activity_id: uuid.UUID,
    monday: date,
    *,
    book: bool = True,
    override_reason: str = "",
    days: int = 7,
) -> BatchOutcome:
    """ "Toute la semaine": books (or cancels) every open day of the week for one activity."""
    action = Action.BOOK if book else Action.CANCEL
    return _run(
        store,
        actor,
        child_id,
        lambda ctx: _batch(
            ctx, [(activity_id, d) for d in week_days(monday, days)], action, override_reason
        ),
    )


@changes(Topic.BOOKINGS, promoted_families)
def set_day(
    store: Store,
    actor: Actor,
    child_id: uuid.UUID,
    day: date,
    activity_ids: list[uuid.UUID],
    *,
    book: bool = True,
    override_reason: str = "",
) -> BatchOutcome:
    """ "Toutes les activités": books (or cancels) every given activity of one day."""
    action = Action.BOOK if book else Action.CANCEL
    return _run(
        store,
        actor,
        child_id,
        lambda ctx: _batch(ctx, [(a, day) for a in activity_ids], action, override_reason),
    )
