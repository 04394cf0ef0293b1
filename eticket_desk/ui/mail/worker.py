"""The mail worker: every 60 s (and on « Envoyer maintenant »), on a thread of its own, it
queues the kitchen's meal orders whose deadline passed, then sends what is due in the queue
(services/mail/sender.py). Like the sync worker, the SMTP conversation stays on that thread
and every database step goes to the writer queue (`TaskRunner.call`), so a slow relay never
delays a click; never two rounds at once; `stop()` makes the thread give up between two
messages (« Arrêter »), never joined. It announces what the round changed (Topic.MAIL and
the families whose messages moved) and reports progress (done, total) for a bulk sending."""

from __future__ import annotations

import logging
import threading
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from eticket_desk.services.core.changes import Topic
from eticket_desk.services.mail.meal_order import queue_due_meal_orders
from eticket_desk.services.mail.sender import send_pending
from eticket_desk.services.mail.testing import desk_transport
from eticket_desk.ui.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000


class MailWorker(QObject):
    round_finished = Signal(object)  # SendReport | None (None: the mail is not configured)
    round_failed = Signal(object)
    progressed = Signal(int, int)  # messages sent or tried, of those due
    _thread_done = Signal(object, object)
    _thread_progress = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.running = False
        self._stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self._thread_done.connect(self._on_thread_done)
        self._thread_progress.connect(self.progressed)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        """No more ticks; the round under way stops before its next message."""
        self.timer.stop()
        self._stopped.set()

    def stop_round(self) -> None:
        """« Arrêter »: the round under way stops before its next message (ticks go on)."""
        self._stopped.set()

    def send_now(self) -> bool:
        """Starts a round at once; False when one is already running."""
        if self.running:
            return False
        self.running = True
        self._stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._run, args=(self._stopped,), name="eticket-mail", daemon=True
        )
        self.thread.start()
        return True

    def _run(self, stopped: threading.Event) -> None:
        store, call = self._ctx.store, self._ctx.runner.call
        report, error = None, None
        try:
            call(partial(queue_due_meal_orders, store))
            transport = call(partial(desk_transport, store))
            if transport is not None:
                report = send_pending(
                    store,
                    transport,
                    should_stop=stopped.is_set,
                    progress=self._thread_progress.emit,
                    run_local=call,
                )
        except Exception as exc:  # handed to the GUI thread, which logs it
            error = exc
        try:
            self._thread_done.emit(report, error)
        except RuntimeError:  # the worker was deleted meanwhile
            log.debug("mail round finished after its worker was deleted")

    def _on_timer_timeout(self) -> None:
        self.send_now()

    def _on_thread_done(self, report, error) -> None:
        self.running = False
        if error is not None:
            log.error("mail round failed: %r", error)
            self._ctx.bus.announce(Topic.MAIL)
            self.round_failed.emit(error)
            return
        self._ctx.bus.announce(*(report.changed if report is not None else [Topic.MAIL]))
        self.round_finished.emit(report)
