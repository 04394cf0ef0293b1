"""CAF / MSA hours (heures réalisées) of a period: the counted activities' booked and present
days read from the store and tallied by rules.caf_hours, per activity, child and month, by
age band and regime; the PDF and the CSV for the partner's site, each export audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Activity, Booking, Child, Family, Organisation
from eticket_desk.reports.caf_hours_data import ActivityHours, CafReport, ChildHours
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.caf_hours import (
    AgeBand,
    CafSlot,
    DayFact,
    Hours,
    Regime,
    check_range,
    regime_of,
    tally,
)
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.store import Actor, Store


def _slot_label(activity: Activity) -> str:
    from_, to = activity.caf_slot_start, activity.caf_slot_end
    text = f"{from_.hour} h {from_.minute:02d} – {to.hour} h {to.minute:02d}"
    if activity.caf_wednesday_cap is not None:
        cap = activity.caf_wednesday_cap
        text += f" (mercredi : {cap // 60} h {cap % 60:02d} au plus)"
    return text


def caf_hours(store: Store, actor: Actor, first: date, last: date) -> CafReport:
    """The hours forecast (booked days) and actual (present days) from `first` to `last`."""
    actor.require(Permission.REPORTS_VIEW)
    check_range(first, last)
    with store.read() as session:
        org = session.scalar(select(Organisation))
        counted = list(
            session.scalars(
                select(Activity)
                .where(Activity.caf_counted.is_(True))
                .order_by(Activity.position, Activity.name)
            )
        )
        with_slot = [a for a in counted if a.caf_slot_start and a.caf_slot_end]
        slots = {
            a.id: CafSlot((a.caf_slot_start, a.caf_slot_end), a.caf_wednesday_cap)
            for a in with_slot
        }
        rows = session.execute(
            select(
                Booking.activity_id,
                Booking.child_id,
                Booking.day,
                Booking.state,
                Child.birth_date,
                Child.last_name,
                Child.first_name,
                Family.funder_regime,
                Family.funder_number,
            )
            .join(Child, Child.id == Booking.child_id)
            .join(Family, Family.id == Child.family_id)
            .where(
                Booking.activity_id.in_(list(slots)),
                Booking.day >= first,
                Booking.day <= last,
                Booking.state.in_([s.value for s in SEAT_STATES]),
            )
        ).all()
    people = {r.child_id: r for r in rows}
    facts = (
        DayFact(
            r.activity_id,
            r.child_id,
            r.day,
            r.state == BookingState.PRESENT,
            r.birth_date,
            regime_of(r.funder_regime),
        )
        for r in rows
    )
    tallied = tally(facts, slots)
    return CafReport(
        commune=org.name if org is not None else "",
        first=first,
        last=last,
        activities=tuple(_activity_tables(with_slot, tallied)),
        children=tuple(_children(tallied, people, [a.id for a in with_slot])),
        uncounted=tuple(a.name for a in counted if a.id not in slots),
    )


def _activity_tables(activities: list[Activity], tallied: dict) -> Iterable[ActivityHours]:
    for activity in activities:
        table: dict[tuple[str, AgeBand, Regime], Hours] = {}
        for (activity_id, _child, month, band, regime), hours in tallied.items():
            if activity_id != activity.id:
                continue
            for key in ((month, band, regime), ("", band, regime)):
                table.setdefault(key, Hours()).add(hours)
        months = tuple(sorted({m for (m, _b, _r) in table if m}))
        yield ActivityHours(activity.id, activity.name, _slot_label(activity), months, table)


def _children(tallied: dict, people: dict, order: list[uuid.UUID]) -> Iterable[ChildHours]:
    lines = []
    for (activity_id, child_id, month, band, regime), hours in tallied.items():
        person = people[child_id]
        lines.append(
            ChildHours(
                activity_id,
                month,
                person.last_name,
                person.first_name,
                person.birth_date,
                regime,
                person.funder_number,
                band,
                hours.forecast,
                hours.actual,
            )
        )
    rank = {activity_id: i for i, activity_id in enumerate(order)}
    return sorted(
        lines,
        key=lambda c: (rank[c.activity_id], c.month, c.last_name.upper(), c.first_name, c.band),
    )
