"""Ticket types and their dated tariffs; the price a family pays on a given day."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eticket_desk.models import (
    Adult,
    Family,
    Organisation,
    Setting,
    Tariff,
    TariffBracket,
    TicketType,
)
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound, ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import Bracket, Price, check_brackets, unit_price
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.settings import read_setting
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import PlanningChanged, emit


@dataclass(frozen=True)
class TicketTypeInfo:
    id: uuid.UUID
    code: str
    name: str
    active: bool
    care_share_bp: int = 0  # the care (garde) part of its price, tax certificate


@dataclass(frozen=True)
class TariffInfo:
    id: uuid.UUID
    ticket_type_id: uuid.UUID
    valid_from: date
    brackets: tuple[Bracket, ...]


def list_ticket_types(store: Store, *, include_inactive: bool = False) -> list[TicketTypeInfo]:
    with store.read() as session:
        query = select(TicketType).order_by(TicketType.position, TicketType.name)
        if not include_inactive:
            query = query.where(TicketType.active.is_(True))
        return [
            TicketTypeInfo(t.id, t.code, t.name, t.active, t.care_share_bp)
            for t in session.scalars(query)
        ]


@changes(Topic.TARIFFS)
def save_ticket_type(
    store: Store,
    actor: Actor,
    code: str,
    name: str,
    *,
    active: bool = True,
    care_share_bp: int | None = None,
) -> TicketTypeInfo:
    """Creates the ticket type of `code`, or renames / (de)activates it; `care_share_bp`
    (None: unchanged) is the care part of its price for the tax certificate."""
    actor.require(Permission.TARIFF_EDIT)
    code, name = code.strip().upper(), " ".join(name.split())
    if not code or not name:
        raise ValidationFailed({"code": "Le code et le nom du ticket sont obligatoires."})
    if care_share_bp is not None and not 0 <= care_share_bp <= 10000:
        raise ValidationFailed(
            {"care_share_bp": "La part garde est un pourcentage entre 0 et 100."}
        )
    with store.write(actor) as session:
        ticket = session.scalar(select(TicketType).where(TicketType.code == code))
        if ticket is None:
            position = len(session.scalars(select(TicketType.id)).all()) + 1
            ticket = TicketType(code=code, name=name, active=active, position=position)
            session.add(ticket)
        else:
            ticket.name, ticket.active = name, active
        if care_share_bp is not None:
            ticket.care_share_bp = care_share_bp
        session.flush()
        emit(session, PlanningChanged("ticket_type", ticket.id))
        return TicketTypeInfo(
            ticket.id, ticket.code, ticket.name, ticket.active, ticket.care_share_bp
        )


@changes(Topic.TARIFFS)
def save_tariff(
    store: Store,
    actor: Actor,
    ticket_type_id: uuid.UUID,
    valid_from: date,
    brackets: list[Bracket],
) -> TariffInfo:
    """A tariff from `valid_from` on. It may not start before today: sales already made keep
    their price, and the price of a past day never changes."""
    actor.require(Permission.TARIFF_EDIT)
    check_brackets(brackets)
    check_start(store, valid_from)
    with store.write(actor) as session:
        if session.get(TicketType, ticket_type_id) is None:
            raise NotFound("Ce type de ticket n'existe plus.")
        tariff = put_tariff(session, actor, valid_from, brackets, ticket_type_id=ticket_type_id)
        return TariffInfo(tariff.id, ticket_type_id, valid_from, tuple(brackets))


def check_start(store: Store, valid_from: date) -> None:
    if valid_from < store.clock.today():
        raise InvalidInput(
            "Un nouveau tarif ne peut pas commencer dans le passé : les ventes et les factures "
            "déjà faites gardent leur prix."
        )


def find_tariff(
    session: Session,
    valid_from: date,
    *,
    ticket_type_id: uuid.UUID | None = None,
    activity_id: uuid.UUID | None = None,
    fare_option: str = "",
) -> Tariff | None:
    """The tariff that starts that day for a ticket type, or an activity and fare option."""
    return session.scalar(
        select(Tariff).where(
            Tariff.ticket_type_id == ticket_type_id
            if ticket_type_id
            else Tariff.ticket_type_id.is_(None),
            Tariff.activity_id == activity_id if activity_id else Tariff.activity_id.is_(None),
            Tariff.fare_option == fare_option,
            Tariff.valid_from == valid_from,
        )
    )


def put_tariff(
    session: Session,
    actor: Actor,
    valid_from: date,
    brackets: list[Bracket],
    *,
    ticket_type_id: uuid.UUID | None = None,
    activity_id: uuid.UUID | None = None,
    fare_option: str = "",
) -> Tariff:
    """The tariff of a ticket type, or of an activity (and fare option), from `valid_from`:
    created, or its brackets replaced when one already starts that day."""
    tariff = find_tariff(
        session,
        valid_from,
        ticket_type_id=ticket_type_id,
        activity_id=activity_id,
        fare_option=fare_option,
    )
    if tariff is None:
        tariff = Tariff(
            ticket_type_id=ticket_type_id,
            activity_id=activity_id,
            fare_option=fare_option,
            valid_from=valid_from,
            created_at=session.info["now"],
            created_by=actor.login,
        )
        session.add(tariff)
    tariff.brackets = [
        TariffBracket(
            position=i,
            qf_max=b.qf_max,
            price_cents=b.price_cents,
            outside_price_cents=b.outside_price_cents,
        )
        for i, b in enumerate(brackets)
    ]
    session.flush()
    emit(session, PlanningChanged("tariff", tariff.id))
    return tariff


def tariff_on(session: Session, ticket_type_id: uuid.UUID, day: date) -> list[Bracket]:
    tariff = session.scalar(
        select(Tariff)
        .where(Tariff.ticket_type_id == ticket_type_id, Tariff.valid_from <= day)
        .order_by(Tariff.valid_from.desc())
        .limit(1)
        .options(selectinload(Tariff.brackets))
    )
    if tariff is None:
        name = session.scalar(select(TicketType.name).where(TicketType.id == ticket_type_id))
        raise DomainError(f"Aucun tarif n'est en vigueur pour les tickets « {name} » à cette date.")
    return [Bracket(b.qf_max, b.price_cents, b.outside_price_cents) for b in tariff.brackets]


def lives_outside(session: Session, family_id: uuid.UUID) -> bool:
    """Hors commune: the billing adult's postcode is not the commune's (nor one of the
    extra postcodes of the setting `commune_postcodes`)."""

    commune = session.scalar(select(Organisation.postcode)) or ""
    postcodes = {commune, *read_setting(session, "commune_postcodes", [])}
    billing = session.scalar(
        select(Adult.postcode).where(Adult.family_id == family_id, Adult.billing.is_(True))
    )
    return bool(billing) and billing not in postcodes


def price_for(
    session: Session, family_id: uuid.UUID, ticket_type_id: uuid.UUID, day: date
) -> Price:
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound("Ce dossier famille n'existe pas (ou plus).")
    return unit_price(
        tariff_on(session, ticket_type_id, day),
        family.qf_value,
        family.qf_date,
        day,
        outside=lives_outside(session, family_id),
    )


# ---------------------------------------------------------------- for the « Tarifs » screen


def list_tariffs(store: Store, ticket_type_id: uuid.UUID) -> list[TariffInfo]:
    """Every tariff of a ticket type, newest start first, with its brackets in order."""
    with store.read() as session:
        tariffs = session.scalars(
            select(Tariff)
            .where(Tariff.ticket_type_id == ticket_type_id)
            .order_by(Tariff.valid_from.desc())
            .options(selectinload(Tariff.brackets))
        )
        return [
            TariffInfo(
                t.id,
                t.ticket_type_id,
                t.valid_from,
                tuple(
                    Bracket(b.qf_max, b.price_cents, b.outside_price_cents)
                    for b in sorted(t.brackets, key=lambda b: b.position)
                ),
            )
            for t in tariffs
        ]


def tariff_in_force(tariffs: list[TariffInfo], day: date) -> TariffInfo | None:
    """Of `list_tariffs`' answer, the tariff that applies on `day` (None before the first)."""
    return next((t for t in tariffs if t.valid_from <= day), None)


