"""The server's answers to a push, recorded on the desk: each op's answer stored, what a
rejection refused undone (the seat freed, the ticket given back), a form's refused days taken
back or put on the waiting list, the dossier versions the server gave, and the conflicts it
answered a merged dossier with (kept, a sync issue: services/families/conflicts.py). A
booking's answer may move a ticket here (one debit per booked day, facts over requests:
booking_tickets.py).

Nothing here emits an op: the server already knows what it answered; undoing a rejected
booking gives its ticket back through the wallet hook, which emits that line (the server
must hear of it). A base restored from a backup replays ops answered before: their duplicate
answers are stored and nothing is undone again (the server has the ticket given back the
first time; the reload that follows brings it, syncing/restore.py).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.models import Booking, Child
from eticket_desk.models.sync import OutboxOp, ServerVersion
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.services.bookings.hooks import booking_hooks
from eticket_desk.services.bookings.seat_counters import bump_seats
from eticket_desk.services.bookings.waiting_queue import join_waiting_list, leave_waiting_list
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic, changes
from eticket_desk.services.core.restored import restored_mark
from eticket_desk.services.families.conflicts import CONFLICT, record_conflicts
from eticket_desk.services.syncing.booking_tickets import (
    form_tickets_back,
    paid_by_ticket,
    record_server_line,
    refund_back_if_marked_elsewhere,
    ticket_back_if_held_elsewhere,
)
from eticket_desk.services.syncing.state import SYNC_ACTOR
from eticket_desk.sync.wire import OpStatus, OpType, RejectCode

PARTIAL = "partial"  # a form applied with some days refused (an outbox status of its own)
# What a booking taken back changes here: its day, the family's wallet (a ticket given back).
_RELEASED = (Topic.BOOKINGS, Topic.SALES)


@dataclass
class Answers:
    """What recording a push's answers did: the French messages of the ops rejected (or
    applied in part), how many answers were duplicates, and what changed here."""

    rejected: list[str] = field(default_factory=list)
    duplicates: int = 0
    changed: set[Change] = field(default_factory=set)


@changes(Topic.SYNC, lambda call: call.result.changed)
def record_answers(store, rows: list, results) -> Answers:
    """Stores each answer on its op; undoes what a rejection refused. (Bulk updates by key:
    the bookkeeping is not audited; a payload is read only where an answer needs it.)"""
    by_id = {row.op_id: row for row in rows}
    answers = Answers()
    updates, versions = [], []
    with store.write(SYNC_ACTOR) as session:
        now = session.info["now"]
        # A base restored from a backup already heard these answers before it was put back:
        # what they undid (a ticket given back) is on the server, the reload brings it.
        replayed = restored_mark(session) is not None
        for result in results:
            row = by_id[result.op_id]
            status = result.status
            if status == OpStatus.DUPLICATE:
                answers.duplicates += 1
                if result.original_status is not None:
                    status = result.original_status  # what the op got the first time
            outcome = result.result or {}
            answer = {  # the parameters of _ANSWER
                "key": row.seq,
                "new_status": status.value,
                "new_code": result.code.value if result.code else "",
                "new_message": result.message,
                "new_result": _encode(outcome),
                "new_answered_at": now,
            }
            updates.append(answer)
            # its booking taken back again, but not its ticket: the server has that one
            give_back = not (replayed and result.status == OpStatus.DUPLICATE)
            if status == OpStatus.APPLIED and row.type == OpType.BOOKINGS_APPLY:
                if outcome.get("held"):  # days booked elsewhere: their tickets back
                    _note(answers, form_tickets_back(session, json.loads(row.payload), outcome))
                if not outcome.get("refused") and not outcome.get("waiting"):
                    continue  # every day as asked
                code, message = _form_answer(
                    session, json.loads(row.payload), outcome, answers, give_back
                )
                if code:  # applied in part: an issue the agent sees, like a rejection
                    answer.update(new_status=PARTIAL, new_code=code, new_message=message)
                    answers.rejected.append(message)
            elif status == OpStatus.REJECTED:
                undone = _undo(
                    session, row.type, json.loads(row.payload), result.code, answers, give_back
                )
                if undone:  # what this desk did about it, for the sync issue's wording
                    answer["new_result"] = _encode({"undone": undone})
                answers.rejected.append(result.message or result.code.value)
            elif row.type in _BOOKING_ANSWERS and outcome:
                _booking_answer(session, row, outcome, answers)
            elif row.type == OpType.FAMILY_UPSERT and result.result:
                family_id = json.loads(row.payload)["family_id"]
                versions.append((family_id, result.result))
                if outcome.get("conflicts"):  # merged, but fields changed elsewhere first
                    message = record_conflicts(session, row.seq, family_id, outcome["conflicts"])
                    answer.update(new_status=CONFLICT, new_message=message)
                    answers.changed.update((Topic.FAMILIES, FamilyTopic(uuid.UUID(family_id))))
        if updates:
            session.execute(_ANSWER, updates)
        server_versions(session, "family", versions)
    return answers


_OUTBOX = OutboxOp.__table__
# Core: an ORM bulk update costs a third of recording a push's answers.
_ANSWER = (
    update(_OUTBOX)
    .where(_OUTBOX.c.seq == bindparam("key"))
    .values(
        {
            name: bindparam(f"new_{name}")
            for name in ("status", "code", "message", "result", "answered_at")
        }
    )
)
_encode = json.JSONEncoder(default=str).encode  # json.dumps(…, default=str), one encoder


def server_versions(session, entity: str, answers: list[tuple[str, dict[str, Any]]]) -> None:
    """Keeps the highest version the server gave each entity (one statement for them all)."""
    rows = [
        {"entity": entity, "entity_id": str(entity_id), "version": int(data["version"])}
        for entity_id, data in answers
        if "version" in data
    ]
    if rows:
        session.execute(_KEEP_VERSION, rows)


_NEW_VERSION = sqlite_insert(ServerVersion)
_KEEP_VERSION = _NEW_VERSION.on_conflict_do_update(
    index_elements=["entity", "entity_id"],
    set_={"version": func.max(ServerVersion.version, _NEW_VERSION.excluded.version)},
)


# The server's rules decided against the booking: it is undone here. NOT_FOUND, INVALID_DATA
# or SUBSCRIPTION_ONLY say the server lacks something (a dossier, an activity, the desk's
# subscriptions): the booking stays, the agent sees the issue.
_UNDONE = {
    RejectCode.CAPACITY_FULL,
    RejectCode.DEADLINE_PASSED,
    RejectCode.DAY_CLOSED,
    RejectCode.DOSSIER_NOT_VALIDATED,
    RejectCode.CHILD_NOT_CONCERNED,
    RejectCode.PERMISSION_DENIED,
    RejectCode.OVERRIDE_REASON_MISSING,
}


# Applied booking ops whose answer may move a ticket here (booking_tickets.py).
_BOOKING_ANSWERS = (OpType.BOOKING_BOOK, OpType.BOOKING_MARK)
TICKET_BACK, UNBILLED = "ticket", "unbilled"  # what undoing a refused booking did here


def _booking_answer(session, row, outcome: dict[str, Any], answers: Answers) -> None:
    """One debit per booked day, facts over requests: see booking_tickets.py."""
    if row.type == OpType.BOOKING_BOOK and outcome.get("changed") is False:
        _note(answers, ticket_back_if_held_elsewhere(session, json.loads(row.payload), outcome))
    elif row.type == OpType.BOOKING_MARK and outcome.get("ticket_taken_back"):
        _note(answers, record_server_line(session, outcome["ticket_taken_back"]))


def _undo(
    session, op_type: str, payload: dict[str, Any], code, answers: Answers, give_back: bool
) -> str:
    """A booking the server refused frees its seat and gives its ticket back here (returns
    TICKET_BACK, or UNBILLED for a day of a post-paid activity); a cancellation refused
    because the day's presence is marked elsewhere takes its refund back. Returns "" when
    nothing was undone. A replayed op (a restored desk) takes its booking back but not its
    ticket: the server gave that one back the first time."""
    if op_type == OpType.BOOKING_CANCEL and code == RejectCode.BOOKING_LOCKED:
        _note(answers, refund_back_if_marked_elsewhere(session, payload))
        return ""
    if op_type != OpType.BOOKING_BOOK or code not in _UNDONE:
        return ""  # a refused cancel or dossier stays as it is: the agent decides (sync issue)
    taken_back = _release(
        session, payload["activity_id"], payload["day"], payload["child_id"], give_back=give_back
    )
    _note(answers, taken_back)
    if taken_back is None:
        return ""
    return TICKET_BACK if paid_by_ticket(session, payload["activity_id"]) else UNBILLED


def _form_answer(
    session, payload: dict[str, Any], result: dict[str, Any], answers: Answers, give_back: bool
) -> tuple[str, str]:
    """A form's days the server refused are undone, those it put on the waiting list go
    there; returns (code, French summary) for the sync issue, or ("", "") when all went."""
    held = set(payload.get("book", [])) | set(payload.get("wait", []))
    refused = [r for r in result.get("refused", []) if r.get("day") in held]
    activity_id, child_id = payload["activity_id"], payload["child_id"]
    for item in refused:
        if item["code"] in _UNDONE:
            _note(
                answers, _release(session, activity_id, item["day"], child_id, give_back=give_back)
            )
    for day in result.get("waiting", []):
        released = _release(
            session, activity_id, day, child_id, to_waiting=True, give_back=give_back
        )
        _note(answers, released)
    refused_all = result.get("refused", [])
    if not refused_all and not result.get("waiting"):
        return "", ""
    parts = []
    if result.get("waiting"):
        parts.append(f"{len(result['waiting'])} jour(s) complet(s) : en liste d'attente")
    if refused_all:
        parts.append(f"{len(refused_all)} jour(s) refusé(s)")
    details = "; ".join(r["message"] for r in refused_all[:5])
    more = f" (et {len(refused_all) - 5} autre(s))" if len(refused_all) > 5 else ""
    message = " ; ".join(parts) + (f". {details}{more}" if details else ".")
    code = refused_all[0]["code"] if refused_all else RejectCode.CAPACITY_FULL.value
    return code, message[:1000]


def _note(answers: Answers, family_id: uuid.UUID | None) -> None:
    """A booking taken back (its family's id), or nothing done (None)."""
    if family_id is not None:
        answers.changed.update((*_RELEASED, FamilyTopic(family_id)))


def _release(
    session, activity_id, day, child_id, *, to_waiting: bool = False, give_back: bool = True
) -> uuid.UUID | None:
    """Takes back a booking the server did not grant: its seat freed, its ticket given back
    (not when a restored base hears the answer again: `give_back` False), and the child
    cancelled or put on the waiting list. Returns the child's family id, or None when there
    was nothing to take back."""
    key = (uuid.UUID(str(activity_id)), date.fromisoformat(str(day)))
    child_id = uuid.UUID(str(child_id))
    booking = session.get(Booking, (*key, child_id))
    if booking is None or booking.state not in (BookingState.BOOKED, BookingState.WAITING):
        return None
    family_id = session.scalar(select(Child.family_id).where(Child.id == child_id))
    held_seat = booking.state in SEAT_STATES
    now = session.info["now"]
    booking.state = (BookingState.WAITING if to_waiting else BookingState.CANCELLED).value
    booking.updated_at, booking.updated_by, booking.source = now, SYNC_ACTOR.login, "sync"
    if to_waiting and held_seat:
        join_waiting_list(session, booking, now)
    elif not to_waiting:
        leave_waiting_list(booking)
    session.flush()
    if not held_seat:
        if not to_waiting:
            bump_seats(session, booking, waiting=-1)
        return family_id
    bump_seats(session, booking, booked=-1, waiting=1 if to_waiting else 0)
    if not give_back:
        return family_id
    activity = next(a for a in activities_in(session, include_inactive=True) if a.id == key[0])
    for hook in booking_hooks():
        concerns = getattr(hook, "concerns", None)
        if concerns is None or concerns(activity):
            hook.seat_released(session, booking, activity, family_id, key[1], timely=True)
    return family_id
