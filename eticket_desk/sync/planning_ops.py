"""The outbox's planning ops: activity.upsert and calendar.upsert, so that the server decides
bookings with the desk's own activities, school years and closures; ticket types, tariffs,
schools and the organisation too. Read from the tables as they are (no service involved)."""

from __future__ import annotations

import uuid
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
    SchoolYear,
    Tariff,
    TicketType,
)
from eticket_desk.rules.activity import LEVELS
from eticket_desk.sync.wire import OpType

MAX_CLOSURES = 400


def activity_ops(session: Session, activity_ids: list[uuid.UUID]) -> list:
    """In the activities' own order (position, then name), inactive ones too."""
    activities = session.scalars(
        select(Activity)
        .where(Activity.id.in_(activity_ids))
        .order_by(Activity.position, Activity.name)
    ).all()
    schools: dict[uuid.UUID, dict[str, int | None]] = {}
    for link in session.scalars(
        select(ActivitySchool).where(ActivitySchool.activity_id.in_(activity_ids))
    ):
        schools.setdefault(link.activity_id, {})[str(link.school_id)] = link.capacity
    ops = []
    for activity in activities:
        payload: dict[str, Any] = {
            "activity_id": activity.id,
            "code": activity.code,
            "name": activity.name,
            "weekdays": [int(d) for d in activity.weekdays],
            "deadline": {
                "kind": activity.deadline_kind,
                "at": activity.deadline_time.strftime("%H:%M"),
                "weekday": activity.deadline_weekday,
            },
            "billing_mode": activity.billing_mode,
            "capacity": activity.capacity,
            "school_capacities": schools.get(activity.id, {}),
            "levels": [level for level in activity.levels.split(",") if level],
            "ticket_type": activity.ticket_type,
            "active": activity.active,
        }
        ops.append((OpType.ACTIVITY_UPSERT, payload, f"activity:{activity.id}", activity.name))
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


# What the organisation.upsert carries besides its id, in the wire's own order (the wire
# schema's fields: a test keeps the two equal; named here so that opening a base does not load
# pydantic and the schemas, about 0.2 s of the desk's start).
ORGANISATION_FIELDS = (
    "name",
    "address1",
    "address2",
    "postcode",
    "city",
    "phone",
    "email",
    "regie_name",
    "payable_to",
    "treasury_name",
    "treasury_address1",
    "treasury_address2",
    "treasury_postcode",
    "treasury_city",
    "payfip_id",
    "payfip_mode",
    "invoice_mentions",
    "cash_ceiling_cents",
    "school_zone",
    "portal_url",
    "collection_mode",
    "siret",
    "pes_id_post",
    "pes_cod_col",
    "pes_cod_bud",
    "sepa_ics",
    "sepa_iban",
    "sepa_bic",
    "sepa_pain_version",
    "sepa_debit_delay_days",
)


def organisation_ops(session: Session, ids: list[uuid.UUID]) -> list:
    ops = []
    names = ORGANISATION_FIELDS
    for org in session.scalars(select(Organisation).where(Organisation.id.in_(ids))):
        payload = {"organisation_id": org.id, **{name: getattr(org, name) for name in names}}
        ops.append((OpType.ORGANISATION_UPSERT, payload, f"organisation:{org.id}", org.name))
    return ops
