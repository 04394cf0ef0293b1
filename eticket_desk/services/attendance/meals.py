"""The kitchen's meal counts (commande de repas): the canteen's bookings per day and school,
by diet, over a date range; a day is final once its booking deadline has passed."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Booking, Child, School
from eticket_desk.reports import meal_counts
from eticket_desk.reports.meal_counts import MealCounts, MealCountsData, MealDay, SchoolMeals
from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.booking import SEAT_STATES
from eticket_desk.rules.calendar import days_between
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import fold
from eticket_desk.services.attendance.lists import child_marks
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.catalogue.calendar import calendar_in
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store

MAX_DAYS = 92  # a term at most: the kitchen orders by the week or the month
CANTEEN_CODE = "CANTINE"


def canteen_of(activities: list[ActivitySpec]) -> ActivitySpec | None:
    """The canteen: the activity coded CANTINE, else the first one named like a canteen."""
    for spec in activities:
        if spec.code == CANTEEN_CODE:
            return spec
    return next((a for a in activities if "cantine" in fold(a.name)), None)


def meal_counts_of(
    store: Store,
    actor: Actor,
    first: date,
    last: date,
    activity_id: uuid.UUID | None = None,
) -> MealCountsData:
    """Meals booked per open day of [first, last] and per school, with the diets they carry
    (every seat held counts: booked, present or absent — the meal was ordered)."""
    actor.require(Permission.REPORTS_VIEW)
    if last < first:
        raise InvalidInput("La fin de la période doit venir après son début.")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput("La commande de repas porte sur trois mois au plus.")
    now = store.clock.now()
    organisation = load_organisation(store)
    with store.read() as session:
        specs = activities_in(session, include_inactive=True)
        if activity_id is None:
            activity = canteen_of([a for a in specs if a.active])
            if activity is None:
                raise NotFound("Aucune activité de cantine (code CANTINE) n'est définie.")
        else:
            activity = next((a for a in specs if a.id == activity_id), None)
            if activity is None:
                raise NotFound("Cette activité n'existe pas (ou plus).")
        calendar = calendar_in(session)
        schools = list(session.execute(select(School.id, School.name).order_by(School.name)))
        rows = session.execute(
            select(
                Booking.day,
                Booking.school_id,
                Child.diet,
                Child.pai,
                Child.allergies,
                Child.treatments,
            )
            .join(Child, Child.id == Booking.child_id)
            .where(
                Booking.activity_id == activity.id,
                Booking.day >= first,
                Booking.day <= last,
                Booking.state.in_([s.value for s in SEAT_STATES]),
            )
        ).all()
    marks: dict[tuple[date, uuid.UUID], list[tuple[str, ...]]] = defaultdict(list)
    for day, school_id, diet, pai, allergies, treatments in rows:
        marks[(day, school_id)].append(child_marks(diet, pai, allergies, treatments))
    concerned = [
        (sid, name)
        for sid, name in schools
        if not activity.school_capacities or sid in activity.school_capacities
    ]
    booked_schools = {sid for _, sid in marks}
    shown = [
        (sid, name) for sid, name in schools if (sid, name) in concerned or sid in booked_schools
    ]
    days = []
    for day in days_between(first, last):
        if not activity.runs_on(day, calendar) and not any((day, sid) in marks for sid, _ in shown):
            continue
        deadline = activity.deadline_of(day, calendar)
        days.append(
            MealDay(
                day=day,
                final=deadline is None or now >= deadline,
                schools=tuple(
                    SchoolMeals(name, MealCounts.of(marks.get((day, sid), ())))
                    for sid, name in shown
                ),
                deadline=deadline,
            )
        )
    return MealCountsData(
        organisation=organisation,
        activity_name=activity.name,
        first_day=first,
        last_day=last,
        printed_at=now,
        printed_by=actor.full_name,
        days=tuple(days),
    )


def meals_file_name(data: MealCountsData, suffix: str = "pdf") -> str:
    """« Repas 2026-11-23 au 2026-11-27.pdf »."""
    first, last = data.first_day.isoformat(), data.last_day.isoformat()
    span = first if first == last else f"{first} au {last}"
    return f"Repas {span}.{suffix}"


def print_meal_counts(store: Store, data: MealCountsData, out: Path | None = None) -> Path:
    """The counts as a landscape PDF, by default in the documents folder (Listes/<year>/)."""

    path = out or document_path(store, "list", data.first_day.year, meals_file_name(data))
    return meal_counts.render(data, path)


def export_meal_counts(data: MealCountsData, out: Path) -> Path:
    """The counts as a CSV for Excel (semicolons, UTF-8 with a BOM)."""
    return meal_counts.write_csv(data, out)
