"""Issue 18, case 7, the money of a restored desk: the invoices, credit notes and receipts it
issued (or cancelled) after its backup come back at the reload (syncing/recovered_money.py), counted to the
cent as the server counts them; an invoice whose lines it never had says so instead of
printing empty. Two real desks, the real server over PostgreSQL, both sync orders."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime

import pytest
from sqlalchemy import func, select

from eticket_central.models import Invoice as ServerInvoice
from eticket_central.models import Payment as ServerPayment
from eticket_desk.models import Payment
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.counter.sale_cancellation import cancel_sale
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.till_journal import list_till_sessions, till_journal_data
from eticket_desk.services.invoicing.documents import print_invoice
from eticket_desk.services.invoicing.payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.invoicing.run import credit_note, family_credit, issue_run
from eticket_desk.services.maintenance.backups import backup_now
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.recovered_money import RECOVERED_TILL_NOTE
from eticket_desk.services.syncing.status import load_device
from tests.conftest import cash_sale
from tests.services.test_invoicing import CANTEEN, DAYS, NOVEMBER
from tests.sync.test_offline_restore import (
    ORDERS,
    _desk_receipts,
    _restored,
    _server_receipts,
)
from tests.sync.test_push_pull import _server_tickets, _tickets


def family_credit_on_server(db, family_id) -> int:
    """The family's credit as the server counts it (the sum of its payments' credit part)."""
    db.expire_all()
    return int(
        db.scalar(
            select(func.coalesce(func.sum(ServerPayment.to_credit_cents), 0)).where(
                ServerPayment.family_id == family_id
            )
        )
    )


def _invoices(store, agent, family_id) -> list[tuple[str, str, int, int, str]]:
    """(number, kind, total, settled, status) of the dossier's invoices and credit notes."""
    return sorted(
        (i.number, i.kind, i.total_cents, i.settled_cents, i.status_label)
        for i in list_invoices(store, agent, family_id=family_id)
    )


