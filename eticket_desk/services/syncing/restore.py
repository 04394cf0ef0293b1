"""A desk behind its own past: restored from a backup (`restore` marks the base) or found
behind what the server holds from it (the server answered more ops of this device than its
outbox holds answered: a copy put back outside the program). Until it has reloaded, it writes
no op (core/restored.py).

At the next sync (cycle.py): the outbox is pushed (the ops the restored base still had
waiting were already applied: the server answers them « duplicate », harmless, and what their
answers undid is not undone twice, answers.py), the server's state of this device is read
(`check_device`), then the whole snapshot is reloaded, the desk's own changes included (what
it had pushed after the backup comes back), and `finish_restore` moves its counters past the
server's — the op seq (a notice row in the outbox, the sync issue that tells the agent what
happened and which receipts only the server holds), the receipts of its series, the
commune's invoices and credit notes — so that no number is ever given twice, then lifts the
mark. The numbers only the server holds are noted as given (core/numbering.hold_numbers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from eticket_desk.ids import new_id
from eticket_desk.models import NumberSeries, Sale, Setting
from eticket_desk.models.sync import OutboxOp
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.numbering import (
    DESK_LABEL,
    DESK_LABELS,
    DESK_NUMBER,
    parse_receipt,
    receipt_series,
)
from eticket_desk.rules.pricing import METHOD_LABELS
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.numbering import hold_numbers, raise_counter, registered_desk
from eticket_desk.services.core.restored import RESTORED, restored_mark
from eticket_desk.services.core.store import Store
from eticket_desk.services.syncing.issues import NOTICE, RESTORED_NOTICE
from eticket_desk.services.syncing.state import SYNC_ACTOR, put_state, read_state
from eticket_desk.sync.device_state import DeviceState
from eticket_desk.sync.protocol import RejectCode

_MONEY_SERIES = {"F": "invoice", "A": "credit-note"}  # « F-2026-000120 », « A-2026-000003 »


@dataclass(frozen=True)
class DeviceCheck:
    """Whether this desk must reload before any new work, and how many of its ops the
    server holds beyond its outbox."""

    restored: bool
    missing_ops: int = 0


def _outbox_top(session) -> int:
    return session.scalar(select(func.max(OutboxOp.seq))) or 0


def _missing_ops(session, state: DeviceState) -> int:
    """How many ops the server answered from this device that this base has not: its answered
    ops (an op it refused itself excepted, as the server counts them) plus those a previous
    restore found only on the server."""
    answered = session.scalar(
        select(func.count())
        .select_from(OutboxOp)
        .where(
            OutboxOp.status.not_in(("pending", NOTICE)),  # applied, refused, in part, merged…
            OutboxOp.code != RejectCode.INVALID_OP.value,
        )
    )
    earlier = sum(
        json.loads(payload).get("missing_ops", 0)
        for payload in session.scalars(
            select(OutboxOp.payload).where(OutboxOp.type == RESTORED_NOTICE)
        )
    )
    return max(0, state.ops - answered - earlier)


@changes(Topic.SYNC)
def check_device(store: Store, state: DeviceState) -> DeviceCheck:
    """Keeps the desk's number (once: its dossiers' block and its receipts' series), its
    label and the commune's desks' labels; marks the base restored when it is behind what the server holds from it."""
    with store.read() as session:
        mark = restored_mark(session)
        missing = _missing_ops(session, state)
        number = read_state(session, DESK_NUMBER, None)
        label = read_state(session, DESK_LABEL, None)
        labels = read_state(session, DESK_LABELS, None)
    values: dict[str, object] = {}
    names = {str(desk.number): desk.label for desk in state.desks}  # the others' names too
    if names and names != labels:
        values[DESK_LABELS] = names
    if number is None and state.number:
        values[DESK_NUMBER] = state.number
    if label != state.label:
        values[DESK_LABEL] = state.label
    if missing and mark is None:
        values[RESTORED] = {"since": store.clock.now().isoformat(), "reason": "behind"}
    if values:
        with store.write(SYNC_ACTOR) as session:
            put_state(session, values)
    return DeviceCheck(bool(mark) or bool(missing), missing)


def _move(session, series: str, last: int) -> int:
    """Moves a series past `last`; the numbers this copy had not given are noted as given
    elsewhere. Returns how many were."""
    row = session.get(NumberSeries, series)
    first = row.next_value if row is not None else 1
    if last < first:
        return 0
    hold_numbers(session, series, first, last)
    raise_counter(session, series, last)
    return last - first + 1


def _moved_series(session, state: DeviceState) -> list[str]:
    """Every counter moved past the server's numbers: « Q1-2026-000004 »… (the last given)."""
    moved = []
    for number in state.last_receipts:
        parsed = parse_receipt(number)
        if parsed is not None and _move(session, receipt_series(*parsed[:2]), parsed[2]):
            moved.append(number)
    for number in [*state.last_invoices, *state.last_credit_notes]:
        match = re.fullmatch(r"([FA])-(\d{4})-(\d+)", number)
        if match is None:
            continue
        series = f"{_MONEY_SERIES[match.group(1)]}-{match.group(2)}"
        if _move(session, series, int(match.group(3))):
            moved.append(number)
    return moved


