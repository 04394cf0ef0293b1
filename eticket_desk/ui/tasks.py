"""The single-writer task queue: service calls run off the GUI thread, one at a time.

SQLite has one writer, so every write goes through one worker thread in submission order;
results come back on the GUI thread. Reads go the same way: a screen shows at once and fills
when its answer is back (tests/test_reads_follow_one_model.py checks ui/ for a service given
the store outside `submit` / `write` / `call`). Tests use `ImmediateRunner`, which runs at once.
A thread of its own (the sync thread, which waits on the network) hands its database steps
to the writer with `call` and waits for their value; the writer itself never waits.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class _Relay(QObject):
    finished = Signal(object, object)  # (callback, value)


class _Task(QRunnable):
    def __init__(
        self,
        fn: Callable[[], Any],
        relay: _Relay,
        on_done: Callback | None,
        on_error: Callback | None,
    ) -> None:
        super().__init__()
        self.fn, self.relay, self.on_done, self.on_error = fn, relay, on_done, on_error

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # handed to the GUI thread, which shows it
            log.debug("task failed: %s", traceback.format_exc())
            self.relay.finished.emit(self.on_error, exc)
        else:
            self.relay.finished.emit(self.on_done, value)


class TaskRunner(QObject):
    """Runs service calls on one worker thread and calls back on the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        self._pool.start(_Task(fn, self._relay, on_done, on_error))

    def call(self, fn: Callable[[], Any]) -> Any:
        """Runs `fn` on the writer, in its turn, and returns its value (or raises its error)
        on the calling thread, which must be neither the GUI's nor the writer's."""
        done, outcome = threading.Event(), {}

        def task() -> None:
            try:
                outcome["value"] = fn()
            except BaseException as exc:  # raised again on the calling thread
                outcome["error"] = exc
            finally:
                done.set()

        self.submit(task)
        done.wait()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def wait(self, msecs: int = 30_000) -> bool:
        return self._pool.waitForDone(msecs)

    @staticmethod
    def _on_relay_finished(callback: Callback | None, value: Any) -> None:
        if callback is not None:
            callback(value)
        elif isinstance(value, Exception):
            log.error("unhandled task error: %r", value)


class ImmediateRunner(TaskRunner):
    """Runs the call at once on the calling thread (tests, scripts, screenshots)."""

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callback | None = None,
        on_error: Callback | None = None,
    ) -> None:
        try:
            value = fn()
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
        else:
            if on_done is not None:
                on_done(value)
