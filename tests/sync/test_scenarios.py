"""The issue's scenarios the desk side makes possible, each ending with the ledgers compared
on both sides: a reply lost after the server's commit, the same ops pushed twice at once, a
desk killed in the middle of a pull, cash taken offline for an invoice paid online, and a
full reload when the desk's cursor is too old."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from eticket_central.models import AppliedOp
from eticket_central.models import Invoice as ServerInvoice
from eticket_central.ops.money_data import family_credit as server_credit
from eticket_central.portal.confirmations import ConfirmedTransaction, record_confirmed_payment
from eticket_desk.models import Adult, Booking, Invoice, OutboxOp
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.core.changes import Topic
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.run import family_credit
from eticket_desk.services.syncing import pulled
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.state import read_cursor
from eticket_desk.services.syncing.status import save_device, sync_status
from eticket_desk.sync.client import SyncClient
from eticket_desk.sync.outbox import InvoicesIssued, emit
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import CuttingProxy
from tests.sync.conftest import parent_headers
from tests.sync.test_push_pull import (
    MONDAY,
    TUESDAY,
    _sell_and_book,
    _server_tickets,
    _statuses,
    _tickets,
)


def _ops_applied_on_server(db, device) -> int:
    db.expire_all()
    return db.scalar(
        select(func.count()).select_from(AppliedOp).where(AppliedOp.device_id == device.device_id)
    )


def test_a_reply_lost_after_the_commit_gets_duplicate_and_debits_once(
    store, agent, lea_family, garderie, server_planning, central, device, db
):
    _sell_and_book(store, agent, lea_family, garderie)
    proxy = CuttingProxy(central.thread.port)
    client = SyncClient(proxy.url, device.device_id, device.token, retries=1, backoff=0.01)
    try:
        proxy.cut = True
        report = sync_once(store, client)
        assert report.error.startswith("Hors ligne") and proxy.cuts >= 1
        status = sync_status(store)
        assert not status.online and status.waiting_ops == len(_statuses(store))
        # The server had committed: the wallet is already debited there.
        assert _server_tickets(db, lea_family.id) == 1
        proxy.cut = False
        report = sync_once(store, client)
    finally:
        client.close()
        proxy.close()
    assert report.ok and report.duplicates == report.pushed == len(_statuses(store))
    assert {s for _, s in _statuses(store)} == {"applied"}
    assert _ops_applied_on_server(db, device) == len(_statuses(store))  # each once
    assert _server_tickets(db, lea_family.id) == _tickets(store, agent, lea_family.id) == 1


def test_the_same_ops_pushed_twice_at_once_are_applied_once(
    store, agent, lea_family, garderie, server_planning, device, db
):
    _sell_and_book(store, agent, lea_family, garderie)
    clients = [SyncClient(device.http.base_url, device.device_id, device.token) for _ in "ab"]
    reports = []
    start = threading.Barrier(2)

    def run(client):
        start.wait()
        reports.append(sync_once(store, client))

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for client in clients:
        client.close()
    assert [r.error for r in reports] == ["", ""]
    ops = len(_statuses(store))
    assert {s for _, s in _statuses(store)} == {"applied"}
    assert _ops_applied_on_server(db, device) == ops
    assert _server_tickets(db, lea_family.id) == _tickets(store, agent, lea_family.id) == 1


def _contact_change_and_tuesday(store, other_desk, lea, activity_id, phone: str):
    """Another desk changes the mother's mobile and books Tuesday for Léa."""
    with store.read() as session:
        last = session.scalars(
            select(OutboxOp).where(OutboxOp.type == "family.upsert").order_by(OutboxOp.seq.desc())
        ).first()
    payload = json.loads(last.payload)
    payload["base_version"] = 2
    mother = payload["adults"][0]
    # The other desk's edit of the mobile (what it changed since the dossier it knew).
    payload["edits"] = [
        {"path": f"adults/{mother['id']}/phone_mobile", "old": mother["phone_mobile"]}
    ]
    mother["phone_mobile"] = phone
    answers = other_desk.push(
        other_desk.op(OpType.FAMILY_UPSERT, **payload),
        other_desk.op(
            OpType.BOOKING_BOOK,
            child_id=str(lea.id),
            activity_id=str(activity_id),
            day=TUESDAY.isoformat(),
        ),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    return uuid.UUID(payload["adults"][0]["id"])


def _local(store, adult_id, activity_id, child_id):
    with store.read() as session:
        booking = session.get(Booking, (activity_id, TUESDAY, child_id))
        return session.get(Adult, adult_id).phone_mobile, booking.state if booking else None


def test_a_desk_killed_in_the_middle_of_a_pull_applies_nothing_and_pulls_again(
    store, lea_family, garderie, server_planning, client, other_desk, monkeypatch
):
    assert sync_once(store, client).ok
    lea = lea_family.children[0]
    adult_id = _contact_change_and_tuesday(
        store, other_desk, lea, server_planning.id, "+33655443322"
    )
    before = read_cursor(store)

    def killed(*_args):
        raise SystemExit("poste éteint pendant la réception")

    monkeypatch.setitem(
        pulled._APPLY, "booking", (killed, Topic.BOOKINGS)
    )  # after the family change
    with pytest.raises(SystemExit):
        sync_once(store, client)
    old_phone = lea_family.adults[0].phone_mobile
    assert _local(store, adult_id, server_planning.id, lea.id) == (old_phone, None)
    assert read_cursor(store) == before
    monkeypatch.undo()
    report = sync_once(store, client)
    assert report.ok and report.pulled == 2
    assert _local(store, adult_id, server_planning.id, lea.id) == ("+33655443322", "booked")
    again = sync_once(store, client)
    assert (again.pulled, again.error) == (0, "")
    assert _local(store, adult_id, server_planning.id, lea.id) == ("+33655443322", "booked")


def _local_invoice(store, admin, family_id, amount: int, number: int = 1) -> uuid.UUID:
    """An invoice of September, as the invoice run issues it (the ORM path: its op too)."""
    invoice_id = uuid.uuid4()
    with store.write(admin) as session:
        session.add(
            Invoice(
                id=invoice_id,
                number=f"F-2026-{number:06d}",
                family_id=family_id,
                period_kind="month",
                period_start=date(2026, 9, 1),
                period_end=date(2026, 9, 30),
                period_label="Septembre 2026",
                issued_at=datetime(2026, 10, 1, 8, 0),
                due_date=date(2026, 10, 31),
                total_cents=amount,
                billing_name="DUPONT Marie",
                billing_address="1 rue du Lac\n74500 Neuvecelle",
                by="admin",
            )
        )
        emit(session, InvoicesIssued((invoice_id,)))
    return invoice_id


def test_an_overpaid_cheque_is_the_same_credit_on_both_sides(
    store, admin, agent, lea_family, client, commune, db
):
    invoice_id = _local_invoice(store, admin, lea_family.id, 4250)
    open_till(store, agent, 0)
    cheque = PaymentInput(Method.CHEQUE, 5000, "7654321", "La Banque Postale", "Mme DUPONT")
    pay_invoices(
        store,
        agent,
        InvoicePaymentRequest(lea_family.id, (invoice_id,), (cheque,), accept_difference=True),
    )
    assert family_credit(store, lea_family.id) == 750
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report
    db.expire_all()
    assert db.get(ServerInvoice, invoice_id).paid_cents == 4250
    assert server_credit(db, commune.tenant_id, lea_family.id) == 750


def test_cash_taken_offline_for_an_invoice_paid_online_is_kept_as_credit_once(
    store, admin, agent, lea_family, client, central, commune, db
):
    letter = issue_portal_access(store, admin, lea_family.id, lea_family.adults[0].id)
    invoice_id = _local_invoice(store, admin, lea_family.id, 4250)
    report = sync_once(store, client)  # the dossier (with its portal login), the invoice
    assert report.ok and report.rejected == 0, report
    # The parent's own word pays nothing…
    headers = parent_headers(central, commune, letter)
    claimed = httpx.post(
        f"{central.url}/portal/payments",
        headers=headers,
        json={"invoice_id": str(invoice_id), "amount_cents": 4250, "transaction_ref": "CB-991"},
    )
    assert claimed.status_code == 409, claimed.text
    # …the payment provider's confirmation does (the parent paid online)…
    confirmed = ConfirmedTransaction(
        "payfip", "CB-991", commune.tenant_id, invoice_id, 4250, datetime(2026, 10, 6, 20, 0)
    )
    paid = record_confirmed_payment(central.sessions, confirmed, central.clock.now())
    assert paid["invoice_due_cents"] == 0
    # …while the counter, offline, takes cash for the same invoice.
    open_till(store, agent, 0)
    pay_invoices(
        store,
        agent,
        InvoicePaymentRequest(lea_family.id, (invoice_id,), (PaymentInput(Method.CASH, 4250),)),
    )
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report
    db.expire_all()
    invoice = db.get(ServerInvoice, invoice_id)
    assert (invoice.amount_cents, invoice.paid_cents) == (4250, 4250)  # paid once
    # The cash is the family's credit, on both sides, and only once.
    assert server_credit(db, commune.tenant_id, lea_family.id) == 4250
    assert family_credit(store, lea_family.id) == 4250
    assert sync_once(store, client).pulled == 0
    assert family_credit(store, lea_family.id) == 4250


def test_a_cursor_too_old_reloads_everything_once_the_outbox_is_empty(
    store, agent, lea_family, garderie, server_planning, client, other_desk, central
):
    _sell_and_book(store, agent, lea_family, garderie, day=MONDAY)
    assert sync_once(store, client).ok
    lea = lea_family.children[0]
    adult_id = _contact_change_and_tuesday(
        store, other_desk, lea, server_planning.id, "+33677889900"
    )
    central.clock.current += timedelta(days=120)  # the change log forgot what we missed
    report = sync_once(store, client)
    assert report.ok and report.full_reload, report
    assert _local(store, adult_id, server_planning.id, lea.id) == ("+33677889900", "booked")
    # Our own sale and bookings came back too, and nothing was counted twice.
    assert _tickets(store, agent, lea_family.id) == 1
    assert family_credit(store, lea_family.id) == 0
    again = sync_once(store, client)
    assert (again.full_reload, again.pulled, again.error) == (False, 0, "")


def test_a_server_answering_500_is_retried_then_the_desk_is_offline(
    store, admin, lea_family, device, pg_cluster, memory_keyring
):
    from eticket_desk.clock import FrozenClock
    from tests.central.conftest import START, start_server

    broken = start_server(pg_cluster.url("pas_de_base"), FrozenClock(START))  # no database
    client = SyncClient(broken.url, device.device_id, device.token, retries=2, backoff=0.01)
    try:
        report = sync_once(store, client)
    finally:
        client.close()
        broken.stop()
    assert report.error == "Hors ligne : erreur du serveur (500)."
    status = sync_status(store)
    assert (status.online, status.last_error) == (False, report.error)
    # Kept for the next time: the two schools, the organisation, the two saves of the dossier.
    assert status.waiting_ops == len(_statuses(store)) == 5
    # Its first registration: the two saves of the dossier become its whole state, once.
    save_device(store, admin, broken.url, device.device_id, device.token)
    assert sync_status(store).text == "Hors ligne · 4 opérations en attente"


def test_a_payment_another_desk_numbered_like_one_of_ours_still_reaches_this_desk(
    store, admin, agent, lea_family, client, other_desk, commune, db
):
    """Each desk numbers its receipts from 1: another desk's cheque « Q-2026-000001 » for an
    invoice this desk was paid in cash under the same number is another payment, matched by
    its identity: its amount is the family's credit here too."""
    invoice_id = _local_invoice(store, admin, lea_family.id, 4250)
    open_till(store, agent, 0)
    done = pay_invoices(
        store,
        agent,
        InvoicePaymentRequest(lea_family.id, (invoice_id,), (PaymentInput(Method.CASH, 4250),)),
    )
    assert sync_once(store, client).ok
    cheque = other_desk.op(
        OpType.PAYMENT_RECEIVED,
        payment_id=str(uuid.uuid4()),
        family_id=str(lea_family.id),
        invoice_id=str(invoice_id),
        method="cheque",
        amount_cents=4250,
        received_at=datetime(2026, 9, 14, 11, 0).isoformat(),
        receipt_number=done.receipt_number,
        cheque={"number": "1234567", "bank": "Crédit Agricole", "drawer": "Mme DUPONT"},
    )
    assert other_desk.push(cheque)[0]["result"]["credit_cents"] == 4250

    assert sync_once(store, client).ok
    assert family_credit(store, lea_family.id) == 4250
    assert server_credit(db, commune.tenant_id, lea_family.id) == 4250
    # This desk's own cash, pulled back, is not counted a second time.
    assert sync_once(store, client).pulled == 0
    assert family_credit(store, lea_family.id) == 4250


def test_one_cash_payment_for_two_invoices_pulled_back_is_not_counted_again(
    store, admin, agent, lea_family, client, commune, db
):
    """A payment over two invoices travels as one op per invoice (the second with an id
    derived from the payment's): pulled back, both are recognised as this desk's own."""
    invoices = [_local_invoice(store, admin, lea_family.id, 2000, n) for n in (1, 2)]
    open_till(store, agent, 0)
    cash = PaymentInput(Method.CASH, 4000)
    pay_invoices(store, agent, InvoicePaymentRequest(lea_family.id, tuple(invoices), (cash,)))
    report = sync_once(store, client)
    assert report.ok and report.rejected == 0, report
    db.expire_all()
    assert [db.get(ServerInvoice, i).paid_cents for i in invoices] == [2000, 2000]
    assert server_credit(db, commune.tenant_id, lea_family.id) == 0
    # Brought back as if from elsewhere (a full reload, a restored desk), neither part
    # becomes credit here: both are recognised by their identity.
    page = client.pull(0)
    payments = [c for c in page.changes if c.entity == "payment"]
    assert len({c.id for c in payments}) == 2
    assert pulled.apply_changes(store, uuid.uuid4(), payments, page.cursor).applied == 0
    assert family_credit(store, lea_family.id) == 0
