"""The first upload: a desk that never synced sends everything it holds, once.

Data written before the outbox existed (migration 0008), by bulk writers before they wrote
ops (the demo town, older imports) or simply before the desk was registered is sent as its
current state: the planning first (the server books against it), then the dossiers, the
invoices and credit notes, the payments and cancelled receipts, the wallet lines, and the
bookings from today on (one op per child and activity, recorded as they are: the desk's rules
judged them when they were made; the days of a paper form travel as the form's terms plus
exceptions, with the form itself). Since nothing was ever answered, the ops still waiting are
replaced by this whole picture (each of them is part of it).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from functools import lru_cache

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
    Child,
    Family,
    Invoice,
    Organisation,
    Payment,
    School,
    SchoolYear,
    Subscription,
    Tariff,
    TicketType,
    WalletEntry,
)
from eticket_desk.models.sync import OutboxOp
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.sync.days_ops import FormDays, days_ops, terms_of
from eticket_desk.sync.family_ops import family_ops
from eticket_desk.sync.money_ops import invoice_ops, payment_ops, wallet_ops
from eticket_desk.sync.oplog import write_ops
from eticket_desk.sync.planning_ops import (
    activity_ops,
    calendar_ops,
    organisation_ops,
    school_ops,
    tariff_ops,
    ticket_type_ops,
)

_HELD = {state.value for state in SEAT_STATES}


def never_synced(session: Session) -> bool:
    """No op of this desk was ever answered by a server."""
    return not session.scalar(
        select(func.count()).select_from(OutboxOp).where(OutboxOp.status != "pending")
    )


def queue_first_upload(session: Session, today: date) -> int:
    """Replaces the waiting ops by the desk's whole state; returns how many ops."""
    session.execute(delete(OutboxOp).where(OutboxOp.status == "pending"))

    def ids(model) -> list:
        return list(session.scalars(select(model.id)))

    ops = calendar_ops(session, ids(SchoolYear))
    ops += activity_ops(session, ids(Activity))
    ops += ticket_type_ops(session, ids(TicketType))
    ops += tariff_ops(session, ids(Tariff))
    ops += school_ops(session, ids(School))
    ops += organisation_ops(session, ids(Organisation))
    families = list(session.scalars(select(Family.id).order_by(Family.number)))
    for start in range(0, len(families), 500):
        ops += family_ops(session, families[start : start + 500])
        session.expunge_all()  # thousands of dossiers: keep the identity map small
    ops += invoice_ops(session, ids(Invoice))
    payments = list(session.scalars(select(Payment.id).order_by(Payment.at)))
    ops += payment_ops(session, payments)
    ops += wallet_ops(
        session, list(session.scalars(select(WalletEntry.id).order_by(WalletEntry.at)))
    )
    ops += days_ops(_bookings(session, today))
    write_ops(session, ops)
    return len(ops)


def _bookings(session: Session, today: date) -> list[FormDays]:
    """The bookings of today and later, per child and activity, as they are here: the days
    a form covers as that form (its terms plus exceptions, and the form itself, which the
    server keeps for the other desks), the others listed."""
    days: dict[tuple, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    # A town holds a million days: the rows are read as SQLite stores them (hex ids, ISO
    # days) and grouped here; a UUID per pair, each distinct day parsed once. The children
    # are checked per pair (a join would look each day's child up: 4 times slower).
    children = {child_id.hex for child_id in session.scalars(select(Child.id))}
    listed: dict[tuple, list[str]] = defaultdict(list)
    for row in session.connection().exec_driver_sql(
        "SELECT child_id, activity_id, state, day FROM booking WHERE day >= ?",
        (today.isoformat(),),
    ):
        listed[row[:3]].append(row[3])
    for (child_hex, activity_hex, state), texts in listed.items():
        if state in _HELD:
            kind = "book"
        elif state == BookingState.WAITING:
            kind = "wait"
        else:
            continue
        if child_hex not in children:
            continue
        pair = (uuid.UUID(child_hex), uuid.UUID(activity_hex))
        days[pair][kind] = sorted([*days[pair][kind], *(_day(text) for text in texts)])
    forms: dict[tuple, list[Subscription]] = defaultdict(list)
    for form in session.scalars(
        select(Subscription).where(Subscription.end >= today).order_by(Subscription.start)
    ):
        forms[(form.child_id, form.activity_id)].append(form)
    found = []
    for pair, lists in days.items():
        for form in forms.get(pair, ()):
            book = _take(lists["book"], form.start, form.end)
            wait = _take(lists["wait"], form.start, form.end)
            template = WeekTemplate.parse(form.weekdays, form.parity) if form.regular else None
            found.append(
                FormDays(
                    *pair,
                    _LABEL,
                    book,
                    wait,
                    subscription_id=form.id,
                    initial=True,
                    subscription=terms_of(form),
                    terms=(template, max(form.start, today), form.end) if template else None,
                )
            )
        if lists["book"] or lists["wait"]:  # days no form covers: booked one by one
            found.append(
                FormDays(*pair, _LABEL, tuple(lists["book"]), tuple(lists["wait"]), initial=True)
            )
    return found


_LABEL = "Réservations déjà faites à ce poste"


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    return date.fromisoformat(text)


def _take(days: list[date], start: date, end: date) -> tuple[date, ...]:
    """Removes from `days` (in order) those from `start` to `end`, and returns them."""
    taken = tuple(day for day in days if start <= day <= end)
    if taken:
        days[:] = [day for day in days if not start <= day <= end]
    return taken
