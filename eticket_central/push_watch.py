"""What stops a push: the server too busy (Busy, 503), the desk gone or the push past its
deadline (Abandoned), and the Watch a push consults between chunks (and that cancels the
statement running when the desk hangs up)."""

from __future__ import annotations

import logging
import threading
import time

import psycopg

from eticket_central.answers import BUSY_DESK

_log = logging.getLogger(__name__)


class Busy(Exception):
    """The push could not get its locks or a connection in time: answered 503, the desk
    pushes the same ops again (what was committed comes back "duplicate")."""

    message = BUSY_DESK


class Abandoned(Exception):
    """The desk went away (or the push outlived its deadline): the chunk in progress is
    rolled back; the desk will push the same ops again."""

    message = "Synchronisation interrompue : elle reprendra d'elle-même."


class Watch:
    """Whether the push should stop: its deadline passed or its desk hung up. `abandon()`
    (from the request's event loop) also cancels the statement running at that moment, so
    a push waiting on a lock for a desk that left stops at once."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.gone = False
        self._connection = None
        self._lock = threading.Lock()

    def stopped(self) -> bool:
        return self.gone or time.monotonic() > self.deadline

    def attach(self, connection) -> None:
        """The connection of the chunk running (None: between chunks)."""
        with self._lock:
            self._connection = connection

    def abandon(self) -> None:
        """Under the lock: a chunk cannot hand its connection back meanwhile."""
        with self._lock:
            self.gone = True
            if self._connection is not None:
                try:
                    self._connection.cancel_safe(timeout=5)
                except psycopg.Error:
                    _log.warning("could not cancel an abandoned push", exc_info=True)