@ORDERS
def test_a_restored_desk_gets_back_the_invoices_credit_notes_and_receipts_issued_after_its_backup(
    activities, desks, admin, agent, lea_family, db, tmp_path, a_first
):
    office, annex = desks
    canteen = activities["CANTINE"]
    save_activity_tariff(office, admin, canteen.id, DAYS[0].replace(day=1), CANTEEN)
    for day in DAYS[:5]:
        book_day(office, admin, lea_family.children[0].id, canteen.id, day)
    assert run_sync(office).ok
    backup = backup_now(office, tmp_path / "sauvegardes")  # before the invoices
    office.clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(office, admin, NOVEMBER)
    [first] = list_invoices(office, admin, family_id=lea_family.id)
    assert (first.number, first.total_cents) == ("F-2026-000001", 5 * 460)
    open_till(office, admin, 5_000)  # a till the backup does not have
    cheque = PaymentInput(Method.CHEQUE, 1_000, "1234567", "LBP", "M. DUPONT")
    paid = pay_invoices(
        office,
        admin,
        InvoicePaymentRequest(lea_family.id, (first.id,), (cheque,), accept_difference=True),
    )
    assert paid.receipt_number == "Q1-2026-000001"
    office.clock.advance(minutes=5)
    assert credit_note(office, admin, first.id, "Repas comptés en double") == "A-2026-000001"
    assert family_credit(office, lea_family.id) == 1_000  # what was paid on it
    before = _invoices(office, agent, lea_family.id)
    assert run_sync(office).ok

    office = _restored(office, backup)
    assert _invoices(office, agent, lea_family.id) == []
    for desk in (office, annex) if a_first else (annex, office):
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report

    # The invoice, its credit note and the receipt that paid it are back, to the cent.
    assert _invoices(office, agent, lea_family.id) == before
    assert (
        _invoices(annex, agent, lea_family.id) == []
    )  # invoicing is the régie's desk    assert family_credit(office, lea_family.id) == 1_000
    db.expire_all()
    server = db.get(ServerInvoice, first.id)
    assert (server.number, server.amount_cents, server.credit_note_number) == (
        "F-2026-000001",
        5 * 460,
        "A-2026-000001",
    )
    assert family_credit_on_server(db, lea_family.id) == 1_000
    assert family_credit(annex, lea_family.id) == 1_000  # the annex has no invoices
    assert _desk_receipts(office) == _server_receipts(db, office) == [("Q1-2026-000001", 1_000)]
    # Its till session is not in the backup: a session of its own, closed at the reload,
    # whose journal says why and counts nothing it cannot know.
    [own] = list_till_sessions(office, admin)
    assert (own.receipts, own.total_cents) == (1, 1_000)
    journal = till_journal_data(office, admin, own.id)
    assert [(r.number, r.cheque_cents, r.cash_cents) for r in journal.receipts] == [
        ("Q1-2026-000001", 1_000, 0)
    ]
    assert journal.closed_at is not None and journal.counted_cash_cents is None
    assert (journal.float_cents, journal.expected_cash_cents) == (0, 0)  # a cheque only
    assert journal.difference_note == RECOVERED_TILL_NOTE
    assert journal.notes == (
        "1 quittance reprise du serveur après restauration (Q1-2026-000001) : données après "
        "la sauvegarde de ce poste, comptées dans cette caisse.",
    )
    with office.read() as session:
        payment = session.scalar(select(Payment).where(Payment.method == "cheque"))
        assert (payment.cheque_number, payment.cheque_bank, payment.cheque_drawer) == (
            "1234567",
            "LBP",
            "M. DUPONT",
        )
    # The invoice's lines are not known here: the screen says so, no empty invoice.
    with pytest.raises(DomainError) as refused:
        print_invoice(office, admin, first.id, tmp_path / "f.pdf")
    assert str(refused.value).startswith(
        "F-2026-000001 : facture reprise du serveur : détail non disponible sur ce poste"
    )
    [notice] = list_sync_issues(office, agent)
    assert "la numérotation reprend après Q1-2026-000001, F-2026-000001, A-2026-000001" in (
        notice.message
    )
    assert (
        "Factures et avoirs émis après la sauvegarde, repris du serveur sans leur détail : "
        "A-2026-000001, F-2026-000001. Leur période n'est pas connue de ce poste : avant de "
        "relancer une facturation, vérifiez qu'elle ne les refait pas." in notice.message
    )
    # The next invoice, credit note and receipt follow the server's: no number twice.
    with closing(sqlite3.connect(office.path)) as raw, raw:
        counters = dict(raw.execute("SELECT name, next_value FROM number_series"))
    assert (counters["invoice-2026"], counters["credit-note-2026"]) == (2, 2)
    assert counters["receipt-1-2026"] == 2
    assert run_sync(office).ok and run_sync(annex).ok
    assert check(office).ok, check(office).faults
    assert check(annex).ok, check(annex).faults


@ORDERS
def test_a_receipt_taken_and_cancelled_after_the_backup_comes_back_cancelled(
    desks, agent, lea_family, garderie, db, tmp_path, a_first
):
    office, annex = desks
    ticket, _ = garderie
    open_till(office, agent, 2_000)
    backup = backup_now(office, tmp_path / "sauvegardes")  # the till open, no sale yet
    wrong = cash_sale(office, agent, lea_family, ticket, 2, 480)
    office.clock.advance(minutes=1)  # bought, then given back (a reload sorts them by time)
    cancel_sale(office, agent, wrong.sale_id, "Erreur de quantité")
    cash_sale(office, agent, lea_family, ticket, 1, 240)
    assert run_sync(office).ok

    office = _restored(office, backup)
    for desk in (office, annex) if a_first else (annex, office):
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report
    assert run_sync(annex).ok

    journal = till_journal_data(office, agent)
    assert [(r.number, r.cash_cents, r.cancelled) for r in journal.receipts] == [
        ("Q1-2026-000001", 480, True),
        ("Q1-2026-000002", 240, False),
    ]
    assert journal.expected_cash_cents == 2_000 + 240  # the cancelled one handed back
    db.expire_all()
    device_id = load_device(office).device_id
    on_server = db.scalar(
        select(func.sum(ServerPayment.amount_cents)).where(ServerPayment.device_id == device_id)
    )
    assert on_server == 240
    assert _tickets(office, agent, lea_family.id) == _tickets(annex, agent, lea_family.id) == 1
    assert _server_tickets(db, lea_family.id) == 1
    for desk in (office, annex):
        assert check(desk).ok, check(desk).faults
