"""Activities (prestations): list, create and change them; read them as the rules need."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eticket_desk.models import Activity, ActivitySchool, School
from eticket_desk.rules.activity import ActivitySpec, BillingMode, check_activity
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import DomainError, NotFound, ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import PlanningChanged, emit


def _spec(activity: Activity, schools: list[ActivitySchool] | None = None) -> ActivitySpec:
    return ActivitySpec(
        id=activity.id,
        code=activity.code,
        name=activity.name,
        weekdays=tuple(int(d) for d in activity.weekdays),
        deadline=DeadlineRule(
            DeadlineKind(activity.deadline_kind), activity.deadline_time, activity.deadline_weekday
        ),
        billing_mode=BillingMode(activity.billing_mode),
        capacity=activity.capacity,
        school_capacities={
            s.school_id: s.capacity for s in (activity.schools if schools is None else schools)
        },
        levels=tuple(level for level in activity.levels.split(",") if level),
        ticket_type=activity.ticket_type,
        colour=activity.colour,
        position=activity.position,
        active=activity.active,
        product_code=activity.product_code,
        accounting_nature=activity.accounting_nature,
        caf_counted=activity.caf_counted,
        caf_slot=(
            (activity.caf_slot_start, activity.caf_slot_end)
            if activity.caf_slot_start is not None and activity.caf_slot_end is not None
            else None
        ),
        caf_wednesday_cap=activity.caf_wednesday_cap,
        care_share_bp=activity.care_share_bp,
    )


def activities_in(session: Session, *, include_inactive: bool = False) -> list[ActivitySpec]:
    """The activities in two plain queries (every booking and every grid reads them)."""
    query = select(Activity).order_by(Activity.position, Activity.name)
    if not include_inactive:
        query = query.where(Activity.active.is_(True))
    schools: dict[uuid.UUID, list[ActivitySchool]] = {}
    for link in session.execute(select(ActivitySchool)).scalars():
        schools.setdefault(link.activity_id, []).append(link)
    return [_spec(a, schools.get(a.id, [])) for a in session.scalars(query)]


def list_activities(store: Store, *, include_inactive: bool = False) -> list[ActivitySpec]:
    with store.read() as session:
        return activities_in(session, include_inactive=include_inactive)


def _apply(activity: Activity, spec: ActivitySpec) -> None:
    activity.code = spec.code
    activity.name = spec.name.strip()
    activity.position = spec.position
    activity.weekdays = "".join(str(d) for d in sorted(set(spec.weekdays)))
    activity.levels = ",".join(spec.levels)
    activity.capacity = spec.capacity
    activity.deadline_kind = spec.deadline.kind.value
    activity.deadline_time = spec.deadline.at
    activity.deadline_weekday = spec.deadline.weekday
    activity.billing_mode = spec.billing_mode.value
    activity.ticket_type = spec.ticket_type.strip().upper()
    activity.colour = spec.colour.lower()
    activity.active = spec.active
    activity.product_code = spec.product_code
    activity.accounting_nature = spec.accounting_nature
    activity.caf_counted = spec.caf_counted
    activity.caf_slot_start, activity.caf_slot_end = spec.caf_slot or (None, None)
    activity.caf_wednesday_cap = spec.caf_wednesday_cap
    activity.care_share_bp = spec.care_share_bp
    wanted = dict(spec.school_capacities)
    for link in list(activity.schools):
        if link.school_id not in wanted:
            activity.schools.remove(link)
        else:
            link.capacity = wanted.pop(link.school_id)
    for school_id, capacity in wanted.items():
        activity.schools.append(ActivitySchool(school_id=school_id, capacity=capacity))


@changes(Topic.ACTIVITIES)
def save_activity(store: Store, actor: Actor, spec: ActivitySpec) -> ActivitySpec:
    """Creates (no id) or changes an activity; every wrong field is reported at once."""
    actor.require(Permission.ACTIVITY_EDIT)
    spec = replace(
        spec,
        code=spec.code.strip().upper(),
        product_code=spec.product_code.strip().upper(),
        accounting_nature=spec.accounting_nature.strip(),
    )
    check_activity(spec)
    with store.write(actor) as session:
        clash = session.scalar(select(Activity.id).where(Activity.code == spec.code))
        if clash is not None and clash != spec.id:
            raise ValidationFailed(
                {"code": f"Le code {spec.code} est déjà pris par une autre activité."}
            )
        known = set(session.scalars(select(School.id)))
        if any(school_id not in known for school_id in spec.school_capacities):
            raise DomainError("Une des écoles choisies n'existe plus.")
        if spec.id is None:
            position = spec.position or (
                max(session.scalars(select(Activity.position)), default=0) + 1
            )
            activity = Activity(id=uuid.uuid4())
            session.add(activity)
            _apply(activity, replace(spec, position=position))
        else:
            activity = session.get(Activity, spec.id, options=[selectinload(Activity.schools)])
            if activity is None:
                raise NotFound("Cette activité n'existe plus.")
            _apply(activity, spec)
        emit(session, PlanningChanged("activity", activity.id))
        session.flush()
        session.refresh(activity)
        return _spec(activity)


@changes(Topic.ACTIVITIES)
def move_activity(store: Store, actor: Actor, activity_id: uuid.UUID, step: int) -> None:
    """Moves an activity up (step -1) or down (+1) in the order screens list activities.

    Positions are renumbered 1…n on the way, so equal positions cannot tie any more.
    """
    actor.require(Permission.ACTIVITY_EDIT)
    with store.write(actor) as session:
        ordered = list(session.scalars(select(Activity).order_by(Activity.position, Activity.name)))
        index = next((i for i, a in enumerate(ordered) if a.id == activity_id), None)
        if index is None:
            raise NotFound("Cette activité n'existe plus.")
        target = min(max(index + step, 0), len(ordered) - 1)
        ordered.insert(target, ordered.pop(index))
        for position, activity in enumerate(ordered, start=1):
            if activity.position != position:
                activity.position = position
                emit(session, PlanningChanged("activity", activity.id))
