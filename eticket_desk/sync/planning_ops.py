"""The outbox's planning ops: activity.upsert and calendar.upsert, so that the server decides
bookings with the desk's own activities, school years and closures."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    ActivitySchool,
    ClosedSpan,
    Organisation,
    Period,
    School,
    SchoolClass,
    SchoolYear,
    Tariff,
    TariffBracket,
    TicketType,
)
from eticket_desk.rules.activity import LEVELS
from eticket_desk.sync.wire import OpType

MAX_CLOSURES = 400


def planning_ids(obj: object) -> tuple[str, uuid.UUID] | None:
    """(kind, id) when a flushed row belongs to the commune's settings: "activity",
    "calendar", "ticket_type", "tariff", "school", "organisation"."""
    if isinstance(obj, TicketType):
        return "ticket_type", obj.id
    if isinstance(obj, School):
        return "school", obj.id
    if isinstance(obj, SchoolClass):
        return "school", obj.school_id
    if isinstance(obj, Organisation):
        return "organisation", obj.id
    if isinstance(obj, Tariff):
        return "tariff", obj.id
    if isinstance(obj, TariffBracket):
        return "tariff", obj.tariff_id
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
    from eticket_desk.services.catalogue.activities import activities_in

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


def ticket_type_ops(session: Session, ids: list[uuid.UUID]) -> list:
    ops = []
    for ticket in session.scalars(select(TicketType).where(TicketType.id.in_(ids))):
        payload = {
            "ticket_type_id": ticket.id,
            "code": ticket.code,
            "name": ticket.name,
            "position": ticket.position,
            "active": ticket.active,
        }
        ops.append((OpType.TICKET_TYPE_UPSERT, payload, f"ticket_type:{ticket.id}", ticket.name))
    return ops


def tariff_ops(session: Session, ids: list[uuid.UUID]) -> list:
    ops = []
    codes = dict(session.execute(select(TicketType.id, TicketType.code)).all())
    for tariff in session.scalars(select(Tariff).where(Tariff.id.in_(ids))):
        payload = {
            "tariff_id": tariff.id,
            "ticket_type": codes.get(tariff.ticket_type_id, ""),
            "activity_id": tariff.activity_id,
            "fare_option": tariff.fare_option,
            "valid_from": tariff.valid_from,
            "brackets": [
                {
                    "qf_max": b.qf_max,
                    "price_cents": b.price_cents,
                    "outside_price_cents": b.outside_price_cents,
                }
                for b in sorted(tariff.brackets, key=lambda b: b.position)
            ],
        }
        label = f"Tarif du {tariff.valid_from:%d/%m/%Y}"
        ops.append((OpType.TARIFF_UPSERT, payload, f"tariff:{tariff.id}", label))
    return ops


def school_ops(session: Session, ids: list[uuid.UUID]) -> list:
    ops = []
    for school in session.scalars(select(School).where(School.id.in_(ids))):
        payload = {
            "school_id": school.id,
            "name": school.name,
            "address": school.address,
            "classes": [
                {"id": c.id, "name": c.name, "level": c.level, "position": c.position}
                for c in school.classes
                if c.level in LEVELS
            ],
        }
        ops.append((OpType.SCHOOL_UPSERT, payload, f"school:{school.id}", school.name))
    return ops


def organisation_ops(session: Session, ids: list[uuid.UUID]) -> list:
    from eticket_desk.services.catalogue.organisation import OrganisationData

    ops = []
    names = [f.name for f in fields(OrganisationData)]
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
        payload = {"organisation_id": org.id, **{name: getattr(org, name) for name in names}}
        ops.append((OpType.ORGANISATION_UPSERT, payload, f"organisation:{org.id}", org.name))
    return ops
