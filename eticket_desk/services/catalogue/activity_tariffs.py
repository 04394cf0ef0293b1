"""Tariffs of invoiced activities: a price per booked day (canteen) or per period for each
fare option (bus 1 or 2 round trips a day, TAP 1 or 2 a week), by QF bracket and dated; and
the price book an invoice run reads them from in one query."""

from __future__ import annotations

import uuid
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from eticket_desk.models import Activity, Tariff
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import Bracket, Price, check_brackets, unit_price
from eticket_desk.services.catalogue.tariffs import check_start, put_tariff
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class ActivityTariffInfo:
    id: uuid.UUID
    activity_id: uuid.UUID
    fare_option: str  # "" for a price per day
    valid_from: date
    brackets: tuple[Bracket, ...]


@changes(Topic.TARIFFS)
def save_activity_tariff(
    store: Store,
    actor: Actor,
    activity_id: uuid.UUID,
    valid_from: date,
    brackets: list[Bracket],
    fare_option: str = "",
) -> ActivityTariffInfo:
    """The price of an invoiced activity from `valid_from` on (never in the past: what was
    invoiced keeps its price). Per-day activities have no fare option; fares have « 1 » or
    « 2 »."""
    actor.require(Permission.TARIFF_EDIT)
    check_brackets(brackets)
    check_start(store, valid_from)
    with store.write(actor) as session:
        activity = session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("Cette activité n'existe plus.")
        mode = BillingMode(activity.billing_mode)
        if mode == BillingMode.PREPAID:
            raise InvalidInput(
                "Cette activité se paie en tickets : son prix est celui du type de ticket."
            )
        if mode == BillingMode.UNIT and fare_option:
            raise InvalidInput("Une activité facturée à l'unité n'a pas de forfait.")
        if mode == BillingMode.FARE and fare_option not in ("1", "2"):
            raise InvalidInput("Choisissez le forfait : 1 ou 2.")
        tariff = put_tariff(
            session, actor, valid_from, brackets, activity_id=activity_id, fare_option=fare_option
        )
        return ActivityTariffInfo(tariff.id, activity_id, fare_option, valid_from, tuple(brackets))


def _info(t: Tariff) -> ActivityTariffInfo:
    return ActivityTariffInfo(
        t.id,
        t.activity_id,
        t.fare_option,
        t.valid_from,
        tuple(
            Bracket(b.qf_max, b.price_cents, b.outside_price_cents)
            for b in sorted(t.brackets, key=lambda b: b.position)
        ),
    )


def list_activity_tariffs(store: Store, activity_id: uuid.UUID) -> list[ActivityTariffInfo]:
    """Every tariff of an activity, by fare option then newest start first."""
    with store.read() as session:
        tariffs = session.scalars(
            select(Tariff)
            .where(Tariff.activity_id == activity_id)
            .order_by(Tariff.fare_option, Tariff.valid_from.desc())
            .options(selectinload(Tariff.brackets))
        )
        return [_info(t) for t in tariffs]


class PriceBook:
    """Every activity tariff, read once: the price of a day or a fare for a family."""

    def __init__(self, session: Session) -> None:
        self._starts: dict[tuple, list[date]] = defaultdict(list)
        self._brackets: dict[tuple, list[list[Bracket]]] = defaultdict(list)
        tariffs = session.scalars(
            select(Tariff)
            .where(Tariff.activity_id.is_not(None))
            .order_by(Tariff.valid_from)
            .options(selectinload(Tariff.brackets))
        )
        for t in tariffs:
            key = (t.activity_id, t.fare_option)
            self._starts[key].append(t.valid_from)
            self._brackets[key].append(list(_info(t).brackets))

    def priced(self, activity_id: uuid.UUID) -> bool:
        """Whether the activity has any tariff at all (any fare option, any date)."""
        return any(key[0] == activity_id for key in self._starts)

    def brackets(self, activity_id: uuid.UUID, option: str, day: date) -> list[Bracket] | None:
        key = (activity_id, option)
        index = bisect_right(self._starts.get(key, []), day) - 1
        return self._brackets[key][index] if index >= 0 else None

    def price(
        self,
        activity_id: uuid.UUID,
        option: str,
        day: date,
        qf: tuple[int | None, date | None],
        outside: bool,
    ) -> Price | None:
        """None when no tariff is in force that day."""
        brackets = self.brackets(activity_id, option, day)
        if brackets is None:
            return None
        return unit_price(brackets, qf[0], qf[1], day, outside=outside)
