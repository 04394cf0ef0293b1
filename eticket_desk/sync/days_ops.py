"""bookings.apply ops: the days a paper form books, puts on the waiting list and cancels for
one child and one activity, in one op (a year of forms is millions of days: one op per day
would be millions of ops). Also used for a desk's first upload of the bookings it holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from eticket_desk.sync.oplog import days_key
from eticket_desk.sync.wire import OpType

CHUNK = 400  # the protocol's longest list of days


@lru_cache(maxsize=1024)
def _iso(day: date) -> str:
    return day.isoformat()


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
    subscription: dict | None = None  # the form's terms (SubscriptionTerms)


def days_ops(forms: list[FormDays]) -> list:
    ops = []
    for form in forms:
        # ISO text here: a year of forms is millions of days, and json's default hook called
        # for each date would cost seconds (a few hundred distinct days: cached).
        lists = {
            name: [_iso(day) for day in sorted(days)]
            for name, days in (("book", form.book), ("wait", form.wait), ("cancel", form.cancel))
        }
        longest = max((len(days) for days in lists.values()), default=0)
        for start in range(0, max(longest, 1), CHUNK):  # a form with no day still says so
            payload = {
                "child_id": str(form.child_id),
                "activity_id": str(form.activity_id),
                "label": form.label[:200],
                **{name: days[start : start + CHUNK] for name, days in lists.items()},
            }
            if form.subscription_id is not None:
                payload["subscription_id"] = form.subscription_id
            if form.subscription is not None and start == 0:
                payload["subscription"] = form.subscription
            if form.initial:
                payload["initial"] = True
            key = days_key(form.activity_id, form.child_id)
            ops.append((OpType.BOOKINGS_APPLY, payload, key, form.label[:200]))
    return ops
