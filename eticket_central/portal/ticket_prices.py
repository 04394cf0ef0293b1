"""The price of a ticket bought on the portal: the counter's rule (rules.pricing.unit_price:
the family's quotient bracket of the tariff in force, the hors-commune price when its billing
adult lives outside the commune) over what the desks synced (ticket types, tariffs and the
organisation are commune records; the dossier is the family's snapshot).

The server knows the family's quotient but not its date (the desk keeps it): a quotient the
desk sent counts as valid today; a dossier without one pays the highest bracket, as at the
counter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.models import CommuneRecord, Family
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Bracket, Price, unit_price

MAX_TICKETS = 500  # the counter's limit of one line (services/counter/sales.py)


@dataclass(frozen=True)
class TicketOffer:
    code: str
    name: str
    price: Price


def records(session: Session, tenant_id: uuid.UUID, entity: str) -> list[dict[str, Any]]:
    return list(
        session.execute(
            select(CommuneRecord.data).where(
                CommuneRecord.tenant_id == tenant_id, CommuneRecord.entity == entity
            )
        ).scalars()
    )


def organisation(session: Session, tenant_id: uuid.UUID) -> dict[str, Any]:
    found = records(session, tenant_id, "organisation")
    return found[0] if found else {}


def _brackets(tariffs: list[dict[str, Any]], code: str, day: date) -> list[Bracket] | None:
    in_force = [
        t
        for t in tariffs
        if t.get("ticket_type") == code
        and not t.get("activity_id")
        and date.fromisoformat(t["valid_from"]) <= day
    ]
    if not in_force:
        return None
    tariff = max(in_force, key=lambda t: t["valid_from"])
    return [
        Bracket(b.get("qf_max"), b["price_cents"], b["outside_price_cents"])
        for b in tariff["brackets"]
    ]


def _lives_outside(family: Family, commune_postcode: str) -> bool:
    billing = next((a for a in family.data.get("adults", []) if a.get("billing")), None)
    postcode = (billing or {}).get("postcode", "")
    return bool(postcode) and bool(commune_postcode) and postcode != commune_postcode


def ticket_offers(
    session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID, day: date
) -> list[TicketOffer]:
    """Each active ticket type with a tariff in force today, at this family's price."""
    family = session.get(Family, family_id)
    if family is None or family.tenant_id != tenant_id:
        return []
    tariffs = records(session, tenant_id, "tariff")
    outside = _lives_outside(family, organisation(session, tenant_id).get("postcode", ""))
    quotient = family.data.get("quotient")
    offers = []
    types = sorted(
        records(session, tenant_id, "ticket_type"),
        key=lambda t: (t.get("position", 0), t["name"]),
    )
    for ticket in types:
        if not ticket.get("active", True):
            continue
        brackets = _brackets(tariffs, ticket["code"], day)
        if brackets is None:
            continue
        price = unit_price(
            brackets, quotient, day if quotient is not None else None, day, outside=outside
        )
        offers.append(TicketOffer(ticket["code"], ticket["name"], price))
    return offers


def offer_of(offers: list[TicketOffer], code: str) -> TicketOffer:
    found = next((o for o in offers if o.code == code), None)
    if found is None:
        raise DomainError("Ce type de ticket n'est pas vendu en ligne : choisissez-en un autre.")
    return found
