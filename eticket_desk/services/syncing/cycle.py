"""One sync cycle (`sync_once`): push the outbox, record the server's answers, pull, apply
what was pulled, and say what it changed here; `run_sync` runs one with this desk's client.

The HTTP calls go through the port (sync/client.py) on the thread that calls `sync_once`;
every step that touches the local database (the next outbox batch, a push's answers, the
pulled changes, the status) is handed to `run_local`, which runs it and returns its value.
The CLI runs them directly; the UI's sync thread hands them to the single writer and waits,
so a hung network never holds the writer. The pulled pages are applied in ONE local
transaction that also moves the cursor; a full reload is done only once the outbox is empty.
After the push, each sync reads what the server holds from this desk (its number, its ops,
its last numbers): a desk restored from a backup, or behind its own past, reloads the whole
snapshot (its own changes included) instead of pulling, rebuilds the receipts, invoices and
credit notes only the server held from it, and moves its counters past the server's before
any new work (restore.py, recovered_money.py).
After the pull or reload, a family's wallet gone below zero raises a sync notice (wallet_notices.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.core.store import Store
from eticket_desk.services.syncing.answers import record_answers
from eticket_desk.services.syncing.pulled import apply_changes, serve_waiting_lists
from eticket_desk.services.syncing.restore import (
    RESTORE_CHANGES,
    check_device,
    finish_restore,
)
from eticket_desk.services.syncing.state import pending_ops, read_cursor, write_status
from eticket_desk.services.syncing.status import KeyringUnavailable, device_token, load_device
from eticket_desk.services.syncing.wallet_notices import raise_wallet_notices
from eticket_desk.sync.client import (
    SyncClient,
    SyncError,
    SyncOffline,
    SyncReport,
    push_outbox,
)

T = TypeVar("T")
# Runs one local step (a short database task) and returns its value.
LocalRunner = Callable[[Callable[[], T]], T]


def run_directly(step: Callable[[], T]) -> T:
    """The CLI's and the tests' local runner: the step runs on the calling thread."""
    return step()


def make_client(store: Store, **options) -> SyncClient | None:
    """The HTTP client of this desk, or None while the sync is not configured."""
    device = load_device(store)
    if device.keyring_error:
        raise KeyringUnavailable()
    if not device.configured:
        return None
    return SyncClient(
        device.server_url,
        device.device_id,
        device_token(device.device_id),
        clock=store.clock,
        **options,
    )


def run_sync(
    store: Store, client: SyncClient | None = None, run_local: LocalRunner | None = None
) -> SyncReport | None:
    """One sync (the CLI, the worker's timer and « Synchroniser maintenant »); None if not
    configured. `run_local` runs each step that touches the database (reading the settings
    and the keyring included); by default on the calling thread (see the module's docstring)."""
    run_local = run_local or run_directly
    own = client is None
    client = client or run_local(partial(make_client, store))
    if client is None:
        return None
    try:
        return sync_once(store, client, run_local)
    finally:
        if own:
            client.close()


class _DeskOutbox:
    """The desk's side of a push for the port (sync.client.Outbox): each call is a local
    step; what the answers changed here is gathered in `changed`."""

    def __init__(self, store, run_local: LocalRunner) -> None:
        self.store, self.run_local = store, run_local
        self.changed: set[Change] = set()

    def waiting(self, limit: int, after: int = -1) -> list:
        return self.run_local(partial(pending_ops, self.store, limit, after))

    def record(self, rows: list, results: list) -> tuple[list[str], int]:
        answers = self.run_local(partial(record_answers, self.store, rows, results))
        self.changed |= answers.changed
        return answers.rejected, answers.duplicates


def sync_once(store, client: SyncClient, run_local: LocalRunner = run_directly) -> SyncReport:
    """Push the outbox, then pull; never raises for a network or server trouble (it is in
    the report and in the sync status). The report's `changed` says what the answers and
    the pulled changes changed here."""
    report, online = SyncReport(), True
    outbox = _DeskOutbox(store, run_local)
    changed: set[Change] = set()
    try:
        push_outbox(client, outbox, report)
        state = client.device_state()
        if state.clock_trusted is not None:  # measured at every sync, pushed or not
            report.clock_offset_s, report.clock_trusted = state.clock_offset_s, state.clock_trusted
        if run_local(partial(check_device, store, state)).restored:
            changed |= _reload_restored(store, client, report, run_local, state)
        else:
            changed |= _pull(store, client, report, run_local)
        if run_local(partial(raise_wallet_notices, store)):
            changed.add(Topic.SYNC)  # a wallet gone negative: a new sync issue
    except SyncError as error:
        report.error = error.message
        online = not isinstance(error, SyncOffline)
    report.changed = frozenset(changed | outbox.changed)
    report.finished_at = store.clock.now()
    run_local(partial(write_status, store, report, online=online))
    return report


def _reload_restored(
    store, client: SyncClient, report: SyncReport, run_local: LocalRunner, state
) -> set[Change]:
    """A restored desk: the whole snapshot, its own changes included, then its counters
    past the server's and the mark lifted (restore.py); the notice is a sync issue."""
    changed, items = _reload(
        store,
        client,
        report,
        run_local,
        "Poste restauré : le rechargement des données du serveur se fera quand toutes les "
        "opérations de ce poste auront été envoyées (synchronisez à nouveau).",
    )
    run_local(partial(finish_restore, store, state, items))
    return changed | RESTORE_CHANGES


def _reload(
    store, client: SyncClient, report, run_local: LocalRunner, waiting: str
) -> tuple[set[Change], list]:
    """The whole snapshot applied here (every change, this desk's own included: a snapshot's
    items name no device), once the outbox is empty; returns what it changed and its items."""
    if run_local(partial(pending_ops, store, 1)):
        raise SyncError(waiting)
    snapshot = client.snapshot_all()
    report.full_reload = True
    step = partial(apply_changes, store, client.device_id, snapshot.changes, snapshot.cursor)
    pulled = run_local(step)
    report.pulled += pulled.applied
    return pulled.changed, snapshot.changes


def _pull(store, client: SyncClient, report: SyncReport, run_local: LocalRunner) -> set[Change]:
    """Reads every page after the stored cursor and applies them (or the whole snapshot,
    when the server asks for a full reload); returns what they changed here."""
    pages = client.pull_since(run_local(partial(read_cursor, store)))
    if pages.full_reload:
        changed, _ = _reload(
            store,
            client,
            report,
            run_local,
            "Le serveur demande un rechargement complet : il se fera quand toutes "
            "les opérations de ce poste auront été envoyées.",
        )
        return changed
    step = partial(_apply_pulled, store, client.device_id, pages.changes, pages.cursor)
    applied, changed = run_local(step)
    report.pulled += applied
    return changed


def _apply_pulled(
    store, device_id: uuid.UUID, changes: list, cursor: int
) -> tuple[int, set[Change]]:
    """The pulled changes in one local transaction (with the cursor), then the waiting lists
    of the seats they freed."""
    pulled = apply_changes(store, device_id, changes, cursor)
    return pulled.applied, pulled.changed | serve_waiting_lists(store, pulled.freed)
