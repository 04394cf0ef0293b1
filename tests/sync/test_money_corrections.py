"""Corrections made at the desk reach the server: an invoice run and its credit note, a
receipt cancelled the same day (the wallet lines and the money reversed on both sides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from eticket_central.models import Invoice as ServerInvoice
from eticket_central.models import Payment as ServerPayment
from eticket_desk.models import Invoice, OutboxOp, Sale
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.sale_cancellation import cancel_sale
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing.run import credit_note, issue_run
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.sync.protocol import OpType
from tests.conftest import cash_sale
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER
from tests.sync.test_push_pull import _server_tickets, _tickets


def test_an_invoice_run_and_its_credit_note_reach_the_server(
    store, admin, lea_family, activities, clock, client, db
):
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, DAYS[0].replace(day=1), CANTEEN)
    for day in DAYS[:5]:
        book_day(store, admin, lea_family.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, NOVEMBER)
    with store.read() as session:
        invoice = session.scalars(select(Invoice)).one()
        run_ops = session.scalar(
            select(func.count()).where(OutboxOp.type == OpType.INVOICE_ISSUE.value)
        )
    assert run_ops == 1  # the run's bulk rows have their op
    credit_note(store, admin, invoice.id, "Repas comptés en double")

    report = sync_once(store, client)

    assert report.ok and report.rejected == 0, report.rejected_labels
    db.expire_all()
    on_server = db.get(ServerInvoice, invoice.id)
    assert (on_server.number, on_server.amount_cents) == ("F-2026-000001", invoice.total_cents)
    assert on_server.amount_cents == 5 * 460  # no QF: the top bracket
    assert (on_server.credit_note_number, on_server.cancelled_at) == (
        "A-2026-000001",
        datetime(2026, 12, 1, 9, 0),
    )


def test_a_receipt_cancelled_at_the_counter_is_reversed_on_the_server(
    store, agent, lea_family, garderie, server_planning, client, db
):
    ticket, _ = garderie
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 3, 1000)
    assert sync_once(store, client).ok  # the sale went up before it was cancelled
    with store.read() as session:
        sale = session.scalars(select(Sale)).one()
    cancel_sale(store, agent, sale.id, "Erreur de quantité")

    report = sync_once(store, client)

    assert report.ok and report.rejected == 0, report.rejected_labels
    db.expire_all()
    amounts = db.scalars(
        select(ServerPayment.amount_cents)
        .where(ServerPayment.family_id == lea_family.id)
        .order_by(ServerPayment.amount_cents)
    ).all()
    assert amounts == [-sale.total_cents, sale.total_cents]
    assert _tickets(store, agent, lea_family.id) == _server_tickets(db, lea_family.id) == 0
