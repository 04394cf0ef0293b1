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
from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Activity,
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
from eticket_desk.rules.booking import SEAT_STATES
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
    ops += family_ops(session, list(session.scalars(select(Family.id).order_by(Family.number))))
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
    forms: dict[tuple, list] = defaultdict(list)
    for form in session.execute(_FORMS, {"today": today}):
        forms[(form.child_id, form.activity_id)].append(form)
    templates: dict[tuple, WeekTemplate] = {}  # a town's forms share a few templates
    found = []
    for (child_id, activity_id), lists in _held_days(session, today):
        for form in forms.get((child_id, activity_id), ()):
            book = _take(lists["book"], form.start, form.end)
            wait = _take(lists["wait"], form.start, form.end)
            template = templates.get((form.weekdays, form.parity)) if form.regular else None
            if form.regular and template is None:
                template = templates[(form.weekdays, form.parity)] = WeekTemplate.parse(
                    form.weekdays, form.parity
                )
            found.append(
                FormDays(
                    child_id,
                    activity_id,
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
                FormDays(
                    child_id,
                    activity_id,
                    _LABEL,
                    tuple(lists["book"]),
                    tuple(lists["wait"]),
                    initial=True,
                )
            )
    return found


# The forms still running (a row has a model's attributes: terms_of reads them).
_FORMS = (
    select(
        Subscription.id,
        Subscription.child_id,
        Subscription.activity_id,
        Subscription.start,
        Subscription.end,
        Subscription.weekdays,
        Subscription.parity,
        Subscription.regular,
        Subscription.fare_option,
        Subscription.period_label,
    )
    .where(Subscription.end >= bindparam("today"))
    .order_by(Subscription.start)
)
# One activity's booked (or marked) and waiting days from a day on, per child: SQLite
# groups them (its primary key starts with the activity and the day).
_GROUPED = (
    "SELECT child_id, CASE state WHEN 'waiting' THEN 'wait' ELSE 'book' END AS kind, "
    "min(day), group_concat(day) FROM booking WHERE activity_id = ? AND day >= ? "
    f"AND state IN ({', '.join(repr(state) for state in sorted(_HELD | {'waiting'}))}) "
    "GROUP BY child_id, kind"
)


def _held_days(session: Session, today: date) -> list[tuple[tuple, dict[str, list[date]]]]:
    """Each (child, activity) with booked or waiting days from `today` on: its days to
    book and to wait for, in order. The pairs come in the order the table stores their
    first day (activity, day, child), as the ops always did."""
    connection = session.connection()
    children = {row[0] for row in connection.exec_driver_sql("SELECT id FROM child")}
    parsed = _Days()
    pairs = []
    for (activity_hex,) in connection.exec_driver_sql("SELECT id FROM activity ORDER BY id"):
        activity_id = uuid.UUID(activity_hex)
        lists: dict[str, dict[str, list[date]]] = defaultdict(lambda: {"book": [], "wait": []})
        first: dict[str, str] = {}
        for child_hex, kind, day, texts in connection.exec_driver_sql(
            _GROUPED, (activity_hex, today.isoformat())
        ):
            if child_hex not in children:
                continue
            # ISO days sort as the days do: each distinct one parsed once.
            lists[child_hex][kind] = list(map(parsed.__getitem__, sorted(texts.split(","))))
            first[child_hex] = min(day, first.get(child_hex, day))
        for child_hex in sorted(lists, key=lambda child: (first[child], child)):
            pairs.append(((uuid.UUID(child_hex), activity_id), lists[child_hex]))
    return pairs


class _Days(dict):
    """ISO day → date, each parsed once."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


_LABEL = "Réservations déjà faites à ce poste"


def _take(days: list[date], start: date, end: date) -> tuple[date, ...]:
    """Removes from `days` (sorted) those from `start` to `end`, and returns them."""
    low, high = bisect_left(days, start), bisect_right(days, end)
    taken = tuple(days[low:high])
    del days[low:high]
    return taken
