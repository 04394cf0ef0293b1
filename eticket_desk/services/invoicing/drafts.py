"""What an invoice run would bill, family by family, computed from the bookings (per-day
activities over a month) or the subscriptions (fares over a period) and the dated tariffs."""

from __future__ import annotations

import uuid
from calendar import monthrange
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    Adult,
    Booking,
    Child,
    Family,
    Invoice,
    Organisation,
    School,
    SchoolClass,
    Subscription,
)
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.billing import (
    DraftLine,
    day_lines,
    fare_line,
    is_billed,
)
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.templates import fare_labels
from eticket_desk.rules.text import first_upper
from eticket_desk.services.catalogue.activity_tariffs import PriceBook
from eticket_desk.services.core.settings import read_setting


class RunStopped(DomainError):
    """The régisseur stopped the preview."""


@dataclass(frozen=True)
class RunPeriod:
    kind: str  # "month": per-day activities; "fare": fares of a period
    start: date
    end: date
    label: str  # « novembre 2026 » (lower case: « les factures de novembre 2026 »), « Période 2 »


def month_period(text: str) -> RunPeriod:
    """« 2026-11 » → the month of November 2026."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        start = date(year, month, 1)
    except ValueError:
        raise InvalidInput(
            f"« {text} » n'est pas un mois : écrivez-le AAAA-MM (2026-11)."
        ) from None
    end = date(year, month, monthrange(year, month)[1])
    return RunPeriod("month", start, end, format_date(start, "LLLL y", locale="fr_FR"))


@dataclass(frozen=True)
class DraftChild:
    child_id: uuid.UUID
    name: str  # « Léa DUPONT »
    school: str  # « École du Lac — CE2 »
    lines: tuple[tuple[uuid.UUID, DraftLine], ...]  # (activity id, line)

    @property
    def subtotal_cents(self) -> int:
        return sum(line.amount_cents for _, line in self.lines)


@dataclass(frozen=True)
class DraftInvoice:
    family_id: uuid.UUID
    reference: str
    family_name: str
    children: tuple[DraftChild, ...]

    @property
    def total_cents(self) -> int:
        return sum(child.subtotal_cents for child in self.children)


@dataclass(frozen=True)
class RunPreview:
    period: RunPeriod
    drafts: tuple[DraftInvoice, ...]
    already_invoiced: tuple[tuple[str, str], ...]  # (reference, name) skipped
    total_cents: int = field(default=0)
    # Fare activities with no tariff at all, not billed: one fare covers several activities
    # (the bus's three trips), and the commune prices it on one of them.
    unpriced: tuple[str, ...] = ()


def _families(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """reference, name, (qf value, qf date), lives outside — for every family of the run."""
    commune = session.scalar(select(Organisation.postcode)) or ""
    postcodes = {commune, *read_setting(session, "commune_postcodes", [])}
    billing = dict(
        session.execute(
            select(Adult.family_id, Adult.postcode).where(Adult.billing.is_(True))
        ).all()
    )
    rows = session.execute(
        select(Family.id, Family.reference, Family.display_name, Family.qf_value, Family.qf_date)
    )
    return {
        fid: (ref, name, (qf, qf_date), bool(billing.get(fid)) and billing[fid] not in postcodes)
        for fid, ref, name, qf, qf_date in rows
        if fid in ids
    }


def _children(session: Session) -> dict[uuid.UUID, tuple]:
    schools = dict(session.execute(select(School.id, School.name)).all())
    classes = dict(session.execute(select(SchoolClass.id, SchoolClass.name)).all())
    out = {}
    for cid, fid, first, last, school, klass in session.execute(
        select(
            Child.id,
            Child.family_id,
            Child.first_name,
            Child.last_name,
            Child.school_id,
            Child.class_id,
        )
    ):
        where = " — ".join(p for p in (schools.get(school, ""), classes.get(klass, "")) if p)
        out[cid] = (fid, f"{first} {last.upper()}".strip(), where)
    return out


def _invoiced(session: Session, period: RunPeriod) -> set[uuid.UUID]:
    """Families with an invoice of this period not cancelled by a credit note."""
    credited = select(Invoice.corrects_id).where(Invoice.kind == "credit_note")
    return set(
        session.scalars(
            select(Invoice.family_id).where(
                Invoice.kind == "invoice",
                Invoice.period_kind == period.kind,
                Invoice.period_start == period.start,
                Invoice.id.not_in(credited),
            )
        )
    )


def _month_items(session: Session, period: RunPeriod, activities: dict) -> list[tuple]:
    """(child, activity, day, cancelled late) of every billed booking of the month's per-day
    activities."""
    unit = [a for a, act in activities.items() if act.billing_mode == BillingMode.UNIT]
    rows = session.execute(
        select(
            Booking.child_id, Booking.activity_id, Booking.day, Booking.state, Booking.late
        ).where(
            Booking.activity_id.in_(unit),
            and_(Booking.day >= period.start, Booking.day <= period.end),
        )
    )
    cancelled = BookingState.CANCELLED.value
    return [
        (c, a, d, state == cancelled) for c, a, d, state, late in rows if is_billed(state, late)
    ]


def compute_drafts(
    session: Session,
    period: RunPeriod,
    today: date,
    should_stop: Callable[[], bool] | None = None,
) -> RunPreview:
    """Every family's draft for the period; raises when a tariff is missing (the run must not
    bill a day at a price nobody set)."""
    stop = should_stop or (lambda: False)
    if period.kind == "month" and today <= period.end:
        raise DomainError(
            f"{first_upper(period.label)} n'est pas terminé : les jours réservés se facturent une fois le "
            f"mois passé (à partir du {period.end + timedelta(days=1):%d/%m/%Y})."
        )
    activities = {a.id: a for a in session.scalars(select(Activity))}
    book = PriceBook(session)
    children = _children(session)
    items: dict[tuple, list] = defaultdict(list)  # (child, activity, option) -> days
    late: dict[tuple, set] = defaultdict(set)  # (child, activity, "") -> days cancelled late
    unpriced: tuple[str, ...] = ()
    if period.kind == "month":
        for child_id, activity_id, day, cancelled in _month_items(session, period, activities):
            items[(child_id, activity_id, "")].append(day)
            if cancelled:
                late[(child_id, activity_id, "")].add(day)
    else:
        fare = [a for a, act in activities.items() if act.billing_mode == BillingMode.FARE]
        unpriced = tuple(sorted(activities[a].name for a in fare if not book.priced(a)))
        fare = [a for a in fare if book.priced(a)]
        for sub in session.scalars(
            select(Subscription).where(
                Subscription.activity_id.in_(fare),
                Subscription.start <= period.end,
                Subscription.end >= period.start,
                Subscription.fare_option != "",
            )
        ):
            items[(sub.child_id, sub.activity_id, sub.fare_option)].append(
                max(sub.start, period.start)
            )
    if stop():
        raise RunStopped("Aperçu arrêté.")
    family_ids = {children[child][0] for child, _, _ in items}
    skipped_ids = _invoiced(session, period) & family_ids
    families = _families(session, family_ids)
    lines: dict[uuid.UUID, dict[uuid.UUID, list]] = defaultdict(lambda: defaultdict(list))
    for count, ((child_id, activity_id, option), days) in enumerate(sorted(items.items())):
        if count % 2000 == 0 and stop():
            raise RunStopped("Aperçu arrêté.")
        family_id = children[child_id][0]
        if family_id in skipped_ids:
            continue
        _ref, _name, qf, outside = families[family_id]
        activity = activities[activity_id]
        priced = []
        note = ""
        for day in days:
            price = book.price(activity_id, option, day, qf, outside)
            if price is None:
                raise DomainError(
                    f"Aucun tarif n'est en vigueur pour « {activity.name} » le "
                    f"{day:%d/%m/%Y} : créez-le dans Tarifs avant de facturer."
                )
            priced.append((day, price.unit_cents))
            note = price.note
        if option:
            labels = fare_labels(activity.code)
            drafts = [fare_line(activity.name, labels[option], period.label, priced[0][1], note)]
        else:
            drafts = day_lines(
                activity.name, priced, note, late.get((child_id, activity_id, ""), ())
            )
        lines[family_id][child_id] += [(activity_id, d) for d in drafts]
    drafts = []
    for family_id, by_child in lines.items():
        reference, name, _qf, _outside = families[family_id]
        kids = tuple(
            DraftChild(cid, children[cid][1], children[cid][2], tuple(child_lines))
            for cid, child_lines in sorted(by_child.items(), key=lambda kv: children[kv[0]][1])
        )
        draft = DraftInvoice(family_id, reference, name, kids)
        if draft.total_cents > 0:
            drafts.append(draft)
    drafts.sort(key=lambda d: d.reference)
    skipped = tuple(sorted(families[f][:2] for f in skipped_ids))
    total = sum(d.total_cents for d in drafts)
    return RunPreview(period, tuple(drafts), skipped, total, unpriced)


def describe(preview: RunPreview) -> str:
    """« 5 812 factures pour 312 456,70 € » — the run's summary line."""
    count = len(preview.drafts)
    word = "facture" if count == 1 else "factures"
    return f"{count} {word} pour {format_cents(preview.total_cents)}"
