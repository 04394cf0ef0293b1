"""bookings.apply ops: the days a paper form books, puts on the waiting list and cancels for
one child and one activity, in one op (a year of forms is millions of days: one op per day
would be millions of ops). Also used for a desk's first upload of the bookings it holds.

A form's days to book travel as its terms plus exceptions (`book_terms`, see
rules.form_days) when that is shorter than listing them: a form of the year is then its
template and a few dozen days (the holidays, the days already held), not a hundred dates."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from eticket_desk.rules.form_days import DaySet
from eticket_desk.rules.templates import WeekTemplate
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
    # The days of `book` are the template's from the first to the last day, give or take a
    # few: they travel so (None: listed).
    terms: tuple[WeekTemplate, date, date] | None = None


def terms_of(form) -> dict | None:
    """A saved form's terms (a models.Subscription), as the sync sends them."""
    if form is None:
        return None
    return {
        "start": form.start,
        "end": form.end,
        "weekdays": form.weekdays,
        "parity": form.parity,
        "regular": form.regular,
        "fare_option": form.fare_option,
        "period_label": form.period_label,
    }


def _book_terms(form: FormDays) -> tuple[dict | None, tuple[date, ...]]:
    """The form's days to book as terms plus exceptions when shorter (and each list of
    exceptions within the protocol's longest list), else None and the days listed."""
    if form.terms is None or not form.book:
        return None, form.book
    days = DaySet.of(form.book, *form.terms)
    if not days.has_terms or max(len(days.added), len(days.removed)) > CHUNK:
        return None, form.book
    terms = {
        "start": _iso(days.start),
        "end": _iso(days.end),
        "weekdays": days.template.text,
        "parity": days.template.parity.value,
        "added": [_iso(day) for day in days.added],
        "removed": [_iso(day) for day in days.removed],
    }
    return terms, ()


def days_ops(forms: list[FormDays]) -> list:
    ops = []
    for form in forms:
        terms, book = _book_terms(form)
        # ISO text here: a year of forms is millions of days, and json's default hook called
        # for each date would cost seconds (a few hundred distinct days: cached).
        lists = {
            name: [_iso(day) for day in sorted(days)]
            for name, days in (("book", book), ("wait", form.wait), ("cancel", form.cancel))
        }
        longest = max((len(days) for days in lists.values()), default=0)
        for start in range(0, max(longest, 1), CHUNK):  # a form with no day still says so
            payload = {
                "child_id": str(form.child_id),
                "activity_id": str(form.activity_id),
                "label": form.label[:200],
                **{name: days[start : start + CHUNK] for name, days in lists.items()},
            }
            if terms is not None and start == 0:
                payload["book_terms"] = terms
            if form.subscription_id is not None:
                payload["subscription_id"] = form.subscription_id
            if form.subscription is not None and start == 0:
                payload["subscription"] = form.subscription
            if form.initial:
                payload["initial"] = True
            key = days_key(form.activity_id, form.child_id)
            ops.append((OpType.BOOKINGS_APPLY, payload, key, form.label[:200]))
    return ops
