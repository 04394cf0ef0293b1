"""Issue 18, case 7 and the receipts of « money is never doubled or lost »: a desk restored
from yesterday's backup gets back what it had pushed before any new work and never gives a
receipt number twice; two desks selling offline number their receipts each in its own series,
gapless, named in each desk's journal. Two real desks, the real server over PostgreSQL, both
sync orders; each case ends with desk A, desk B and the server compared."""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import func, select

from eticket_central.models import Family as ServerFamily
from eticket_central.models import Payment as ServerPayment
from eticket_desk.models import Adult, Booking, Payment, Sale, SaleLine, WalletEntry
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.core.restored import RESTORED_MESSAGE, DeskRestored, restore_pending
from eticket_desk.services.core.store import Store
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.till_journal import till_journal_data
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.maintenance.backups import backup_now, restore
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.status import load_device
from tests.conftest import cash_sale, validated_family
from tests.sync.test_push_pull import MONDAY, _server_tickets, _tickets

ORDERS = pytest.mark.parametrize("a_first", [True, False], ids=["A-then-B", "B-then-A"])


def _edit_mother(store, actor, family_id, **fields):
    family = load_family(store, actor, family_id)
    mother = dataclasses.replace(family.adults[0], **fields)
    return save_family(
        store, actor, dataclasses.replace(family, adults=[mother, *family.adults[1:]])
    )


def _mother(store, family_id) -> tuple[str, str]:
    with store.read() as session:
        adult = session.scalars(
            select(Adult).where(Adult.family_id == family_id).order_by(Adult.position)
        ).first()
        return adult.phone_mobile, adult.email


def _server_mother(db, family_id) -> tuple[str, str]:
    db.expire_all()
    mother = db.get(ServerFamily, family_id).data["adults"][0]
    return mother["phone_mobile"], mother["email"]


def _server_receipts(db, store) -> list[tuple[str, int]]:
    """The receipts the server holds from this desk's device, with their amounts."""
    db.expire_all()
    device_id = load_device(store).device_id
    return sorted(
        (payment.details["receipt_number"], payment.amount_cents)
        for payment in db.scalars(select(ServerPayment).where(ServerPayment.device_id == device_id))
    )


def _outbox_seqs(store) -> list[int]:
    with closing(sqlite3.connect(store.path)) as raw, raw:
        return [seq for (seq,) in raw.execute("SELECT seq FROM sync_outbox ORDER BY seq")]


def _desk_receipts(store) -> list[tuple[str, int]]:
    with store.read() as session:
        return sorted(
            session.execute(
                select(Sale.receipt_number, Payment.amount_cents).join(
                    Payment, Payment.sale_id == Sale.id
                )
            ).all()
        )


def _sale_tickets(store, number: str) -> list[tuple[int, int]]:
    """The lines of a receipt (quantity, amount) and, checked, its wallet lines tied to it."""
    with store.read() as session:
        sale = session.scalar(select(Sale).where(Sale.receipt_number == number))
        lines = session.execute(
            select(SaleLine.quantity, SaleLine.amount_cents).where(SaleLine.sale_id == sale.id)
        ).all()
        bought = session.scalar(
            select(func.sum(WalletEntry.quantity)).where(WalletEntry.sale_id == sale.id)
        )
        assert bought == sum(quantity for quantity, _ in lines)
        return [tuple(line) for line in lines]


def _receipts(store) -> list[str]:
    with store.read() as session:
        return sorted(session.scalars(select(Sale.receipt_number)))


def _restored(store: Store, backup) -> Store:
    """The desk's program closed, yesterday's backup restored over its base, reopened."""
    path, clock = store.path, store.clock
    store.close()
    restore(backup, path)
    return Store(path, clock)


