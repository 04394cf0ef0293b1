"""A SEPA debit batch and a reject reach the server: the debit as a payment of the invoice,
the reject as its cancellation (the invoice unpaid again there too)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from eticket_central.models import Payment as ServerPayment
from eticket_desk.models import DebitItem, Invoice
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.debit_export import export_batch
from eticket_desk.services.invoicing.debit_rejects import record_reject
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.services.syncing.cycle import sync_once
from tests.services.sepa_fixtures import debit_invoices, give_mandate, set_creditor
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER


def test_a_debit_and_its_reject_reach_the_server(
    store, admin, lea_family, activities, clock, client, db, tmp_path
):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, DAYS[0].replace(day=1), CANTEEN)
    for day in DAYS[:5]:
        book_day(store, admin, lea_family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    set_creditor(store, admin)
    mandate = give_mandate(store, admin, lea_family.id)
    debit_invoices(store, admin, lea_family.id, mandate, date(2026, 12, 15))
    export_batch(store, admin, tmp_path / "lot.xml")
    with store.read() as session:
        invoice = session.scalars(select(Invoice)).one()
        item = session.scalars(select(DebitItem)).one()

    report = sync_once(store, client)

    assert report.ok and report.rejected == 0, report.rejected_labels
    db.expire_all()
    paid = db.scalars(select(ServerPayment).where(ServerPayment.invoice_id == invoice.id)).all()
    assert [(p.method, p.amount_cents) for p in paid] == [("debit", invoice.total_cents)]

    record_reject(store, admin, item.id, "AM04")
    report = sync_once(store, client)

    assert report.ok and report.rejected == 0, report.rejected_labels
    db.expire_all()
    amounts = sorted(
        db.scalars(
            select(ServerPayment.amount_cents).where(ServerPayment.family_id == lea_family.id)
        ).all()
    )
    assert amounts == [-invoice.total_cents, invoice.total_cents]
