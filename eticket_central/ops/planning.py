"""activity.upsert and calendar.upsert: the desk's activities and school years, pushed by an
administrator's desk so that the server decides bookings with the same rules.

A school year lies between 2000 and 2100 and lasts at most 13 months (its closures within
those years too): a year 0001–9999 would make every date computation of the rules absurd."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import Activity, SchoolYear
from eticket_central.ops.registry import OpContext, Rejected, handler
from eticket_desk.rules.activity import ActivitySpec, BillingMode, check_activity
from eticket_desk.rules.calendar import CalendarSet, Closure, ClosureKind, SchoolCalendar
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import DomainError
from eticket_desk.sync.protocol import ActivityUpsert, CalendarUpsert, OpType, RejectCode


def activity_spec(activity_id: uuid.UUID, data: dict[str, Any]) -> ActivitySpec:
    """The rules' ActivitySpec from the JSON kept for the activity."""
    deadline = data["deadline"]
    return ActivitySpec(
        code=data["code"],
        name=data["name"],
        weekdays=tuple(data["weekdays"]),
        deadline=DeadlineRule(
            DeadlineKind(deadline["kind"]),
            time.fromisoformat(deadline["at"]),
            deadline["weekday"],
        ),
        billing_mode=BillingMode(data["billing_mode"]),
        capacity=data["capacity"],
        school_capacities={uuid.UUID(k): v for k, v in data["school_capacities"].items()},
        levels=tuple(data["levels"]),
        ticket_type=data["ticket_type"],
        active=data["active"],
        id=activity_id,
    )


@handler(OpType.ACTIVITY_UPSERT, owned_ids=lambda p: [(Activity, p.activity_id)])
def upsert_activity(
    session: Session, ctx: OpContext, payload: ActivityUpsert, now: datetime
) -> dict[str, Any]:
    data = payload.model_dump(mode="json", exclude={"activity_id"})
    try:
        check_activity(activity_spec(payload.activity_id, data))
    except DomainError as error:
        raise Rejected(RejectCode.INVALID_DATA, error.message) from None
    # FOR NO KEY UPDATE: bookings appending days of it never wait (locks.py).
    row = session.get(Activity, payload.activity_id, with_for_update={"key_share": True})
    if row is None:
        row = Activity(id=payload.activity_id, tenant_id=ctx.tenant_id)
        session.add(row)
    row.code, row.data, row.updated_at = payload.code, data, now
    session.info.pop("activities", None)  # the bookings of this push read the new rules
    session.flush()
    record(session, "activity", row.id, {"id": str(row.id), **data})
    return {"activity_id": str(row.id)}


def calendar_set(session: Session, tenant_id: uuid.UUID) -> CalendarSet:
    """Every school year of the tenant as the rules' CalendarSet."""
    years = session.execute(
        select(SchoolYear).where(SchoolYear.tenant_id == tenant_id).order_by(SchoolYear.start)
    ).scalars()
    return CalendarSet(
        tuple(
            SchoolCalendar(
                label=year.label,
                start=year.start,
                end=year.end,
                closures=tuple(
                    Closure(
                        date.fromisoformat(c["start"]),
                        date.fromisoformat(c["end"]),
                        ClosureKind(c["kind"]),
                        c["label"],
                        frozenset(c["activity_codes"]),
                    )
                    for c in year.closures["items"]
                ),
            )
            for year in years
        )
    )


def school_year_data(year: SchoolYear) -> dict[str, Any]:
    return {
        "id": str(year.id),
        "label": year.label,
        "start": year.start.isoformat(),
        "end": year.end.isoformat(),
        "closures": year.closures["items"],
        "zone": year.closures.get("zone", ""),
        "period_mode": year.closures.get("period_mode", ""),
        "periods": year.closures.get("periods", []),
    }


FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_YEAR = timedelta(days=397)  # 13 months


def _check_school_year(payload: CalendarUpsert) -> None:
    if payload.end < payload.start or any(c.end < c.start for c in payload.closures):
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"L'année scolaire {payload.label} a une date de fin avant son début.",
        )
    days = [payload.start, payload.end] + [d for c in payload.closures for d in (c.start, c.end)]
    if not all(FIRST_YEAR <= day.year <= LAST_YEAR for day in days):
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"L'année scolaire {payload.label} a des dates hors des années "
            f"{FIRST_YEAR} à {LAST_YEAR}.",
        )
    if payload.end - payload.start > LONGEST_YEAR:
        raise Rejected(
            RejectCode.INVALID_DATA,
            f"L'année scolaire {payload.label} dure plus de 13 mois "
            f"(du {payload.start:%d/%m/%Y} au {payload.end:%d/%m/%Y}).",
        )


@handler(OpType.CALENDAR_UPSERT, owned_ids=lambda p: [(SchoolYear, p.year_id)])
def upsert_calendar(
    session: Session, ctx: OpContext, payload: CalendarUpsert, now: datetime
) -> dict[str, Any]:
    _check_school_year(payload)
    row = session.get(SchoolYear, payload.year_id, with_for_update={"key_share": True})
    if row is None:
        row = SchoolYear(id=payload.year_id, tenant_id=ctx.tenant_id)
        session.add(row)
    row.label, row.start, row.end, row.updated_at = (
        payload.label,
        payload.start,
        payload.end,
        now,
    )
    row.closures = {
        "items": [c.model_dump(mode="json") for c in payload.closures],
        # Kept for the other desks, which create the year from it.
        **payload.model_dump(mode="json", include={"zone", "period_mode", "periods"}),
    }
    session.info.pop("calendar", None)  # the bookings of this push read the new one
    session.flush()
    record(session, "school_year", row.id, school_year_data(row))
    return {"year_id": str(row.id)}
