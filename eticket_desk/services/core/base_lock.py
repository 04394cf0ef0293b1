"""Which program has a database open: while the window runs it holds an OS lock on
`<base>.lock` (released by the system if the program dies), so a second window on the same
base is refused, and `restore` will not replace a base that is in use. The file goes when
the lock is released; one left by a program that died is taken over by the next."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from eticket_desk.rules.errors import DomainError


class BaseInUse(DomainError):
    """The base is open in the program (on this computer)."""


def lock_path(database: Path | str) -> Path:
    return Path(f"{database}.lock")


class HeldBase:
    """The lock of one base, held until `release()` (which also removes the file)."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock
        self._path = Path(lock.lock_file)
        self._identity = _identity(self._path)

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        if sys.platform != "win32" and _identity(self._path) == self._identity:
            # Unix: the name goes while the lock is still held. A program that opened the
            # file meanwhile and then gets its lock sees a file without a name (filelock checks
            # it) and starts again on a new file, so two programs never both hold the base.
            self._path.unlink(missing_ok=True)
        # Windows: an open file cannot be deleted; filelock closes it, then deletes it (or
        # leaves it when another program has it open, waiting for the lock: it is then theirs).
        self._lock.release()

    def __enter__(self) -> HeldBase:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def hold(database: Path | str) -> HeldBase:
    """Takes the base for this program until `release()`; raises BaseInUse when taken."""
    lock = FileLock(lock_path(database), is_singleton=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BaseInUse(
            f"La base {Path(database).name} est déjà ouverte dans eTicket Guichet sur cet "
            "ordinateur : utilisez la fenêtre déjà ouverte (ou fermez-la d'abord)."
        ) from None
    return HeldBase(lock)


def ensure_free(database: Path | str) -> None:
    """Raises BaseInUse when the program has the base open (restore checks this first)."""
    if not Path(database).exists():
        return
    try:
        hold(database).release()
    except BaseInUse:
        raise BaseInUse(
            f"La base {Path(database).name} est ouverte dans eTicket Guichet : fermez le "
            "programme sur cet ordinateur, puis recommencez la restauration."
        ) from None
