"""Which program has a database open: while the window runs it holds an OS lock on
`<base>.lock` (released by the system if the program dies), so a second window on the same
base is refused, and `restore` will not replace a base that is in use."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from eticket_desk.rules.errors import DomainError


class BaseInUse(DomainError):
    """The base is open in the program (on this computer)."""


def lock_path(database: Path | str) -> Path:
    return Path(f"{database}.lock")


def hold(database: Path | str) -> FileLock:
    """Takes the base for this program until `release()`; raises BaseInUse when taken."""
    lock = FileLock(lock_path(database), is_singleton=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise BaseInUse(
            f"La base {Path(database).name} est déjà ouverte dans eTicket Guichet sur cet "
            "ordinateur : utilisez la fenêtre déjà ouverte (ou fermez-la d'abord)."
        ) from None
    return lock


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
