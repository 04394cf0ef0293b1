"""Each invoice line says which days it bills, so that a family can check them: computed from
the bookings actually billed (a late cancellation named as such), kept with the issued
invoice (a later change of a booking does not rewrite it) and printed under the line."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from eticket_desk.models import Booking
from eticket_desk.services.bookings.booking import cancel_booking
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.documents import print_invoice
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import credit_note, issue_run, preview_run
from tests.services.test_invoicing import (
    CANTEEN,
    CANTEEN_LATER,
    DAYS,
    NOVEMBER,
    _book,
    _with_two_children,
)

HUGO_DAYS = "3, 6, 9 et 10 novembre, dont le 6 novembre annulé hors délai"


def _text(pdf) -> str:
    pages = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    return " ".join(" ".join(pages).replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.fixture
def month(store, admin, coordinator, schools, activities, clock):
    """Léa at the canteen every day of November until the 20th (a new tariff on the 16th);
    Hugo: 2 cancelled in time, 5 absent with a certificate, 6 cancelled after the deadline."""
    cantine = activities["CANTINE"]
    save_activity_tariff(store, admin, cantine.id, date(2026, 9, 14), CANTEEN)
    save_activity_tariff(store, admin, cantine.id, date(2026, 11, 16), CANTEEN_LATER)
    family = _with_two_children(store, admin, schools, qf=850)
    lea, hugo = family.children
    _book(store, admin, lea, cantine, DAYS)
    _book(store, admin, hugo, cantine, DAYS[:6])
    cancel_booking(store, admin, hugo.id, cantine.id, date(2026, 11, 2))
    with store.write(admin) as session:
        session.execute(
            update(Booking)
            .where(Booking.child_id == hugo.id, Booking.day == date(2026, 11, 5))
            .values(state="absent_justified")
        )
    clock.current = datetime(2026, 11, 6, 8, 0)
    cancel_booking(
        store, coordinator, hugo.id, cantine.id, date(2026, 11, 6), override_reason="Malade"
    )
    clock.current = datetime(2026, 12, 1, 9, 0)
    return family


def test_each_line_names_the_days_it_bills(store, admin, month):
    [draft] = preview_run(store, admin, NOVEMBER).drafts
    days = {c.name: [line.days for _, line in c.lines] for c in draft.children}

    assert days == {
        "Léa DUPONT": ["2, 3, 5, 6, 9, 10, 12 et 13 novembre", "16, 17, 19 et 20 novembre"],
        "Hugo DUPONT": [HUGO_DAYS],  # not the 2nd (in time) nor the 5th (certificate)
    }


def test_the_printed_invoice_keeps_the_days_it_billed(store, admin, month, activities, tmp_path):
    issue_run(store, admin, NOVEMBER)
    [invoice] = list_invoices(store, admin)
    # After the invoice: a certificate for the 9th. The issued invoice does not change.
    with store.write(admin) as session:
        session.execute(
            update(Booking)
            .where(Booking.child_id == month.children[1].id, Booking.day == date(2026, 11, 9))
            .values(state="absent_justified")
        )

    text = _text(print_invoice(store, admin, invoice.id, tmp_path / "facture.pdf"))
    number = credit_note(store, admin, invoice.id, "Erreur de tarif")
    [note] = [i for i in list_invoices(store, admin) if i.number == number]
    refund = _text(print_invoice(store, admin, note.id, tmp_path / "avoir.pdf"))

    assert f"Jours facturés : {HUGO_DAYS}" in text
    assert "Jours facturés : 2, 3, 5, 6, 9, 10, 12 et 13 novembre" in text
    assert "Jours facturés : 16, 17, 19 et 20 novembre" in text
    assert f"Jours facturés : {HUGO_DAYS}" in refund  # the credit note repeats them