@ORDERS
def test_a_desk_restored_from_yesterdays_backup_gets_its_pushed_work_back_before_any_new_work(
    desks, admin, agent, lea_family, garderie, db, tmp_path, a_first
):
    office, annex = desks
    ticket, _ = garderie
    open_till(office, agent, 0)
    first = cash_sale(office, agent, lea_family, ticket, 2, 480)
    backup = backup_now(office, tmp_path / "sauvegardes")  # the sale not yet sent
    backed_up = _outbox_seqs(office)
    _edit_mother(office, admin, lea_family.id, phone_mobile="0611111111")
    second = cash_sale(office, agent, lea_family, ticket, 3, 720)
    assert (first.receipt_number, second.receipt_number) == ("Q1-2026-000001", "Q1-2026-000002")
    assert run_sync(office).ok
    assert run_sync(annex).ok
    answered = _outbox_seqs(office)  # the ops the server answered from this desk

    office = _restored(office, backup)
    assert restore_pending(office)
    with pytest.raises(DeskRestored) as refused:  # the counter says why, nothing is written
        cash_sale(office, agent, lea_family, ticket, 1, 240)
    assert str(refused.value) == RESTORED_MESSAGE
    assert _receipts(office) == ["Q1-2026-000001"]
    # Meanwhile the annex types a newer mobile for the mother (not yet sent).
    _edit_mother(annex, admin, lea_family.id, phone_mobile="0622222222")

    order = (office, annex) if a_first else (annex, office)
    reports = [run_sync(desk) for desk in order]
    assert all(r.ok and r.rejected == 0 for r in reports), reports
    back = reports[0 if a_first else 1]
    # The sale the backup had not sent goes again: answered « duplicate », counted once.
    assert back.full_reload and back.duplicates >= 2
    assert not restore_pending(office)
    assert run_sync(office).ok  # the annex's mobile, whichever synced first
    # What it had pushed after the backup is back: the edit and the 3 tickets of the sale.
    assert _mother(office, lea_family.id) == ("+33622222222", _mother(annex, lea_family.id)[1])
    assert _tickets(office, agent, lea_family.id) == 5
    [notice] = list_sync_issues(office, agent)
    assert notice.title == "Poste restauré — données du serveur rechargées"
    assert notice.ref.startswith("notice:") and notice.notice
    assert _outbox_seqs(office) == backed_up  # the notice is no op of the outbox
    assert "la numérotation reprend après Q1-2026-000002" in notice.message
    # the dossier edit, the sale's wallet line and its payment
    assert "Le serveur avait 3 opérations de ce poste" in notice.message
    # The sale taken after the backup is back under its number, in the till the backup had
    # open: the receipts list, the journal (with a line that says so) and the expected cash.
    assert _receipts(office) == ["Q1-2026-000001", "Q1-2026-000002"]
    journal = till_journal_data(office, agent)
    assert [(r.number, r.cash_cents, r.total_cents) for r in journal.receipts] == [
        ("Q1-2026-000001", 480, 480),
        ("Q1-2026-000002", 720, 720),
    ]
    assert journal.expected_cash_cents == 1200
    assert journal.notes == (
        "1 quittance reprise du serveur après restauration (Q1-2026-000002) : données après "
        "la sauvegarde de ce poste, comptées dans cette caisse.",
    )
    assert _sale_tickets(office, "Q1-2026-000002") == [(3, 720)]
    assert (
        notice.message.replace("\u202f", " ")
        .replace("\xa0", " ")
        .endswith(
            "reprises du serveur dans le journal de caisse de ce poste (ligne « quittances "
            "reprises du serveur après restauration » ; leur argent est dans la caisse) : "
            "Q1-2026-000002 : 7,20 € (espèces)."
        )
    )

    # New work: the next receipt follows the last one issued, never reuses it; an edit of
    # another field does not put the old mobile back. (The till the backup had open.)
    third = cash_sale(office, agent, lea_family, ticket, 1, 240)
    assert third.receipt_number == "Q1-2026-000003"
    # Its ops are numbered past those the server answered, never under them.
    assert _outbox_seqs(office)[len(backed_up) :] == [answered[-1] + 1, answered[-1] + 2]
    _edit_mother(office, admin, lea_family.id, email="marie.dupont@example.org")
    for desk in (office, annex, office):
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report

    expected = ("+33622222222", "marie.dupont@example.org")
    assert _mother(office, lea_family.id) == _mother(annex, lea_family.id) == expected
    assert _server_mother(db, lea_family.id) == expected
    assert _server_receipts(db, office) == [
        ("Q1-2026-000001", 480),
        ("Q1-2026-000002", 720),
        ("Q1-2026-000003", 240),
    ]
    assert _server_tickets(db, lea_family.id) == 6
    assert _tickets(office, agent, lea_family.id) == _tickets(annex, agent, lea_family.id) == 6
    # Desk and server hold the same receipts, to the cent; no gap in the series.
    assert _receipts(office) == ["Q1-2026-000001", "Q1-2026-000002", "Q1-2026-000003"]
    assert _desk_receipts(office) == _server_receipts(db, office)
    assert till_journal_data(office, agent).expected_cash_cents == 480 + 720 + 240
    assert check(office).ok, check(office).faults
    assert check(annex).ok, check(annex).faults


