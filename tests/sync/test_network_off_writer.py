"""The network off the writer: while the central server accepts a desk's request and never
answers, the desk goes on booking, and closing its window does not wait for the server.

A real writer thread (TaskRunner), a real SQLite store and a loopback server that never
answers (the client's timeout is its usual 30 s: every bound below is far under it)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from eticket_desk.models import Booking
from eticket_desk.rules.booking import BookingState
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.syncing.state import pending_ops
from eticket_desk.services.syncing.status import save_device, sync_status
from eticket_desk.sync.protocol import OpType
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.sync import SyncWorker
from eticket_desk.ui.tasks import TaskRunner
from tests.conftest import cash_sale, validated_family
from tests.sync.stand_ins import HungServer

MONDAY = date(2026, 9, 21)
PROMPTLY_MS = 2_000  # far under the 30 s the client gives the hung request


@pytest.fixture
def hung():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def writer(ctx, hung, memory_keyring):
    """The test's context with a real writer thread; the desk registered on the hung server."""
    ctx.runner = TaskRunner()
    save_device(ctx.store, ctx.actor, hung.url, uuid.uuid4(), "secret")
    yield ctx
    assert ctx.runner.wait(PROMPTLY_MS)


@pytest.fixture
def worker(writer):
    made = SyncWorker(writer)
    yield made
    made.stop()


def _stuck(worker, hung) -> None:
    """Starts a sync and waits until its first request sits on the hung server."""
    assert worker.sync_now()
    assert hung.requested.wait(10)


def test_a_booking_goes_through_while_the_sync_waits_on_a_hung_server(
    qtbot, writer, worker, hung, agent, schools, garderie
):
    family = validated_family(writer.store, agent, schools)
    ticket, activity = garderie
    open_till(writer.store, agent, 0)
    cash_sale(writer.store, agent, family, ticket, 2, 500)
    child_id = family.children[0].id
    _stuck(worker, hung)

    done = []
    writer.runner.submit(
        lambda: book_day(writer.store, agent, child_id, activity.id, MONDAY), done.append
    )
    qtbot.waitUntil(lambda: bool(done), timeout=PROMPTLY_MS)
    assert done[0].state == BookingState.BOOKED and done[0].changed
    assert worker.running  # the sync still waits on the server
    with writer.store.read() as session:
        booking = session.scalars(select(Booking).where(Booking.child_id == child_id)).one()
        assert (booking.day, booking.state) == (MONDAY, BookingState.BOOKED)
    # The booking's op waits for the next sync, with the desk's first upload.
    waiting = [row.type for row in pending_ops(writer.store, 100)]
    assert waiting.count(OpType.BOOKING_BOOK) == 1


def test_closing_the_window_during_a_hung_sync_does_not_wait_for_the_server(qtbot, writer, hung):
    window = MainWindow(writer)
    qtbot.addWidget(window)
    _stuck(window.sync_worker, hung)
    reports = []
    window.sync_worker.sync_finished.connect(reports.append)

    assert window.close()
    assert writer.runner.wait(PROMPTLY_MS)  # the closing backup ran; nothing waits on the network
    hung.close()  # the hung request fails; the stopped thread writes nothing and reports nothing
    window.sync_worker.thread.join(10)
    assert not window.sync_worker.thread.is_alive()
    qtbot.wait(50)  # a report it had sent would be delivered here
    assert reports == [] and not window.sync_worker.running
    assert sync_status(writer.store).last_error == ""  # never written by the stopped sync


def test_a_sync_through_the_writer_pushes_and_pulls(qtbot, ctx, device, memory_keyring):
    ctx.runner = TaskRunner()
    save_device(ctx.store, ctx.actor, str(device.http.base_url), device.device_id, device.token)
    worker = SyncWorker(ctx)
    with qtbot.waitSignal(worker.sync_finished, timeout=30_000) as finished:
        worker.sync_now()
    report = finished.args[0]
    assert report.ok and report.pushed == 3  # the town's first upload: its schools, its town
    status = sync_status(ctx.store)
    assert status.online and status.waiting_ops == 0 and status.last_error == ""
    assert ctx.runner.wait(PROMPTLY_MS)
