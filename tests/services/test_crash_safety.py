"""Crash safety: a child process sells tickets and books days in a loop on a real file and is
killed (SIGKILL) several times; each time the database opens, the check passes, and every
operation is fully there or absent (the last one included)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

import tests.services.test_integrity as scenes
from eticket_desk.models import Booking, Payment, Sale, SaleLine, WalletEntry
from eticket_desk.services.core.store import Store
from eticket_desk.services.maintenance.integrity import check
from tests.processes import kill_now

town = scenes.town
ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import sys, uuid
from datetime import date, datetime, timedelta
from eticket_desk.clock import FrozenClock
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.sales import SaleRequest, sell_tickets
from eticket_desk.services.core.store import SYSTEM, Store
from eticket_desk.services.access.users import authenticate

path, log, run, family, child, ticket, activity = sys.argv[1:8]
store = Store(path, FrozenClock(datetime(2026, 9, 14, 9, 30)))
family, child, ticket, activity = (uuid.UUID(x) for x in (family, child, ticket, activity))
agent, _ = authenticate(store, "admin", "motdepasse1")  # the till is hers: she sells
day = date(2026, 9, 22) + timedelta(days=49 * int(run))
with open(log, "a", encoding="utf-8") as out:
    while True:
        done = sell_tickets(
            store, agent, SaleRequest(family, ((ticket, 1),), (PaymentInput(Method.CASH, 240),))
        )
        out.write(f"sale {done.receipt_number}\\n")
        out.flush()
        while day.weekday() in (2, 5, 6):
            day += timedelta(days=1)
        try:
            book_day(store, SYSTEM, child, activity, day)
        except DomainError:
            pass
        else:
            out.write(f"book {day.isoformat()}\\n")
            out.flush()
        day += timedelta(days=1)
"""


def _logged(log: Path, kind: str) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line.split()[1] for line in lines if line.startswith(kind + " ")]


def test_killed_in_the_middle_of_sales_and_bookings(store, town, garderie, tmp_path, clock):
    dupont, _ = town
    ticket, evening = garderie
    child = dupont.children[0].id
    path, log = store.path, tmp_path / "operations.log"
    store.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for run in range(5):
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), str(log), str(run)]
            + [str(x) for x in (dupont.id, child, ticket.id, evening.id)],
            env=env,
            stderr=subprocess.PIPE,
        )
        start = _logged(log, "sale")
        deadline = time.monotonic() + 15
        while len(_logged(log, "sale")) < len(start) + 3 + run:
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, "the worker does not sell"
            time.sleep(0.01)
        time.sleep(0.05 * run)
        kill_now(worker.pid)
        worker.wait()
        worker.stderr.close()
        with Store(path, clock) as opened:
            report = check(opened)
            assert report.ok, report.text()
            _assert_whole(opened, log, child, evening.id, kills=run + 1)
    assert len(_logged(log, "sale")) >= 15 and _logged(log, "book")


def _assert_whole(store: Store, log: Path, child, activity_id, kills: int) -> None:
    """Each kill may leave its last operation committed but not yet logged (never half)."""
    sales, booked = _logged(log, "sale"), _logged(log, "book")
    with store.read() as session:
        receipts = set(session.scalars(select(Sale.receipt_number)))
        assert set(sales) <= receipts  # every sale that said it was done is there
        assert 0 <= len(receipts) - 3 - len(sales) <= kills  # the town made 3
        for sale_id in session.scalars(select(Sale.id)):  # each sale whole, or absent
            parts = [
                session.scalar(select(func.count()).where(m.sale_id == sale_id))
                for m in (SaleLine, Payment, WalletEntry)
            ]
            assert parts in ([1, 1, 1], [0, 1, 0])  # a ticket sale, or an invoice payment
        days = {
            b.day.isoformat()
            for b in session.scalars(
                select(Booking).where(
                    Booking.child_id == child,
                    Booking.activity_id == activity_id,
                    Booking.state == "booked",
                )
            )
        }
        assert set(booked) <= days and 0 <= len(days) - 1 - len(booked) <= kills
        debited = session.scalar(
            select(func.count()).where(
                WalletEntry.kind == "booking",
                WalletEntry.child_id == child,
                WalletEntry.activity_id == activity_id,
            )
        )
        assert debited == len(days)  # each booking with its ticket, or neither