@dataclass(frozen=True)
class ServerReceipt:
    """A payment the server holds with the receipt number it was taken under."""

    number: str
    method: str
    amount_cents: int


def receipts_in(items: list) -> list[ServerReceipt]:
    """The receipts of a snapshot's payments (the reload's items)."""
    return [
        ServerReceipt(item.data["details"]["receipt_number"], item.data["method"], amount)
        for item in items
        if item.entity == "payment"
        and (item.data.get("details") or {}).get("receipt_number")
        and (amount := item.data["amount_cents"]) > 0
    ]


def _kept_by_server(session, receipts: list[ServerReceipt]) -> list[str]:
    """« Q1-2026-000002 : 7,20 € (espèces) » for each receipt of this desk's series the
    server holds and this base has not (taken after the backup: its money is in the till)."""
    desk = registered_desk(session)
    here = set(session.scalars(select(Sale.receipt_number)))
    by_number: dict[str, dict[str, int]] = {}
    for receipt in receipts:
        parsed = parse_receipt(receipt.number)
        if parsed is None or parsed[0] != desk or receipt.number in here:
            continue
        methods = by_number.setdefault(receipt.number, {})
        methods[receipt.method] = methods.get(receipt.method, 0) + receipt.amount_cents
    return [
        f"{number} : "
        + ", ".join(
            f"{format_cents(cents)} ({METHOD_LABELS.get(method, method).lower()})"
            for method, cents in sorted(methods.items())
        )
        for number, methods in sorted(by_number.items())
    ]


def _notice(missing: int, mark: dict | None, moved: list[str], kept: list[str]) -> str:
    backup = (mark or {}).get("backup")
    origin = (
        f"Ce poste a été restauré depuis la sauvegarde {backup}"
        if backup
        else "Ce poste a repris une copie ancienne de sa base (restauration hors du programme)"
    )
    text = [f"{origin} : toutes les données du serveur ont été rechargées avant toute saisie."]
    if missing:
        plural = "s" if missing > 1 else ""
        text.append(
            f"Le serveur avait {missing} opération{plural} de ce poste que la base "
            "restaurée n'avait pas (ventes, réservations, dossiers saisis après la "
            "sauvegarde) : elles sont revenues."
        )
    if moved:
        text.append(
            "Numéros déjà donnés, jamais réutilisés : la numérotation reprend après "
            + ", ".join(moved)
            + "."
        )
    if kept:
        text.append(
            "Quittances données après la sauvegarde, gardées par le serveur mais absentes du "
            "journal de caisse de ce poste (leur argent est dans la caisse) : "
            + " ; ".join(kept)
            + "."
        )
    return " ".join(text)


# What lifting the mark changes here: the writing screens work again, the counters moved.
RESTORE_CHANGES = frozenset({Topic.SYNC, Topic.SALES, Topic.INVOICES})


@changes(*RESTORE_CHANGES)
def finish_restore(store: Store, state: DeviceState, receipts: list[ServerReceipt]) -> str:
    """After the reload: the op seq, receipt, invoice and credit note counters past the
    server's, the notice in the sync issues (with the receipts only the server holds), the
    mark lifted; returns the notice (French)."""
    with store.write(SYNC_ACTOR) as session:
        mark = restored_mark(session)
        missing = _missing_ops(session, state)
        moved = _moved_series(session, state)
        message = _notice(missing, mark, moved, _kept_by_server(session, receipts))
        now = session.info["now"]
        session.execute(
            insert(OutboxOp.__table__).values(
                seq=max(_outbox_top(session), state.last_seq) + 1,
                op_id=new_id(),
                type=RESTORED_NOTICE,
                payload=json.dumps({"moved": moved, "missing_ops": missing}),
                label="Poste restauré depuis une sauvegarde",
                created_at=now,
                made_by=SYNC_ACTOR.full_name,
                status=NOTICE,
                message=message,
                answered_at=now,
            )
        )
        session.execute(delete(Setting).where(Setting.key == RESTORED))
    return message


def restore_pending(store: Store) -> bool:
    """Whether this desk waits for the server's state before any new work (the banner)."""
    with store.read() as session:
        return restored_mark(session) is not None
