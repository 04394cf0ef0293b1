"""bookings.apply ops: the days a paper form books, puts on the waiting list and cancels for
one child and one activity, in one op (a year of forms is millions of days: one op per day
would be millions of ops). Also used for a desk's first upload of the bookings it holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from eticket_desk.sync.oplog import days_key, silenced, write_ops
from eticket_desk.sync.protocol import OpType

CHUNK = 400  # the protocol's longest list of days


@dataclass(frozen=True)
class FormDays:
    child_id: uuid.UUID
    activity_id: uuid.UUID
    label: str
    book: tuple[date, ...] = ()
    wait: tuple[date, ...] = ()
    cancel: tuple[date, ...] = ()
    subscription_id: uuid.UUID | None = None
    initial: bool = False


def days_ops(forms: list[FormDays]) -> list:
    ops = []
    for form in forms:
        lists = {
            "book": sorted(form.book),
            "wait": sorted(form.wait),
            "cancel": sorted(form.cancel),
        }
        longest = max((len(days) for days in lists.values()), default=0)
        for start in range(0, longest, CHUNK):
            payload = {
                "child_id": form.child_id,
                "activity_id": form.activity_id,
                "label": form.label[:200],
                **{name: days[start : start + CHUNK] for name, days in lists.items()},
            }
            if form.subscription_id is not None:
                payload["subscription_id"] = form.subscription_id
            if form.initial:
                payload["initial"] = True
            key = days_key(form.activity_id, form.child_id)
            ops.append((OpType.BOOKINGS_APPLY, payload, key, form.label[:200]))
    return ops


def add_days_ops(session: Session, forms: list[FormDays]) -> None:
    """Ops of the days a bulk writer (the forms' planner) wrote with raw SQL."""
    if not silenced(session, "booking"):
        write_ops(
            session, days_ops([form for form in forms if form.book or form.wait or form.cancel])
        )
