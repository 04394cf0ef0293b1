"""The planning pulled from the server: an activity or a school year changed at another desk
(a capacity raised at the town hall, a closure added for a strike) is brought here, so that
this desk books with the same rules as the server.

A change this desk has not sent yet wins (it goes up first). An activity's schools and a
year's closures and periods are replaced as the server has them; a school this desk does not
know is left out. A new activity or year whose code or label is another one's here is skipped.
"""

from __future__ import annotations

import uuid
from datetime import date, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from eticket_desk.models import Activity, ActivitySchool, ClosedSpan, Period, School, SchoolYear


def apply_activity(session: Session, change, waiting: set[str]) -> bool:
    if f"activity:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    activity_id = uuid.UUID(change.id)
    row = session.get(Activity, activity_id)
    if row is None:
        if session.scalar(select(Activity.id).where(Activity.code == data["code"])):
            return False
        row = Activity(id=activity_id, code=data["code"])
        session.add(row)
    deadline = data["deadline"]
    values = {
        "code": data["code"],
        "name": data["name"],
        "weekdays": "".join(str(d) for d in sorted(data["weekdays"])),
        "levels": ",".join(data.get("levels", [])),
        "capacity": data.get("capacity"),
        "deadline_kind": deadline["kind"],
        "deadline_time": time.fromisoformat(deadline.get("at", "10:00")),
        "deadline_weekday": deadline.get("weekday", 1),
        "billing_mode": data["billing_mode"],
        "ticket_type": data.get("ticket_type", ""),
        "active": data.get("active", True),
    }
    changed = set_values(row, values)
    wanted = {
        uuid.UUID(school): capacity
        for school, capacity in (data.get("school_capacities") or {}).items()
        if session.get(School, uuid.UUID(school)) is not None
    }
    have = {link.school_id: link.capacity for link in row.schools}
    if have != wanted:
        row.schools.clear()
        session.flush()
        row.schools.extend(ActivitySchool(school_id=s, capacity=c) for s, c in wanted.items())
        changed = True
    return changed


def apply_school_year(session: Session, change, waiting: set[str]) -> bool:
    if f"calendar:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    year_id = uuid.UUID(change.id)
    row = session.get(SchoolYear, year_id)
    if row is None:
        if not data.get("zone") or session.scalar(
            select(SchoolYear.id).where(SchoolYear.label == data["label"])
        ):
            return False  # an older server's year (no zone), or this label is another's here
        row = SchoolYear(id=year_id, label=data["label"])
        session.add(row)
    values = {
        "label": data["label"],
        "start": date.fromisoformat(data["start"]),
        "end": date.fromisoformat(data["end"]),
    }
    if data.get("zone"):
        values |= {"zone": data["zone"], "period_mode": data.get("period_mode", "")}
    changed = set_values(row, values)
    closures = sorted(
        (
            date.fromisoformat(c["start"]),
            date.fromisoformat(c["end"]),
            c["kind"],
            c["label"],
            ",".join(c.get("activity_codes", [])),
        )
        for c in data.get("closures", [])
    )
    have = sorted(
        (c.start, c.end, c.kind, c.label, c.activity_codes)
        for c in session.scalars(select(ClosedSpan).where(ClosedSpan.school_year_id == year_id))
    )
    if closures != have:
        session.execute(delete(ClosedSpan).where(ClosedSpan.school_year_id == year_id))
        session.add_all(
            ClosedSpan(
                school_year_id=year_id, start=s, end=e, kind=k, label=label, activity_codes=codes
            )
            for s, e, k, label, codes in closures
        )
        changed = True
    periods = [
        (p["name"], date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
        for p in data.get("periods", [])
    ]
    have_periods = [
        (p.name, p.start, p.end)
        for p in session.scalars(
            select(Period).where(Period.school_year_id == year_id).order_by(Period.start)
        )
    ]
    if periods and periods != have_periods:
        session.execute(delete(Period).where(Period.school_year_id == year_id))
        session.add_all(
            Period(school_year_id=year_id, name=n, start=s, end=e) for n, s, e in periods
        )
        changed = True
    return changed


def set_values(row, values: dict[str, Any]) -> bool:
    """Sets the values that differ; True when one did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
