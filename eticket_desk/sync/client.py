"""The port to the central server: the desk's HTTP client (retries, the outbox pushed in
batches, the pulled pages and snapshots read), and what one sync did (`SyncReport`).

Qt-free and database-free: the sync cycle (services/syncing/cycle.py) calls it on its own
thread and gives it the desk's side of a push (`Outbox`: the next batch, the
answers recorded), each a short local step. Push sends the outbox in device order, in
batches; a 5xx or a timeout is retried with the same ops (the server answers "duplicate" for
what it had already committed); a batch the server finds too big (413) goes again in halves.
Each op is validated by the protocol before it leaves (one it refuses is answered here), then
sent as the outbox stored it: the push's JSON is written around each payload's stored text.
Pull reads every page after a cursor; a full reload reads every entity's snapshot. A push
says when it was sent by the desk's clock (injected): its answer gives the clock offset the
server measured (SyncReport.clock_offset_s).
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import httpx
from pydantic import ValidationError

from eticket_desk.clock import Clock
from eticket_desk.sync.device_state import DeviceState
from eticket_desk.sync.protocol import (
    OP_MODELS,
    OpResult,
    OpStatus,
    OpType,
    PullResponse,
    PushResponse,
    RejectCode,
    SnapshotPage,
    french_errors,
)

PUSH_BATCH = 500
# A form's op carries up to a year of days, each judged by the server: a push is cut at about
# this many days so that its answer comes well within the timeout (a town's first upload is
# thousands of forms).
MAX_DAYS_PER_PUSH = 4000
PULL_PAGE = 1000
_JSON = "application/json"
SNAPSHOT_ENTITIES = (
    "organisation",
    "school",
    "school_year",
    "activity",
    "ticket_type",
    "tariff",
    "family",
    "document",  # a parent's document (its bytes are fetched when the agent opens it)
    "message",  # the mairie's messages for the portal
    "wallet_entry",
    "invoice",  # before the payments: a restored desk gets its invoices back (no pull applies it)
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
        clock: Clock | None = None,
    ) -> None:
        self.device_id = device_id
        self.clock = clock  # the desk's: each push says when it was sent (None: it does not)
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

    def push(self, ops: list[str]) -> PushResponse:
        """Sends ops already written as the wire's JSON (one text per op, see `wire_op`),
        with the desk's time (`sent_at`: the server measures the desk's clock offset)."""
        sent = f'"sent_at": "{self.clock.now().isoformat()}", ' if self.clock else ""
        body = f'{{"device_id": "{self.device_id}", {sent}"ops": [{", ".join(ops)}]}}'
        answer = self._send(
            "POST", "/sync/push", content=body.encode(), headers={"Content-Type": _JSON}
        )
        return PushResponse.model_validate_json(answer.content)

    def device_state(self) -> DeviceState:
        """This desk's number in its commune and what the server holds from it (its last op
        seq and numbers: a desk restored from a backup sees it is behind its own past), and
        its clock offset the server measured now (the desk's time sent as `sent_at`)."""
        params = {"sent_at": self.clock.now().isoformat()} if self.clock else {}
        answer = self._send("GET", "/sync/device", params=params)
        return DeviceState.model_validate_json(answer.content)

    def pull(self, since: int, limit: int = PULL_PAGE) -> PullResponse:
        answer = self._send("GET", "/sync/pull", params={"since": since, "limit": limit})
        return PullResponse.model_validate_json(answer.content)

    def document(self, document_id: uuid.UUID) -> bytes:
        """The bytes of a document a parent sent (fetched when an agent opens it)."""
        return self._send("GET", f"/sync/documents/{document_id}").content

    def snapshot(self, entity: str, after: str | None = None) -> SnapshotPage:
        params = {"entity": entity, "limit": PULL_PAGE}
        if after is not None:
            params["after"] = after
        return SnapshotPage.model_validate_json(
            self._send("GET", "/sync/snapshot", params=params).content
        )

    def pull_since(self, since: int) -> PulledPages:
        """Every page after `since`; stops at once when the server asks for a full reload."""
        changes = []
        while True:
            page = self.pull(since)
            if page.full_reload:
                return PulledPages([], since, full_reload=True)
            changes += page.changes
            since = page.cursor
            if not page.more:
                return PulledPages(changes, since)

    def snapshot_all(self) -> PulledPages:
        """Every entity as the server holds it (a full reload), and the cursor to resume at."""
        items, resume = [], 0
        for entity in SNAPSHOT_ENTITIES:
            after = None
            while True:
                page = self.snapshot(entity, after)
                items += page.items
                resume = max(resume, page.resume_cursor)
                if page.after is None:
                    break
                after = page.after
        return PulledPages(items, resume)


@dataclass
class PulledPages:
    """What a pull read: the changes (or a snapshot's items) and the cursor after them; or
    only the server's request for a full reload."""

    changes: list
    cursor: int
    full_reload: bool = False


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
    # The desk's clock offset the server measured at the last push (seconds, server − desk)
    # and whether it trusts that clock (None: no push answered this time).
    clock_offset_s: int | None = None
    clock_trusted: bool | None = None
    # What the sync changed on the desk, as the local side names it (the topics of
    # services/core/changes.py): the open screens showing it reload.
    changed: frozenset = field(default_factory=frozenset)

    @property
    def ok(self) -> bool:
        return not self.error


def wire_op(row) -> str:
    """An outbox row as the wire's JSON: its payload is the text the outbox stored, as is."""
    op_type = OpType(row.type)
    made, author = getattr(row, "created_at", None), getattr(row, "made_by", "")
    made_at = f'"made_at": "{made.isoformat()}", ' if made is not None else ""
    made_by = f'"made_by": {json.dumps(author, ensure_ascii=False)}, ' if author else ""
    return (
        f'{{"op_id": "{row.op_id}", "seq": {int(row.seq)}, "type": "{op_type.value}", '
        f'{made_at}{made_by}"payload": {row.payload}}}'
    )


def wire_batch(rows) -> tuple[list[str], list, list[OpResult]]:
    """The first rows of a batch whose days (a form's op counts its days, any other op one)
    stay within MAX_DAYS_PER_PUSH, at least one: the ops to send (the wire's JSON, each
    validated by the protocol first), the rows sent, and those the protocol itself refuses
    (answered here, never sent: one bad op must not block the outbox)."""
    ops, sent, refused, days = [], [], [], 0
    for row in rows:
        text = wire_op(row)
        try:
            op = OP_MODELS[OpType(row.type)].model_validate_json(text)
        except ValidationError as error:
            op, weight = None, _stored_days(row)
            message = "Opération refusée par ce poste : " + " ; ".join(french_errors(error))
        else:
            weight = _days(op.payload) if row.type == OpType.BOOKINGS_APPLY else 1
        if (sent or refused) and days + weight > MAX_DAYS_PER_PUSH:
            break
        days += weight
        if op is None:
            refused.append(_refused(row, message))
        else:
            ops.append(text)
            sent.append(row)
    return ops, sent, refused


_DAY_LISTS = ("book", "wait", "cancel")


def _days(payload) -> int:
    """A form's weight in a push: its days listed (at least one)."""
    return max(1, sum(len(getattr(payload, name)) for name in _DAY_LISTS))


def _stored_days(row) -> int:
    """The weight of a row the protocol refuses, read from its stored text."""
    if row.type != OpType.BOOKINGS_APPLY:
        return 1
    try:
        payload = json.loads(row.payload)
        return max(1, sum(len(payload.get(name, [])) for name in _DAY_LISTS))
    except (ValueError, TypeError, AttributeError):
        return 1


def _refused(row, message: str) -> OpResult:
    """A row answered here as if the server had refused it (INVALID_OP): set aside."""
    return OpResult(
        op_id=row.op_id,
        seq=row.seq,
        status=OpStatus.REJECTED,
        code=RejectCode.INVALID_OP,
        message=message[:1000],
    )


class Outbox(Protocol):
    """The desk's side of a push (services/syncing/cycle.py); each call is a local step."""

    def waiting(self, limit: int, after: int = -1) -> list:
        """The first `limit` ops not answered yet after op number `after`, in device order."""

    def record(self, rows: list, results: list[OpResult]) -> tuple[list[str], int]:
        """Stores the answers; returns the French labels of the rejected ops and how many
        answers were duplicates."""


@dataclass
class _Batch:
    """The next ops to push: the rows read, the ops to send (the wire's JSON), the rows
    sent, those the protocol refused, and the number of the last row this batch took."""

    rows: list
    ops: list[str]
    sent: list
    refused: list[OpResult]
    last: int


def _read_batch(outbox: Outbox, limit: int, after: int = -1) -> _Batch | None:
    rows = outbox.waiting(limit, after)
    if not rows:
        return None
    ops, sent, refused = wire_batch(rows)
    return _Batch(rows, ops, sent, refused, rows[len(sent) + len(refused) - 1].seq)


def push_outbox(client: SyncClient, outbox: Outbox, report: SyncReport) -> None:
    """Sends the outbox in batches; a batch the server finds too big (413) goes again in
    halves, and one op too big on its own is set aside as refused (the rest goes on).
    While a push is in flight (on a thread of its own: one push at a time, in device order),
    the next batch is read and checked here; it is dropped if the push did not go whole."""
    size = PUSH_BATCH
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as network:
        batch = _read_batch(outbox, size)
        while batch is not None:
            if batch.refused:
                report.rejected_labels += outbox.record(batch.rows, batch.refused)[0]
                report.rejected += len(batch.refused)
            if not batch.ops:
                batch = _read_batch(outbox, size)
                continue
            in_flight = network.submit(client.push, batch.ops)
            ahead = _read_batch(outbox, size, after=batch.last)
            try:
                answer = in_flight.result()
            except TooLarge:
                if len(batch.ops) > 1:
                    size = max(1, len(batch.ops) // 2)
                else:
                    too_big = [
                        _refused(batch.sent[0], "Opération trop volumineuse pour le serveur.")
                    ]
                    report.rejected_labels += outbox.record(batch.sent, too_big)[0]
                    report.rejected += 1
                batch = _read_batch(outbox, size)
                continue
            rejected, duplicates = outbox.record(batch.sent, answer.results)
            report.clock_offset_s, report.clock_trusted = (
                answer.clock_offset_s,
                answer.clock_trusted,
            )
            report.pushed += len(answer.results)
            report.duplicates += duplicates
            report.rejected += len(rejected)
            report.rejected_labels += rejected
            if len(answer.results) < len(batch.sent):
                return  # the server answered part of the batch: the rest goes next time
            # Recording the answers may have written ops (a ticket given back): they come
            # after every op read so far, and go in this sync too.
            batch = ahead if ahead is not None else _read_batch(outbox, size, after=batch.last)