@dataclass(frozen=True)
class CommunePostcodes:
    own: str  # the organisation's postcode, always « commune »
    extra: tuple[str, ...]  # the setting `commune_postcodes`


def load_commune_postcodes(store: Store) -> CommunePostcodes:
    with store.read() as session:
        own = session.scalar(select(Organisation.postcode)) or ""
        extra = read_setting(session, "commune_postcodes", [])
        return CommunePostcodes(own, tuple(str(p) for p in extra))


@changes(Topic.TARIFFS)
def save_commune_postcodes(store: Store, actor: Actor, text: str) -> CommunePostcodes:
    """Saves the extra postcodes counted as « commune » from « 74500, 74200 » (commas, spaces
    or semicolons); each is five digits. The organisation's own postcode is always included."""

    if not (actor.can(Permission.TARIFF_EDIT) or actor.can(Permission.SETTINGS_EDIT)):
        actor.require(Permission.TARIFF_EDIT)
    codes: list[str] = []
    for code in text.replace(";", " ").replace(",", " ").split():
        if not (len(code) == 5 and code.isdigit()):
            raise InvalidInput(f"« {code} » n'est pas un code postal (cinq chiffres).")
        if code not in codes:
            codes.append(code)
    with store.write(actor) as session:
        own = session.scalar(select(Organisation.postcode)) or ""
        codes = [c for c in codes if c != own]
        encoded = json.dumps(codes)
        row = session.get(Setting, "commune_postcodes")
        if row is None:
            session.add(Setting(key="commune_postcodes", value=encoded))
        elif row.value != encoded:
            row.value = encoded
        return CommunePostcodes(own, tuple(codes))
