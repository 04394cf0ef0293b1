"""A town for the tax certificates: a morning garderie (all care) and a canteen whose price is
20 % supervision (care) and 80 % meal, invoiced by the month; a family of three children —
Léa (born 15 June 2020: turns 6 during 2026), Tom (born 1 January 2020: 6 on 1 January 2026)
and Zoé (born 2 February 2022) — booked on both every open day of a month."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.families.data import ChildData
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import issue_run
from tests.conftest import complete_family

GARDERIE_CENTS, CANTEEN_CENTS = 250, 460
OCTOBER = [date(2026, 10, d) for d in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]  # 10 days
NOVEMBER = [date(2026, 11, d) for d in (2, 3, 5, 6)]
DECEMBER = [date(2026, 12, d) for d in (1, 3, 4, 7)]
BIRTHS = {"Léa": date(2020, 6, 15), "Tom": date(2020, 1, 1), "Zoé": date(2022, 2, 2)}


def make_town(store, admin, schools, activities) -> dict:
    canteen = dataclasses.replace(activities["CANTINE"], care_share_bp=2000)
    canteen = save_activity(store, admin, canteen)
    garderie = save_activity(
        store,
        admin,
        ActivitySpec(
            code="GARDERIE_MATIN",
            name="Garderie matin",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.UNIT,
            care_share_bp=10000,
        ),
    )
    start = date(2026, 9, 14)
    save_activity_tariff(store, admin, canteen.id, start, [Bracket(None, CANTEEN_CENTS, 520)])
    save_activity_tariff(store, admin, garderie.id, start, [Bracket(None, GARDERIE_CENTS, 300)])
    data = complete_family(schools)
    first = data.children[0]
    data.children = [
        ChildData(
            last_name="Dupont",
            first_name=name,
            birth_date=born,
            school_id=first.school_id,
            class_id=first.class_id,
        )
        for name, born in BIRTHS.items()
    ]
    family = save_family(store, admin, data)
    assert validate_family(store, admin, family.id) == []
    family = load_family(store, admin, family.id)
    children = {child.first_name: child.id for child in family.children}
    return {"family": family, "children": children, "canteen": canteen, "garderie": garderie}


def book_month(store, admin, town, days) -> None:
    for child_id in town["children"].values():
        for day in days:
            book_day(store, admin, child_id, town["canteen"].id, day)
            book_day(store, admin, child_id, town["garderie"].id, day)


def invoice_month(store, admin, clock, month: str, at: datetime):
    clock.current = at
    issue_run(store, admin, month_period(month))
    invoices = list_invoices(store, admin)
    return next(
        i for i in invoices if i.kind == "invoice" and i.period_label.startswith(_MONTHS[month[5:]])
    )


def pay(store, admin, town, invoice, cents: int, accept: bool = False):
    if current_till(store) is None:
        open_till(store, admin, 0)
    request = InvoicePaymentRequest(
        town["family"].id,
        (invoice.id,),
        (PaymentInput(Method.CHEQUE, cents, "1234567", "La Banque Postale", "Mme DUPONT"),),
        accept_difference=accept,
    )
    return pay_invoices(store, admin, request)


_MONTHS = {"10": "octobre", "11": "novembre", "12": "décembre"}
