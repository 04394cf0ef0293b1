"""Invoices paid at the counter: the exact amount, a partial payment confirmed, an overpayment
kept as credit and set against the next invoice, statuses, the receipt and the unpaid list."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from eticket_desk.models import PaymentAllocation, Sale
from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.receipts import print_receipt
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.payments import (
    AmountDiffers,
    InvoicePaymentRequest,
    pay_invoices,
)
from eticket_desk.services.invoicing.queries import (
    age_bucket,
    find_by_coupon,
    list_invoices,
    unpaid_invoices,
)
from eticket_desk.services.invoicing.run import family_credit, issue_run
from tests.conftest import validated_family

DAYS = [date(2026, 10, d) for d in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]  # 10 canteen days
NOV = [date(2026, 11, d) for d in (2, 3, 5, 6)]


@pytest.fixture
def invoiced(store, admin, schools, activities, clock):
    """One family with its October canteen invoice: 10 days × 4,60 € = 46,00 €."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    family = validated_family(store, admin, schools)
    for day in DAYS + NOV:
        book_day(store, admin, family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    issue_run(store, admin, month_period("2026-10"))
    open_till(store, admin, 0)
    [invoice] = list_invoices(store, admin, family_id=family.id)
    return family, invoice


def _cheque(amount):
    return PaymentInput(Method.CHEQUE, amount, "7654321", "La Banque Postale", "Mme DUPONT")


def test_the_coupon_scanned_and_the_exact_cheque(store, admin, invoiced, tmp_path):
    family, invoice = invoiced
    assert invoice.number == "F-2026-000001" and invoice.total_cents == 4600
    found = find_by_coupon(store, admin, " f-2026-000001 ")
    assert found.id == invoice.id and found.status == InvoiceStatus.ISSUED
    done = pay_invoices(
        store, admin, InvoicePaymentRequest(family.id, (invoice.id,), (_cheque(4600),))
    )
    assert (done.received_cents, done.credit_cents, done.left_cents) == (4600, 0, 0)
    assert done.applied == (("F-2026-000001", 4600),)
    assert find_by_coupon(store, admin, "F-2026-000001").status == InvoiceStatus.PAID
    assert unpaid_invoices(store, admin) == []
    assert current_till(store).cheques_cents == 4600
    text = PdfReader(print_receipt(store, admin, done.sale_id, tmp_path / "q.pdf")).pages[0]
    content = text.extract_text()
    assert "Facture F-2026-000001" in content and "46,00" in content
    assert "remboursables" not in content  # that note is about tickets


def test_a_partial_payment_must_be_confirmed(store, admin, invoiced):
    family, invoice = invoiced
    request = InvoicePaymentRequest(family.id, (invoice.id,), (PaymentInput(Method.CASH, 2000),))
    with pytest.raises(AmountDiffers, match="Il manque 26,00"):
        pay_invoices(store, admin, request)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Sale)) == 0
    done = pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(family.id, (invoice.id,), request.payments, accept_difference=True),
    )
    assert (done.received_cents, done.left_cents, done.change_cents) == (2000, 2600, 0)
    [unpaid] = unpaid_invoices(store, admin)
    assert unpaid.status == InvoiceStatus.PARTLY_PAID and unpaid.left_cents == 2600


def test_cash_gives_change_and_an_overpaid_cheque_becomes_credit(store, admin, invoiced, clock):
    family, invoice = invoiced
    done = pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(family.id, (invoice.id,), (PaymentInput(Method.CASH, 5000),)),
    )
    assert (done.received_cents, done.change_cents, done.credit_cents) == (4600, 400, 0)
    with pytest.raises(DomainError, match="déjà réglées"):
        pay_invoices(store, admin, InvoicePaymentRequest(family.id, (invoice.id,), (_cheque(100),)))

    # November: 4 days × 4,60 € = 18,40 €, paid with a 20,00 € cheque → 1,60 € credit
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))
    [november] = unpaid_invoices(store, admin)
    request = InvoicePaymentRequest(family.id, (november.id,), (_cheque(2000),))
    with pytest.raises(AmountDiffers, match="1,60\xa0€ de plus"):
        pay_invoices(store, admin, request)
    done = pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(family.id, (november.id,), request.payments, accept_difference=True),
    )
    assert (done.received_cents, done.credit_cents) == (2000, 160)
    assert family_credit(store, family.id) == 160
    with store.read() as session:
        applied = session.scalar(select(func.sum(PaymentAllocation.amount_cents)))
    assert applied == 4600 + 1840  # never more than the invoices


def test_refusals(store, admin, invoiced):
    family, invoice = invoiced
    with pytest.raises(NotFound, match="n'est pas un numéro de facture"):
        find_by_coupon(store, admin, "F00042")
    with pytest.raises(NotFound, match="Aucune facture n° F-2026-000099"):
        find_by_coupon(store, admin, "F-2026-000099")
    assert age_bucket(0) == "pas encore échue" and age_bucket(45) == "31 à 60 jours"


def test_a_reminder_letter_for_what_is_past_due(store, admin, invoiced, clock, tmp_path):
    from eticket_desk.services.invoicing.reminders import overdue_by_family, print_reminders

    family, invoice = invoiced
    assert overdue_by_family(store, admin) == {}  # due on 2 December
    clock.current = datetime(2026, 12, 20, 9, 0)
    pay_invoices(
        store,
        admin,
        InvoicePaymentRequest(
            family.id, (invoice.id,), (PaymentInput(Method.CASH, 1000),), accept_difference=True
        ),
    )
    overdue = overdue_by_family(store, admin)
    assert list(overdue) == [family.id] and overdue[family.id][0].left_cents == 3600
    [letter] = print_reminders(store, admin, [family.id], tmp_path)
    text = "\n".join(p.extract_text() for p in PdfReader(letter).pages)
    assert "F-2026-000001" in text and "36,00" in text and "Trésor Public" in text
    assert "4 janvier 2027" in text  # 15 days to pay


def test_the_logo_prints_on_the_invoice(store, admin, invoiced, tmp_path):
    from devtools.samples.invoices import sample_logo
    from eticket_desk.rules.errors import InvalidInput
    from eticket_desk.services.catalogue.organisation_logo import load_logo, save_logo
    from eticket_desk.services.invoicing.documents import invoice_data

    _family, invoice = invoiced
    bad = tmp_path / "logo.txt"
    bad.write_text("pas une image")
    with pytest.raises(InvalidInput, match="PNG ou JPEG"):
        save_logo(store, admin, bad)
    image = tmp_path / "logo.png"
    image.write_bytes(sample_logo())
    save_logo(store, admin, image)
    assert load_logo(store) == image.read_bytes()
    assert invoice_data(store, admin, invoice.id).logo == image.read_bytes()
    save_logo(store, admin, None)
    assert load_logo(store) is None
