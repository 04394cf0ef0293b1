"""The restored state of a desk: a base put back from a backup (or found behind what the
server holds from it) writes nothing the server must hear of until the sync has reloaded the
server's state and moved its counters past the server's (services/syncing/restore.py).

`restore` (maintenance/backups.py) marks the file it puts back when that desk is registered
with a server; the sync marks a base it finds behind its own past. `Store.write` refuses any
unit of work that states a sync op while the mark is there (`refuse_while_restored`): the
counter and every writing screen show the French reason instead of saving. The sync itself
is not refused (it is what lifts the mark).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Setting
from eticket_desk.rules.errors import DomainError

# The marks of what a restored desk got back from the server at its reload
# (syncing/recovered_money.py): a receipt's sale (its `pricing_note`) and an invoice or
# credit note whose lines this desk never had (its `reason`, shown instead of the lines).
RECOVERED_SALE = "Quittance reprise du serveur après restauration"
RECOVERED_INVOICE = "Facture reprise du serveur : détail non disponible sur ce poste"
RESTORED = "sync.restored"  # {"since": "<when>", "reason": "backup" | "behind"}
REGISTERED = "sync.device_id"  # the setting a desk registered with a server has
RESTORED_MESSAGE = (
    "Poste restauré : rechargement des données du serveur avant toute nouvelle saisie. "
    "Synchronisez ce poste (F5) : la saisie reprend dès que les données du serveur sont "
    "rechargées."
)


class DeskRestored(DomainError):
    """A write refused while the restored desk has not reloaded the server's state."""

    def __init__(self) -> None:
        super().__init__(RESTORED_MESSAGE)


def restored_mark(session: Session) -> dict | None:
    raw = session.scalar(select(Setting.value).where(Setting.key == RESTORED))
    return json.loads(raw) if raw else None


def refuse_while_restored(session: Session) -> None:
    if restored_mark(session) is not None:
        raise DeskRestored()


RELOAD_AT_NEXT_SYNC = (
    "Ce poste est enregistré auprès du serveur : à sa prochaine synchronisation, il recharge "
    "les données du serveur (dont ce qu'il avait envoyé après cette sauvegarde) avant toute "
    "nouvelle saisie, et ne redonne aucun numéro de quittance ou de facture déjà donné."
)


def is_marked_restored(path: Path) -> bool:
    """Whether the base file waits for the server's state (read without opening a Store)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        found = connection.execute("SELECT 1 FROM setting WHERE key = ?", (RESTORED,))
        return found.fetchone() is not None
    finally:
        connection.close()


def mark_restored_file(path: Path, when: datetime, backup_name: str) -> bool:
    """Marks a base file being restored (closed, not yet in place) when its desk is
    registered with a server; returns whether it did."""
    connection = sqlite3.connect(path)
    try:
        registered = connection.execute(
            "SELECT 1 FROM setting WHERE key = ?", (REGISTERED,)
        ).fetchone()
        if registered is None:
            return False
        mark = {"since": when.isoformat(timespec="seconds"), "reason": "backup"}
        mark["backup"] = backup_name
        connection.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (RESTORED, json.dumps(mark)),
        )
        connection.commit()
        return True
    finally:
        connection.close()


def restore_pending(store) -> bool:
    """Whether this desk waits for the server's state before any new work (the banner; kept
    here, light to import: the main window asks it at start-up)."""
    with store.read() as session:
        return restored_mark(session) is not None
