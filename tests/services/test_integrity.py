"""The integrity check on a real file: a busy town passes, and each injected fault (a gap in
the receipts, a negative wallet, an over-allocated payment, a bus over capacity, an orphan
row, a wrong seat counter) is found with its French line."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.services.maintenance.integrity import check
from tests.conftest import cash_sale, validated_family

BUS_WEEK = date(2026, 9, 28)


@pytest.fixture
def town(store, admin, schools, activities, garderie, clock):
    """Two families: tickets sold and spent, a bus seat, an invoice paid by cheque."""
    ticket, evening = garderie
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    dupont = validated_family(store, admin, schools)
    martin = validated_family(store, admin, schools, last_name="Martin", child_first_name="Tom")
    open_till(store, admin, 0)
    cash_sale(store, admin, dupont, ticket, 10, 2400)
    cash_sale(store, admin, martin, ticket, 2, 480)
    book_day(store, admin, dupont.children[0].id, evening.id, date(2026, 9, 21))
    book_day(store, admin, dupont.children[0].id, activities["BUS"].id, BUS_WEEK)
    for day in (date(2026, 10, 1), date(2026, 10, 2)):
        book_day(store, admin, martin.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    issue_run(store, admin, month_period("2026-10"))
    [invoice] = list_invoices(store, admin, family_id=martin.id)
    cheque = PaymentInput(Method.CHEQUE, invoice.total_cents, "7654321", "LBP", "M. MARTIN")
    pay_invoices(store, admin, InvoicePaymentRequest(martin.id, (invoice.id,), (cheque,)))
    return dupont, martin


def _tamper(store, *statements: str) -> None:
    """Writes behind the program's back (foreign keys off), as a bug or a bad tool would."""
    connection = sqlite3.connect(store.path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def test_a_busy_town_passes(store, town):
    report = check(store)
    assert report.ok, report.text()
    assert "Aucune anomalie" in report.text()


def test_a_gap_in_the_receipts(store, town):
    _tamper(store, "UPDATE number_series SET next_value = next_value + 1 WHERE name LIKE 'rec%'")
    report = check(store)
    assert not report.ok
    assert "quittances Q-2026 : numéros manquants 4" in report.text()


def test_a_wallet_that_goes_negative(store, town):
    _tamper(store, "UPDATE wallet_entry SET quantity = 0 WHERE kind = 'purchase'")
    report = check(store)
    assert "portefeuille négatif : famille" in report.text()
    assert "« Garderie », le solde descend à -1" in report.text()


def test_an_over_allocated_payment(store, town):
    _tamper(store, "UPDATE payment_allocation SET amount_cents = amount_cents + 500")
    text = check(store).text()
    assert "paiement sur-affecté : cheque de la quittance Q-2026-000003" in text
    assert "facture trop payée : F-2026-000001" in text


def test_a_bus_over_capacity(store, town):
    _tamper(store, "UPDATE activity SET capacity = 0 WHERE code = 'BUS'")
    text = check(store).text()
    assert "capacité dépassée : Bus 8h30 le 2026-09-28, 1 enfants pour 0" in text


def test_a_seat_counter_that_differs_from_the_bookings(store, town):
    _tamper(store, "UPDATE occupancy SET booked = booked + 1")
    text = check(store).text()
    assert "compteur de places faux : " in text


def test_an_orphan_row(store, town):
    _tamper(store, "UPDATE sale_line SET sale_id = '0123456789abcdef0123456789abcdef'")
    report = check(store)
    assert "ligne orpheline : sale_line" in report.text()
    assert "2 anomalie(s) trouvée(s)" in report.text()  # the lines of the two ticket sales
