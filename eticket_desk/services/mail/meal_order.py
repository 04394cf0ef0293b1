"""The caterer's meal order by e-mail: once the canteen's booking deadline of a day has
passed, that day's counts (PDF attached) go to the kitchen's address (a setting) — once per
day: the queue's unique key (meal_order + day + address) refuses a second one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from eticket_desk.models import OutgoingMail
from eticket_desk.rules.errors import NotFound
from eticket_desk.services.attendance.meals import (
    meal_counts_of,
    meals_file_name,
    print_meal_counts,
)
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYSTEM, Store
from eticket_desk.services.mail.queue import Recipient, queue_document
from eticket_desk.services.mail.settings import read_mail_settings
from eticket_desk.services.mail.texts import meal_order_body, meal_order_subject

LOOK_AHEAD_DAYS = 7  # the days whose deadline may already have passed (a week ahead)


@changes(Topic.MAIL)
def queue_due_meal_orders(store: Store, now: datetime | None = None) -> list[date]:
    """Queues the order of each coming day whose deadline has passed and whose order was not
    queued yet (to the kitchen's address); returns those days. Nothing without an address or
    a canteen."""
    now = now or store.clock.now()
    with store.read() as session:
        kitchen = read_mail_settings(session).kitchen
    if not kitchen:
        return []
    today = now.date()
    try:
        data = meal_counts_of(store, SYSTEM, today, today + timedelta(days=LOOK_AHEAD_DAYS))
    except NotFound:
        return []
    queued = []
    for day in data.days:
        if not day.final or day.day < today:
            continue
        key = f"meal_order:{day.day.isoformat()}:{kitchen.lower()}"
        with store.read() as session:
            if session.scalar(select(OutgoingMail.id).where(OutgoingMail.unique_key == key)):
                continue
        one = meal_counts_of(store, SYSTEM, day.day, day.day)
        lines = [f"{s.school_name} : {s.counts.meals} repas" for s in one.days[0].schools]
        pdf = print_meal_counts(store, one)
        with store.write(SYSTEM) as session:
            org = organisation_data(session)
            mail = queue_document(
                session,
                kind="meal_order",
                document_id=day.day.isoformat(),
                recipient=Recipient(kitchen, ""),
                subject=meal_order_subject(org, day.day),
                body=meal_order_body(org, day.day, lines, one.days[0].total.meals),
                attachment_name=meals_file_name(one),
                attachment_path=str(pdf),
            )
        if mail is not None:
            queued.append(day.day)
    return queued
