"""The sync worker: one sync every 60 s and on « Synchroniser maintenant », never two at
once; then it announces what the sync changed here (the report's `changed`: the topics the
server's answers and the pulled changes touched), and always `Topic.SYNC`.

The network stays off the writer: each sync runs `run_sync` on a daemon thread of its own,
which does the HTTP calls and hands every database step (the settings, the next outbox
batch, a push's answers, the pulled changes, the status) to the writer queue as a short
task, waiting for its value (`TaskRunner.call`). A booking made while a request hangs waits
for no network. `stop()` (closing the window, logging out) tells that thread to give up: it
is never joined; its next database step is refused and its report is dropped, and the HTTP
timeouts end its last request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from eticket_desk.services.core.changes import Topic
from eticket_desk.ui.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000


class SyncStopped(Exception):
    """The worker was stopped: the sync thread touches the database no more."""


class _LocalSteps:
    """The sync thread's local runner: each step runs on the writer, unless stopped."""

    def __init__(self, ctx: AppContext, stopped: threading.Event) -> None:
        self._ctx, self.stopped = ctx, stopped

    def __call__(self, step: Callable[[], Any]) -> Any:
        self._check()
        return self._ctx.runner.call(lambda: self._check() or step())

    def _check(self) -> None:
        """Refuses a step once stopped (also one stopped while it waited in the queue)."""
        if self.stopped.is_set():
            raise SyncStopped()


class SyncWorker(QObject):
    """Starts one sync thread at a time; a tick that comes while one runs is skipped."""

    sync_finished = Signal(object)  # SyncReport | None (None: not configured)
    sync_failed = Signal(object)  # an unexpected exception (network trouble is in the report)
    _thread_done = Signal(object, object)  # (report, error) from the sync thread

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.running = False
        self._steps: _LocalSteps | None = None
        self.thread: threading.Thread | None = None  # the last sync's (never joined here)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self._thread_done.connect(self._on_thread_done)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        """No more ticks; a sync under way is told to give up (and is not waited for)."""
        self.timer.stop()
        if self._steps is not None:
            self._steps.stopped.set()
        self.running = False

    def sync_now(self) -> bool:
        """Starts a sync at once; False when one is already running."""
        if self.running:
            return False
        self.running = True
        self._steps = _LocalSteps(self._ctx, threading.Event())
        self.thread = threading.Thread(
            target=self._run, args=(self._steps,), name="eticket-sync", daemon=True
        )
        self.thread.start()
        return True

    def _run(self, steps: _LocalSteps) -> None:
        """The sync thread: the network here, the database through the writer."""
        # Imported here for start-up time: the sync cycle loads httpx and the wire schemas,
        # which the window does not need until its first sync.
        from eticket_desk.services.syncing.cycle import run_sync

        report, error = None, None
        try:
            report = run_sync(self._ctx.store, run_local=steps)
        except SyncStopped:
            return
        except Exception as exc:  # handed to the GUI thread, which logs and shows it
            error = exc
        if steps.stopped.is_set():
            return  # the window is closing: nobody waits for this report
        try:
            self._thread_done.emit(report, error)
        except RuntimeError:  # the worker was deleted meanwhile
            log.debug("sync finished after its worker was deleted")

    def _on_timer_timeout(self) -> None:
        self.sync_now()

    def _on_thread_done(self, report, error) -> None:
        if error is not None:
            self._on_sync_error(error)
        else:
            self._on_sync_done(report)

    def _on_sync_done(self, report) -> None:
        self.running = False
        changed = report.changed if report is not None else ()
        # "sync" always (the status bar, the issues panel); the rest only what data moved.
        self._ctx.bus.announce(Topic.SYNC, *changed)
        self.sync_finished.emit(report)

    def _on_sync_error(self, exc: BaseException) -> None:
        self.running = False
        log.error("sync failed: %r", exc)
        self._ctx.bus.announce(Topic.SYNC)
        self.sync_failed.emit(exc)
