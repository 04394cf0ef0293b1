"""The payloads of bookings: one day booked, cancelled or marked, and many days of one child
at one activity in one op (a paper form's, or a desk's first upload: bookings.apply), the
form's days as its terms plus exceptions (rules.form_days)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StrictBool, model_validator

from eticket_desk.rules.form_days import MAX_SPAN_DAYS, DaySet
from eticket_desk.rules.templates import FareOption, Parity, WeekTemplate
from eticket_desk.sync.payloads import Text, Wire


class BookingPayload(Wire):
    """Book or cancel one child × activity × day; the server's rules and clock decide."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    override_reason: Text = ""
    waiting_list: StrictBool = False  # when full, put the child on the waiting list


class PresenceMark(Wire):
    """A fact: the child was present or absent that day (or the mark was taken back)."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    day: date
    state: Literal["booked", "present", "absent_justified", "absent_unjustified"]


Days = Annotated[list[date], Field(max_length=400)]


class SubscriptionTerms(Wire):
    """The paper form itself (the régie's desk prices the fares from it)."""

    start: date
    end: date
    weekdays: Annotated[str, Field(max_length=7)] = ""
    parity: Parity = Parity.ALL
    regular: StrictBool = True
    fare_option: FareOption = FareOption.NONE
    period_label: Annotated[str, Field(max_length=50)] = ""


class TermDays(Wire):
    """Days as a form states them (rules.form_days.DaySet): every `weekdays` day from `start`
    to `end` (every, even or odd ISO weeks), plus `added`, minus `removed`."""

    start: date
    end: date
    weekdays: Annotated[str, Field(min_length=1, max_length=7, pattern=r"^[0-6]+$")]
    parity: Parity = Parity.ALL
    added: Days = []
    removed: Days = []

    @model_validator(mode="after")
    def _a_period(self) -> TermDays:
        if self.end < self.start or (self.end - self.start).days > MAX_SPAN_DAYS:
            raise ValueError("période d'inscription invalide (au plus deux années scolaires)")
        return self

    def day_set(self) -> DaySet:
        return DaySet(
            WeekTemplate.parse(self.weekdays, self.parity),
            self.start,
            self.end,
            tuple(self.added),
            tuple(self.removed),
        )

    @classmethod
    def of(cls, days: DaySet) -> TermDays:
        return cls(
            start=days.start,
            end=days.end,
            weekdays=days.template.text,
            parity=days.template.parity,
            added=list(days.added),
            removed=list(days.removed),
        )


class BookingsApply(Wire):
    """Many days of one child at one activity in one op: a paper form (its subscription
    named) or the bookings a desk held before it first synced. The server judges each day with
    the rules and its clock; the op is applied and its answer names the days refused
    (`refused`: day, code, message) and the days put on the waiting list because full.
    The days to book come listed (`book`) and/or as the form's terms plus exceptions
    (`book_terms`, protocol extension of issue 17: an op without it reads as before)."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    book: Days = []
    book_terms: TermDays | None = None
    wait: Days = []  # already on the waiting list at the desk
    cancel: Days = []
    subscription_id: uuid.UUID | None = None
    subscription: SubscriptionTerms | None = None
    label: Text = ""
    # The bookings a desk held before its first sync: recorded as they are (the desk's rules
    # judged them when they were made), capacity counted but never refused.
    initial: StrictBool = (
        False  # "Inscription Cantine du 01/09/2026 au 03/07/2027 (lun mar jeu ven)"
    )

    def book_days(self) -> list[date]:
        """The days to book: those listed and the terms' (their exceptions applied)."""
        if self.book_terms is None:
            return list(self.book)
        return [*self.book, *self.book_terms.day_set().days()]
