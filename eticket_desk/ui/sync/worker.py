"""The sync worker: one `run_sync` every 60 s and on « Synchroniser maintenant », through
the task runner, never two at once; then it announces what pulled changes may affect."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from eticket_desk.services.changes import Topic
from eticket_desk.services.sync_status import run_sync
from eticket_desk.ui.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000
# What pulled changes or undone rejections may affect, so open screens reload.
CHANGED_TOPICS = (Topic.BOOKINGS, Topic.FAMILIES, Topic.SALES, Topic.INVOICES)


class SyncWorker(QObject):
    """Submits one sync at a time; a tick that comes while one runs is skipped."""

    sync_finished = Signal(object)  # SyncReport | None (None: not configured)
    sync_failed = Signal(object)  # an unexpected exception (network trouble is in the report)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def sync_now(self) -> bool:
        """Starts a sync at once; False when one is already running."""
        if self.running:
            return False
        self.running = True
        store = self._ctx.store
        self._ctx.runner.submit(lambda: run_sync(store), self._on_sync_done, self._on_sync_error)
        return True

    def _on_timer_timeout(self) -> None:
        self.sync_now()

    def _on_sync_done(self, report) -> None:
        self.running = False
        changed = report is not None and (report.pulled or report.rejected or report.full_reload)
        # "sync" always (the status bar, the issues panel); the rest only when data moved.
        self._ctx.bus.announce(Topic.SYNC, *(CHANGED_TOPICS if changed else ()))
        self.sync_finished.emit(report)

    def _on_sync_error(self, exc: BaseException) -> None:
        self.running = False
        log.error("sync failed: %r", exc)
        self._ctx.bus.announce(Topic.SYNC)
        self.sync_failed.emit(exc)
