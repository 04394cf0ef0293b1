"""The outbox's planning ops: activity.upsert and calendar.upsert, so that the server decides
bookings with the desk's own activities, school years and closures."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Activity, ActivitySchool, ClosedSpan, Period, SchoolYear
from eticket_desk.sync.wire import OpType

MAX_CLOSURES = 400


def planning_ids(obj: object) -> tuple[str, uuid.UUID] | None:
    """("activity" | "calendar", id) when a flushed row belongs to the planning."""
    if isinstance(obj, Activity):
        return "activity", obj.id
    if isinstance(obj, ActivitySchool):
        return "activity", obj.activity_id
    if isinstance(obj, SchoolYear):
        return "calendar", obj.id
    if isinstance(obj, (ClosedSpan, Period)):
        return "calendar", obj.school_year_id
    return None


def activity_ops(session: Session, activity_ids: list[uuid.UUID]) -> list:
    from eticket_desk.services.activities import activities_in

    wanted = set(activity_ids)
    ops = []
    for spec in activities_in(session, include_inactive=True):
        if spec.id not in wanted:
            continue
        payload: dict[str, Any] = {
            "activity_id": spec.id,
            "code": spec.code,
            "name": spec.name,
            "weekdays": list(spec.weekdays),
            "deadline": {
                "kind": spec.deadline.kind.value,
                "at": spec.deadline.at.strftime("%H:%M"),
                "weekday": spec.deadline.weekday,
            },
            "billing_mode": spec.billing_mode.value,
            "capacity": spec.capacity,
            "school_capacities": {str(k): v for k, v in spec.school_capacities.items()},
            "levels": list(spec.levels),
            "ticket_type": spec.ticket_type,
            "active": spec.active,
        }
        ops.append((OpType.ACTIVITY_UPSERT, payload, f"activity:{spec.id}", spec.name))
    return ops


def calendar_ops(session: Session, year_ids: list[uuid.UUID]) -> list:
    ops = []
    for year in session.scalars(select(SchoolYear).where(SchoolYear.id.in_(year_ids))):
        closures = session.scalars(
            select(ClosedSpan)
            .where(ClosedSpan.school_year_id == year.id)
            .order_by(ClosedSpan.start)
            .limit(MAX_CLOSURES)
        )
        periods = session.scalars(
            select(Period).where(Period.school_year_id == year.id).order_by(Period.start)
        )
        payload = {
            "year_id": year.id,
            "label": year.label,
            "start": year.start,
            "end": year.end,
            "zone": year.zone,
            "period_mode": year.period_mode,
            "periods": [{"name": p.name, "start": p.start, "end": p.end} for p in periods],
            "closures": [
                {
                    "start": span.start,
                    "end": span.end,
                    "kind": span.kind,
                    "label": span.label,
                    "activity_codes": [c for c in span.activity_codes.split(",") if c],
                }
                for span in closures
            ],
        }
        ops.append((OpType.CALENDAR_UPSERT, payload, f"calendar:{year.id}", year.label))
    return ops