@ORDERS
def test_two_desks_selling_offline_number_their_receipts_each_in_its_own_series(
    desks, agent, lea_family, garderie, db, a_first
):
    office, annex = desks
    ticket, _ = garderie
    for desk in (office, annex):
        open_till(desk, agent, 0)
    at_office = cash_sale(office, agent, lea_family, ticket, 2, 480)
    at_annex = cash_sale(annex, agent, lea_family, ticket, 1, 240)
    assert (at_office.receipt_number, at_annex.receipt_number) == (
        "Q1-2026-000001",
        "Q2-2026-000001",
    )
    order = (office, annex, office) if a_first else (annex, office, annex)
    for desk in order:
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report

    assert _server_receipts(db, office) == [("Q1-2026-000001", 480)]
    assert _server_receipts(db, annex) == [("Q2-2026-000001", 240)]
    assert _server_tickets(db, lea_family.id) == 3
    assert _tickets(office, agent, lea_family.id) == _tickets(annex, agent, lea_family.id) == 3
    for desk, receipt, series in (
        (office, "Q1-2026-000001", "Série Q1 — poste Accueil mairie"),
        (annex, "Q2-2026-000001", "Série Q2 — poste Annexe école"),
    ):
        journal = till_journal_data(desk, agent)
        assert [r.number for r in journal.receipts] == [receipt]
        assert series in journal.till_label
        assert check(desk).ok, check(desk).faults

    # A receipt number taken and lost (a counter moved by hand) is a gap in that series only.
    with closing(sqlite3.connect(annex.path)) as raw, raw:
        raw.execute("UPDATE number_series SET next_value = 3 WHERE name = 'receipt-2-2026'")
    faults = check(annex).faults
    assert faults == ("quittances Q2-2026 : numéros manquants 2",), faults


@ORDERS
def test_a_refused_booking_replayed_by_a_restored_desk_gives_its_ticket_back_once(
    desks, agent, lea_family, schools, admin, garderie, tmp_path, db, a_first
):
    office, annex = desks
    ticket, activity = garderie  # one seat a day
    hugo = validated_family(annex, admin, schools, last_name="Martin", child_first_name="Hugo")
    open_till(annex, agent, 0)
    cash_sale(annex, agent, hugo, ticket, 1, 240)
    annex.clock.advance(minutes=1)  # the ticket bought, then spent (a reload sorts them by time)
    book_day(annex, agent, hugo.children[0].id, activity.id, MONDAY)
    assert run_sync(annex).ok  # the annex takes the seat first
    open_till(office, agent, 0)
    cash_sale(office, agent, lea_family, ticket, 2, 480)
    book_day(office, agent, lea_family.children[0].id, activity.id, MONDAY)
    backup = backup_now(office, tmp_path / "sauvegardes")  # the booking not yet sent
    report = run_sync(office)
    assert report.ok and report.rejected == 1  # complet: the ticket given back
    assert _tickets(office, agent, lea_family.id) == 2

    office = _restored(office, backup)
    assert _tickets(office, agent, lea_family.id) == 1  # yesterday's copy: the day booked
    for desk in (office, annex) if a_first else (annex, office):
        report = run_sync(desk)
        assert report.ok, report
    # The refusal answered again (« duplicate »): the ticket is not given back a second time.
    assert _tickets(office, agent, lea_family.id) == 2
    assert _server_tickets(db, lea_family.id) == 2
    assert run_sync(annex).ok
    assert _tickets(annex, agent, lea_family.id) == 2
    with office.read() as session:
        lea_monday = session.get(Booking, (activity.id, MONDAY, lea_family.children[0].id))
    assert lea_monday.state == "cancelled"
    for desk in (office, annex):
        assert check(desk).ok, check(desk).faults
