"""The desk's sync with the central server: the HTTP client and `sync_once` (push, then pull).

Qt-free and thread-free: `sync_once(store, client, run_local=...)` does the HTTP calls on the
thread that calls it and hands every step that touches the local database (the next outbox
batch, a push's answers, the pulled changes, the status) to `run_local`, which runs it and
returns its value. The CLI runs them directly; the UI's sync thread hands them to the single
writer and waits, so a hung network never holds the writer. Push sends the outbox in device order, in batches; a 5xx
or a timeout is retried with the same ops (the server answers "duplicate" for what it had
already committed). Pull reads every page after the stored cursor, then applies them all in
ONE local transaction that also moves the cursor; a full reload is done only once the outbox
is empty.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TypeVar

import httpx
from pydantic import ValidationError

from eticket_desk.sync.protocol import (
    OpResult,
    OpStatus,
    OpType,
    PullResponse,
    PushResponse,
    RejectCode,
    SnapshotPage,
    french_errors,
    make_op,
)

T = TypeVar("T")
# Runs one local step (a short database task) and returns its value.
LocalRunner = Callable[[Callable[[], T]], T]


def run_directly(step: Callable[[], T]) -> T:
    """The CLI's and the tests' local runner: the step runs on the calling thread."""
    return step()


PUSH_BATCH = 500
# A form's op carries up to a year of days, each judged by the server: a push is cut at about
# this many days so that its answer comes well within the timeout (a town's first upload is
# thousands of forms).
MAX_DAYS_PER_PUSH = 4000
PULL_PAGE = 1000
SNAPSHOT_ENTITIES = (
    "organisation",
    "school",
    "school_year",
    "activity",
    "ticket_type",
    "tariff",
    "family",
    "wallet_entry",
    "payment",
    "booking",
    "subscription",
)


class SyncError(Exception):
    """The sync could not be done; `message` is French, for the status bar."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SyncOffline(SyncError):
    """The server did not answer (network, timeout, 5xx after the retries)."""


class SyncRefused(SyncError):
    """The server refused the request itself (401, 403, 422): retrying will not help."""


class SyncClient:
    """HTTP calls of one desk device; `transport` lets a test route them elsewhere."""

    def __init__(
        self,
        base_url: str,
        device_id: uuid.UUID,
        token: str,
        *,
        timeout: float = 30.0,  # the server gives up on a push at 25 s (app.Settings)
        retries: int = 3,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.device_id = device_id
        self.retries, self.backoff = retries, backoff
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * attempt)
            try:
                answer = self.http.request(method, url, **kwargs)
            except httpx.TransportError as error:  # refused, reset, timeout…
                last = f"le serveur ne répond pas ({type(error).__name__})"
                continue
            if answer.status_code == 503:  # busy, or the push outlived its deadline
                last = "le serveur est très occupé, la synchronisation reprendra d'elle-même"
                continue
            if answer.status_code >= 500:
                last = f"erreur du serveur ({answer.status_code})"
                continue
            if answer.status_code == 413:
                raise TooLarge(_refusal(answer))
            if answer.status_code >= 400:
                raise SyncRefused(_refusal(answer))
            return answer
        raise SyncOffline(f"Hors ligne : {last}.")

    def push(self, ops: list) -> PushResponse:
        body = {
            "device_id": str(self.device_id),
            "ops": [op.model_dump(mode="json") for op in ops],
        }
        return PushResponse.model_validate(self._send("POST", "/sync/push", json=body).json())

    def desk_number(self) -> int:
        """This desk's number in its commune (its dossiers are numbered in its own block)."""
        return int(self._send("GET", "/sync/device").json()["number"])

    def pull(self, since: int, limit: int = PULL_PAGE) -> PullResponse:
        answer = self._send("GET", "/sync/pull", params={"since": since, "limit": limit})
        return PullResponse.model_validate(answer.json())

    def snapshot(self, entity: str, after: str | None = None) -> SnapshotPage:
        params = {"entity": entity, "limit": PULL_PAGE}
        if after is not None:
            params["after"] = after
        return SnapshotPage.model_validate(
            self._send("GET", "/sync/snapshot", params=params).json()
        )


class TooLarge(SyncRefused):
    """The server refuses a request this big (413): a push sends fewer ops at a time."""


def _refusal(answer: httpx.Response) -> str:
    try:
        detail = answer.json().get("detail", "")
    except ValueError:
        detail = ""
    if answer.status_code == 401:
        return "Ce poste n'est pas reconnu par le serveur : enregistrez-le à nouveau."
    return f"Le serveur a refusé la synchronisation ({answer.status_code}) : {detail}".strip()


@dataclass
class SyncReport:
    """What one `sync_once` did (the status bar shows the counts and the error)."""

    pushed: int = 0
    duplicates: int = 0  # answers "already applied" (a retry after a lost reply)
    rejected: int = 0
    pulled: int = 0
    full_reload: bool = False
    error: str = ""
    finished_at: datetime | None = None
    rejected_labels: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error


def _wire_ops(rows) -> tuple[list, list, list[OpResult]]:
    """The ops to send, and the rows the protocol itself refuses (answered here, never sent:
    one bad op must not block the outbox)."""
    ops, sent, refused = [], [], []
    for row in rows:
        try:
            ops.append(make_op(OpType(row.type), json.loads(row.payload), row.seq, row.op_id))
            sent.append(row)
        except ValidationError as error:
            message = "Opération refusée par ce poste : " + " ; ".join(french_errors(error))
            refused.append(_refused(row, message))
    return ops, sent, refused


