"""Paper registration forms: a family's children with their subscriptions, preview and apply.

The form screens need, for one family, each child's school, class and level (which activities
concern them) and the subscriptions already recorded (they pre-fill the form). A form holds
one draft per ticked activity; `preview_form` plans them all without writing, and
`apply_form` saves them in one transaction: either every activity of the form is recorded,
or none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Child, Family, School, SchoolClass, Subscription
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import FareOption, WeekTemplate
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.subscriptions.forms import (
    SubscriptionDraft,
    SubscriptionInfo,
    SubscriptionPreview,
    apply_subscriptions_in,
)
from eticket_desk.services.subscriptions.planner import Planner


@dataclass(frozen=True)
class FormChild:
    """A child as the form shows it: who, where, and what they are already registered for."""

    id: uuid.UUID
    first_name: str
    last_name: str
    school_id: uuid.UUID | None
    school_name: str
    class_name: str
    level: str | None
    subscriptions: tuple[SubscriptionInfo, ...]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def label(self) -> str:
        """ "Léa Dupont — CP, École Jules Ferry" (what the child combo reads)."""
        where = ", ".join(part for part in (self.class_name, self.school_name) if part)
        return f"{self.name} — {where}" if where else f"{self.name} — sans école"

    def subscriptions_over(
        self, activity_id: uuid.UUID, start: date, end: date
    ) -> list[SubscriptionInfo]:
        """The child's subscriptions to the activity that overlap the period."""
        return [
            s
            for s in self.subscriptions
            if s.activity_id == activity_id and s.start <= end and s.end >= start
        ]


@dataclass(frozen=True)
class FormFamily:
    id: uuid.UUID
    reference: str
    display_name: str
    status: FamilyStatus
    children: tuple[FormChild, ...]

    @property
    def validated(self) -> bool:
        return self.status == FamilyStatus.VALIDATED

    def child(self, child_id: uuid.UUID) -> FormChild | None:
        return next((c for c in self.children if c.id == child_id), None)


@dataclass(frozen=True)
class DraftOutcome:
    """What one line of the form would do, or why it is refused (French)."""

    draft: SubscriptionDraft
    preview: SubscriptionPreview | None
    refusal: str = ""


def load_form_family(store: Store, actor: Actor, family_id: uuid.UUID) -> FormFamily:
    """The family's children in the dossier's order, each with its subscriptions."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier famille n'existe pas (ou plus).")
        names = {a.id: a.name for a in activities_in(session, include_inactive=True)}
        rows = session.execute(
            select(Child, School.name, SchoolClass.name, SchoolClass.level)
            .outerjoin(School, School.id == Child.school_id)
            .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
            .where(Child.family_id == family_id)
            .order_by(Child.position, Child.first_name)
        ).all()
        subscriptions: dict[uuid.UUID, list[SubscriptionInfo]] = {c.id: [] for c, *_ in rows}
        for s in session.scalars(
            select(Subscription)
            .where(Subscription.child_id.in_(list(subscriptions)))
            .order_by(Subscription.start)
        ):
            subscriptions[s.child_id].append(
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
            )
        children = tuple(
            FormChild(
                child.id,
                child.first_name,
                child.last_name,
                child.school_id,
                school_name or "",
                class_name or "",
                level,
                tuple(subscriptions[child.id]),
            )
            for child, school_name, class_name, level in rows
        )
        return FormFamily(
            family.id,
            family.reference,
            family.display_name,
            FamilyStatus(family.status),
            children,
        )


def preview_form(store: Store, actor: Actor, drafts: list[SubscriptionDraft]) -> list[DraftOutcome]:
    """What applying the form would do, line by line, without writing anything.

    A refused line (dossier not validated, child not concerned, no weekday) carries its
    French reason; the others are planned as `apply_form` would plan them.
    """
    actor.require(Permission.BOOKING_EDIT)
    if not drafts:
        return []
    with store.read() as session:
        planner = Planner(session, actor, drafts, store.clock.now())
        outcomes = []
        for draft in drafts:
            try:
                outcomes.append(DraftOutcome(draft, planner.plan(draft)))
            except DomainError as exc:
                outcomes.append(DraftOutcome(draft, None, exc.message))
        return outcomes


@changes(Topic.BOOKINGS)
def apply_form(
    store: Store, actor: Actor, drafts: list[SubscriptionDraft]
) -> list[SubscriptionPreview]:
    """Records every line of one paper form in one transaction; a refused line refuses the
    whole form and nothing is written. Applying the same form twice changes nothing."""
    actor.require(Permission.BOOKING_EDIT)
    if not drafts:
        return []
    with store.write(actor) as session:
        return apply_subscriptions_in(session, actor, list(drafts), source="paper")
