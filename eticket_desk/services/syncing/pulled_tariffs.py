"""Ticket types and tariffs pulled from the server: the prices set at one desk (the régie's,
usually) reach the others, which sell tickets and invoice at the same prices.

A tariff is found by its id, or else by what makes it unique here (the ticket type or the
activity and fare option, and its first day); its brackets are replaced as the server has
them. A tariff naming a ticket type or an activity this desk does not have is skipped.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Activity, Tariff, TariffBracket, TicketType
from eticket_desk.services.catalogue.tariffs import find_tariff
from eticket_desk.services.syncing.pulled_planning import set_values


def apply_ticket_type(session: Session, change, waiting: set[str]) -> bool:
    if f"ticket_type:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    row = session.get(TicketType, uuid.UUID(change.id))
    if row is None:
        if session.scalar(select(TicketType.id).where(TicketType.code == data["code"])):
            return False  # this code is another ticket type's here
        row = TicketType(id=uuid.UUID(change.id), code=data["code"])
        session.add(row)
    values = {name: data[name] for name in ("code", "name", "position", "active") if name in data}
    return set_values(row, values)


def apply_tariff(session: Session, change, waiting: set[str]) -> bool:
    if f"tariff:{change.id}" in waiting:
        return False
    data: dict[str, Any] = change.data
    ticket_type_id = None
    if data.get("ticket_type"):
        ticket_type_id = session.scalar(
            select(TicketType.id).where(TicketType.code == data["ticket_type"])
        )
        if ticket_type_id is None:
            return False
    activity_id = uuid.UUID(data["activity_id"]) if data.get("activity_id") else None
    if activity_id is not None and session.get(Activity, activity_id) is None:
        return False
    fare_option, valid_from = data.get("fare_option", ""), date.fromisoformat(data["valid_from"])
    row = session.get(Tariff, uuid.UUID(change.id)) or find_tariff(
        session,
        valid_from,
        ticket_type_id=ticket_type_id,
        activity_id=activity_id,
        fare_option=fare_option,
    )
    now = session.info["now"]
    changed = row is None
    if row is None:
        row = Tariff(
            id=uuid.UUID(change.id),
            ticket_type_id=ticket_type_id,
            activity_id=activity_id,
            fare_option=fare_option,
            valid_from=valid_from,
            created_at=now,
            created_by="synchro",
        )
        session.add(row)
    wanted = [
        (b.get("qf_max"), b["price_cents"], b["outside_price_cents"]) for b in data["brackets"]
    ]
    have = [
        (b.qf_max, b.price_cents, b.outside_price_cents)
        for b in sorted(row.brackets, key=lambda b: b.position)
    ]
    if wanted != have:
        row.brackets = [
            TariffBracket(position=i, qf_max=q, price_cents=p, outside_price_cents=o)
            for i, (q, p, o) in enumerate(wanted)
        ]
        changed = True
    return changed
