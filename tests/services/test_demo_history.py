"""The demo town's past, played through the real services up to its today: October invoiced
and paid in full, in part or not at all (reminders due), closed till days with their count,
the cheques of each finished week on a deposit slip, and a database `check` finds clean."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from eticket_desk.clock import FrozenClock
from eticket_desk.models import Family, Invoice, Payment, PaymentAllocation, Sale
from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.services.access import users
from eticket_desk.services.core.settings import load_settings
from eticket_desk.services.core.store import Store
from eticket_desk.services.counter.deposit_slips import (
    deposit_slip_data,
    list_deposit_slips,
    undeposited_cheques,
)
from eticket_desk.services.counter.till import current_till
from eticket_desk.services.counter.till_journal import list_till_sessions, till_journal_data
from eticket_desk.services.demo.history import MISCOUNT_NOTE
from eticket_desk.services.demo.town import DEMO_PASSWORD, DEMO_TODAY, DemoOptions, build_demo_town
from eticket_desk.services.invoicing.queries import list_invoices, list_runs
from eticket_desk.services.invoicing.reminders import overdue_by_family, reminder_data
from eticket_desk.services.maintenance.integrity import check

TOWN_SIZE = 120


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A demo town at its default today (Monday 23 November 2026, 8:00): its file, its
    summary line and its progress messages."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    messages: list[str] = []
    summary = build_demo_town(path, DemoOptions(families=TOWN_SIZE), progress=messages.append)
    return path, summary, messages


@pytest.fixture(scope="module")
def town(built):
    store = Store(built[0], FrozenClock(DEMO_TODAY))
    yield store
    store.close()


@pytest.fixture(scope="module")
def regisseur(town):
    actor, _ = users.authenticate(town, "regisseur", DEMO_PASSWORD)
    return actor


def _invoices(town, regisseur):
    return [i for i in list_invoices(town, regisseur, limit=0) if i.kind == "invoice"]


def test_october_is_invoiced_on_2_november_and_said_in_the_summary(built, town, regisseur):
    _path, summary, messages = built
    (run,) = list_runs(town, regisseur)
    assert (run.period_label, run.issued_at, run.by) == (
        "octobre 2026",
        datetime(2026, 11, 2, 8, 15),
        "Jérôme Buttay",
    )
    invoices = _invoices(town, regisseur)
    assert len(invoices) == run.invoices > TOWN_SIZE / 2
    assert sum(i.total_cents for i in invoices) == run.total_cents
    assert {i.due_date for i in invoices} == {date(2026, 11, 12)}  # seed 003: ten days
    assert load_settings(town).invoice_due_days == 10
    assert f"{run.invoices} factures d'octobre 2026" in summary
    assert f"Facturation d'octobre 2026 : {run.invoices} factures émises le 02/11/2026" in messages


def test_invoices_are_paid_in_full_in_part_or_not_at_all_to_the_cent(town, regisseur):
    invoices = _invoices(town, regisseur)
    by_status = Counter(i.status for i in invoices)
    assert by_status[InvoiceStatus.PAID] > len(invoices) / 2
    assert by_status[InvoiceStatus.PARTLY_PAID] >= 3
    assert by_status[InvoiceStatus.ISSUED] >= 3
    with town.read() as session:
        allocated = defaultdict(int)
        for invoice_id, amount in session.execute(
            select(PaymentAllocation.invoice_id, PaymentAllocation.amount_cents)
        ):
            allocated[invoice_id] += amount
        received = session.scalar(
            select(func.sum(Payment.amount_cents))
            .join(Sale, Sale.id == Payment.sale_id)
            .where(Sale.kind == "invoices")
        )
        receipts = session.scalar(select(func.sum(Sale.total_cents)).where(Sale.kind == "invoices"))
    for invoice in invoices:
        assert invoice.settled_cents == allocated[invoice.id], invoice.number
        if invoice.status == InvoiceStatus.PAID:
            assert invoice.settled_cents == invoice.total_cents, invoice.number
        elif invoice.status == InvoiceStatus.PARTLY_PAID:
            assert 0 < invoice.settled_cents < invoice.total_cents, invoice.number
        else:
            assert invoice.settled_cents == 0, invoice.number
    # every cent received for invoices went to one (the change went back to the families)
    assert received == receipts == sum(i.settled_cents for i in invoices)


def test_unpaid_invoices_are_overdue_and_their_reminders_due(town, regisseur):
    unpaid = [i for i in _invoices(town, regisseur) if i.left_cents]
    overdue = overdue_by_family(town, regisseur)
    assert {i.family_id for i in unpaid} == set(overdue)
    assert all(i.days_late(DEMO_TODAY.date()) == 11 for i in unpaid)
    partly = next(i for i in unpaid if i.status == InvoiceStatus.PARTLY_PAID)
    letter = reminder_data(town, regisseur, partly.family_id)
    assert letter.total_remaining_cents == partly.total_cents - partly.settled_cents
    assert [i.number for i in letter.invoices] == [partly.number]
    before_due = Store(town.path, FrozenClock(datetime(2026, 11, 12, 18, 0)))
    assert overdue_by_family(before_due, regisseur) == {}  # due on the 12th: not late yet
    before_due.close()


def test_past_till_days_are_closed_with_a_count_and_one_explained_difference(town, regisseur):
    assert current_till(town) is None  # Monday morning: nobody has opened the till yet
    sessions = list_till_sessions(town, regisseur)
    assert len(sessions) == 15
    assert all(s.closed_at is not None and s.opened_at.weekday() < 5 for s in sessions)
    assert date(2026, 11, 11) not in {s.opened_at.date() for s in sessions}  # Armistice
    assert max(s.opened_at for s in sessions) < DEMO_TODAY
    differences = []
    for summary in sessions:
        journal = till_journal_data(town, regisseur, summary.id)
        assert journal.float_cents == 15_000
        cash = sum(r.cash_cents for r in journal.receipts)
        assert journal.expected_cash_cents == journal.float_cents + cash
        assert len(journal.receipts) == summary.receipts >= 1
        if journal.difference_cents:
            differences.append((journal.difference_cents, journal.difference_note))
        else:
            assert journal.counted_cash_cents == journal.expected_cash_cents
    assert differences == [(-50, MISCOUNT_NOTE)]
    methods = Counter()
    with town.read() as session:
        for method, count in session.execute(
            select(Payment.method, func.count()).group_by(Payment.method)
        ):
            methods[method] = count
    assert methods["cash"] and methods["cheque"] and methods["card"]


def test_the_cheques_of_finished_weeks_are_on_slips_the_last_week_waits(town, regisseur):
    slips = list_deposit_slips(town, regisseur)
    assert [s.number for s in slips][-1] == "B-2026-0001"
    assert {s.made_at.weekday() for s in slips} == {4}  # made on Friday evenings
    for slip in slips:
        data = deposit_slip_data(town, regisseur, slip.id)
        assert len(data.cheques) == slip.cheques >= 1
        assert sum(c.amount_cents for c in data.cheques) == slip.total_cents
        assert all(c.number and c.bank and c.drawer for c in data.cheques)
    waiting = undeposited_cheques(town, regisseur)
    assert waiting and {c.received_at.date() for c in waiting} <= {
        date(2026, 11, d) for d in range(16, 21)
    }
    with town.read() as session:
        cheques = session.scalar(select(func.count()).where(Payment.method == "cheque"))
    assert cheques == sum(s.cheques for s in slips) + len(waiting)


def test_the_database_check_is_clean(town):
    report = check(town)
    assert report.ok, report.text()


def test_the_past_ends_where_the_clock_says_today_is(tmp_path):
    """Built on 14 September: no finished month to invoice, till days since the 2nd. Built
    on 15 February 2027: January invoiced on 1 February, in the 2027 series."""
    september = tmp_path / "september.sqlite"
    summary = build_demo_town(
        september, DemoOptions(families=20), clock=FrozenClock(datetime(2026, 9, 14, 9, 30))
    )
    assert "factures" not in summary and "8 journées de caisse" in summary
    with Store(september) as store, store.read() as session:
        assert session.scalar(select(func.count()).select_from(Invoice)) == 0
        assert session.scalar(select(func.min(Family.created_at))) == datetime(2026, 9, 1, 8, 0)
        days = session.scalars(select(func.date(Sale.at)).distinct()).all()
    assert min(days) >= "2026-09-02" and max(days) <= "2026-09-11"

    february = tmp_path / "february.sqlite"
    build_demo_town(
        february, DemoOptions(families=20), clock=FrozenClock(datetime(2027, 2, 15, 8, 0))
    )
    with Store(february) as store, store.read() as session:
        runs = session.execute(select(Invoice.period_label, Invoice.number)).all()
    assert runs and {label for label, _ in runs} == {"janvier 2027"}
    assert min(number for _, number in runs) == "F-2027-000001"


def test_one_counter_takes_so_many_payments_a_day_the_rest_stays_unpaid(tmp_path, monkeypatch):
    """A big town's families mostly pay online: its counter is full, not open all night."""
    from eticket_desk.services.demo import history as demo_history

    monkeypatch.setattr(demo_history, "PAYMENTS_A_DAY", 2)
    path = tmp_path / "demo.sqlite"
    build_demo_town(path, DemoOptions(families=60))
    with Store(path) as store, store.read() as session:
        per_day = Counter(
            session.scalars(select(Sale.till_id).where(Sale.kind == "invoices")).all()
        )
        invoices = session.scalar(select(func.count()).select_from(Invoice))
    assert per_day and max(per_day.values()) <= 2
    assert sum(per_day.values()) <= 2 * 14 < invoices  # paid after 2 November only
