"""« Mettre à jour la semaine type » (seed 003): the week shown of an activity becomes the
template of the following weeks of its period."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Booking
from eticket_desk.rules.booking import BookingRefused, RefusalCode, subscription_only_message
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import template_of_week
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import read_school_years
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.subscriptions.data import SubscriptionDraft, SubscriptionPreview
from eticket_desk.services.subscriptions.planner import HELD, Planner
from eticket_desk.services.subscriptions.staging import Buffers


def _week_template_draft(
    session: Session, child_id: uuid.UUID, activity_id: uuid.UUID, monday: date
) -> SubscriptionDraft:
    """The week shown becomes the template of the following weeks of its period (seed 003).
    Not for a subscription-only activity (TAP): its days and fare change by the form."""
    activity = next((a for a in activities_in(session) if a.id == activity_id), None)
    if activity is not None and activity.subscription_only:
        raise BookingRefused(
            RefusalCode.SUBSCRIPTION_ONLY, subscription_only_message(activity.name)
        )
    next_monday = monday + timedelta(days=7)
    period = next(
        (
            p
            for y in read_school_years(session)
            for p in y.periods
            if p.start <= monday + timedelta(days=4) and monday <= p.end
        ),
        None,
    )
    if period is None:
        raise InvalidInput("Cette semaine n'est dans aucune période de l'année scolaire.")
    if next_monday > period.end:
        raise InvalidInput(
            f"Cette semaine est la dernière de la {period.name.lower()} : il n'y a pas de "
            "semaine suivante à mettre à jour."
        )
    booked = session.scalars(
        select(Booking.day).where(
            Booking.child_id == child_id,
            Booking.activity_id == activity_id,
            Booking.day >= monday,
            Booking.day < next_monday,
            Booking.state.in_(HELD),
        )
    ).all()
    return SubscriptionDraft(
        child_id,
        activity_id,
        next_monday,
        period.end,
        template_of_week(list(booked)),
        period_label=period.name,
    )


def preview_week_template(
    store: Store, actor: Actor, child_id: uuid.UUID, activity_id: uuid.UUID, monday: date
) -> SubscriptionPreview:
    """What "Mettre à jour la semaine type" would change in the following weeks."""
    actor.require(Permission.BOOKING_EDIT)
    with store.read() as session:
        draft = _week_template_draft(session, child_id, activity_id, monday)
        return Planner(session, actor, [draft], store.clock.now()).plan(draft, any_source=True)


@changes(Topic.BOOKINGS)
def apply_week_template(
    store: Store, actor: Actor, child_id: uuid.UUID, activity_id: uuid.UUID, monday: date
) -> SubscriptionPreview:
    """Copies the week's bookings of an activity onto the following weeks of the period
    (open days only), and makes it the template of the child's subscription there."""
    actor.require(Permission.BOOKING_EDIT)
    with store.write(actor) as session:
        draft = _week_template_draft(session, child_id, activity_id, monday)
        planner = Planner(session, actor, [draft], session.info["now"])
        preview = planner.plan(draft, any_source=True)
        out = Buffers()
        planner.stage(draft, preview, "counter", out, save=False)
        planner.write(out)
        for row in planner.existing.values():
            if (
                row.child_id == child_id
                and row.activity_id == activity_id
                and row.start <= draft.end
                and row.end >= draft.start
            ):
                row.weekdays, row.parity = draft.template.text, draft.template.parity.value
                row.regular = bool(draft.template.weekdays)
                row.updated_at, row.updated_by = planner.now, actor.login
        return preview