def _refused(row, message: str) -> OpResult:
    """A row answered here as if the server had refused it (INVALID_OP): set aside."""
    return OpResult(
        op_id=row.op_id,
        seq=row.seq,
        status=OpStatus.REJECTED,
        code=RejectCode.INVALID_OP,
        message=message[:1000],
    )


def weighed(rows: list) -> list:
    """The first rows of a batch whose days (a form's op counts its days, any other op one)
    stay within MAX_DAYS_PER_PUSH; at least one row."""
    kept, days = [], 0
    for row in rows:
        weight = 1
        if row.type == OpType.BOOKINGS_APPLY:
            payload = json.loads(row.payload)
            weight = max(1, sum(len(payload.get(k, [])) for k in ("book", "wait", "cancel")))
        if kept and days + weight > MAX_DAYS_PER_PUSH:
            break
        kept.append(row)
        days += weight
    return kept


def _next_batch(store, limit: int) -> list:
    from eticket_desk.sync import apply

    return weighed(apply.pending_ops(store, limit))


def _record(store, rows: list, results) -> tuple[list[str], int]:
    from eticket_desk.sync import apply

    return apply.record_answers(store, rows, results)


def push_outbox(
    store, client: SyncClient, report: SyncReport, run_local: LocalRunner = run_directly
) -> None:
    """Sends the outbox in batches; a batch the server finds too big (413) goes again in
    halves, and one op too big on its own is set aside as refused (the rest goes on)."""
    batch = PUSH_BATCH
    while True:
        rows = run_local(partial(_next_batch, store, batch))
        if not rows:
            return
        ops, sent, refused = _wire_ops(rows)
        if refused:
            report.rejected_labels += run_local(partial(_record, store, rows, refused))[0]
            report.rejected += len(refused)
        if not ops:
            continue
        try:
            answer = client.push(ops)
        except TooLarge:
            if len(ops) > 1:
                batch = max(1, len(ops) // 2)
                continue
            too_big = [_refused(sent[0], "Opération trop volumineuse pour le serveur.")]
            report.rejected_labels += run_local(partial(_record, store, sent, too_big))[0]
            report.rejected += 1
            continue
        rejected, duplicates = run_local(partial(_record, store, sent, answer.results))
        report.pushed += len(answer.results)
        report.duplicates += duplicates
        report.rejected += len(rejected)
        report.rejected_labels += rejected
        if len(answer.results) < len(sent):
            return  # the server answered part of the batch: the rest goes next time


def _apply_pulled(store, device_id: uuid.UUID, changes: list, cursor: int) -> int:
    """The pulled changes in one local transaction (with the cursor), then the waiting lists
    of the seats they freed."""
    from eticket_desk.sync import pull_apply

    freed: list = []
    applied = pull_apply.apply_changes(store, device_id, changes, cursor, freed)
    pull_apply.serve_waiting_lists(store, freed)
    return applied


def pull_changes(
    store, client: SyncClient, report: SyncReport, run_local: LocalRunner = run_directly
) -> None:
    from eticket_desk.sync import apply

    since = run_local(partial(apply.read_cursor, store))
    changes = []
    while True:
        page = client.pull(since)
        if page.full_reload:
            if run_local(partial(apply.pending_ops, store, 1)):
                raise SyncError(
                    "Le serveur demande un rechargement complet : il se fera quand toutes "
                    "les opérations de ce poste auront été envoyées."
                )
            _full_reload(store, client, report, run_local)
            return
        changes += page.changes
        since = page.cursor
        if not page.more:
            break
    report.pulled += run_local(partial(_apply_pulled, store, client.device_id, changes, since))


def _full_reload(store, client: SyncClient, report: SyncReport, run_local: LocalRunner) -> None:
    from eticket_desk.sync import pull_apply

    items, resume = [], 0
    for entity in SNAPSHOT_ENTITIES:
        after = None
        while True:
            page = client.snapshot(entity, after)
            items += page.items
            resume = max(resume, page.resume_cursor)
            if page.after is None:
                break
            after = page.after
    report.full_reload = True
    step = partial(pull_apply.apply_changes, store, client.device_id, items, resume)
    report.pulled += run_local(step)


def sync_once(store, client: SyncClient, run_local: LocalRunner = run_directly) -> SyncReport:
    """Push the outbox, then pull; never raises for a network or server trouble (it is in
    the report and in the sync status). The HTTP calls run here; each local step goes
    through `run_local` (see the module's docstring)."""
    from eticket_desk.sync import apply

    report, online = SyncReport(), True
    try:
        push_outbox(store, client, report, run_local)
        pull_changes(store, client, report, run_local)
        if run_local(partial(apply.stored_desk_number, store)) is None:
            # once: the block of its new dossiers
            run_local(partial(apply.store_desk_number, store, client.desk_number()))
    except SyncError as error:
        report.error = error.message
        online = not isinstance(error, SyncOffline)
    report.finished_at = store.clock.now()
    run_local(partial(apply.write_status, store, report, online=online))
    return report
