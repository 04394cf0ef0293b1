"""A desk behind its own past: restored from a backup (`restore` marks the base) or found
behind what the server holds from it (the server answered more ops of this device than its
outbox holds answered: a copy put back outside the program). Until it has reloaded, it writes
no op (core/restored.py).

At the next sync (cycle.py): the outbox is pushed (the ops the restored base still had
waiting were already applied: the server answers them « duplicate », harmless, and what their
answers undid is not undone twice, answers.py), the server's state of this device is read
(`check_device`), then the whole snapshot is reloaded, the desk's own changes included (what
it had pushed after the backup comes back), and `finish_restore` rebuilds the money the
snapshot's rows alone do not restore — the receipts, invoices and credit notes issued after
the backup (recovered_money.py, recovered_invoices.py) — moves its counters past the
server's — the op seq (a floor kept in the sync state: the next op is numbered past the last
one the server answered, sync/oplog.py), the receipts of its series, the commune's invoices
and credit notes — so that no number is ever given twice, writes the sync notice
(sync_notice, kind « desk_restored ») that tells the agent what happened, then lifts the
mark. The ops the server held and this base had not are added up in the sync state, so that
a later restore counts only its own. The numbers only the server holds are noted as given
(core/numbering.hold_numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from eticket_desk.models import NumberSeries, Sale, Setting, SyncNotice
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
from eticket_desk.services.syncing.recovered_money import recover_money
from eticket_desk.services.syncing.state import SYNC_ACTOR, put_state, read_state
from eticket_desk.services.syncing.wallet_notices import DESK_RESTORED
from eticket_desk.sync.device_state import DeviceState
from eticket_desk.sync.oplog import SEQ_FLOOR
from eticket_desk.sync.protocol import RejectCode

# How many ops the earlier restores found only on the server (counted answered here).
MISSING_OPS = "sync.restored_missing_ops"
_MONEY_SERIES = {"F": "invoice", "A": "credit-note"}  # « F-2026-000120 », « A-2026-000003 »


@dataclass(frozen=True)
class DeviceCheck:
    """Whether this desk must reload before any new work, and how many of its ops the
    server holds beyond its outbox."""

    restored: bool
    missing_ops: int = 0


def _missing_ops(session, state: DeviceState) -> int:
    """How many ops the server answered from this device that this base has not: its answered
    ops (an op it refused itself excepted, as the server counts them) plus those the earlier
    restores found only on the server (kept in the sync state)."""
    answered = session.scalar(
        select(func.count())
        .select_from(OutboxOp)
        .where(
            OutboxOp.status != "pending",  # applied, refused, in part, merged…
            OutboxOp.code != RejectCode.INVALID_OP.value,
        )
    )
    return max(0, state.ops - answered - int(read_state(session, MISSING_OPS, 0)))


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


def _only_on_server(session, receipts: list[ServerReceipt]) -> dict[str, str]:
    """« Q1-2026-000002 : 7,20 € (espèces) » for each receipt of this desk's series the
    server holds and this base has not (taken after the backup: its money is in the till),
    by number."""
    desk = registered_desk(session)
    here = set(session.scalars(select(Sale.receipt_number)))
    by_number: dict[str, dict[str, int]] = {}
    for receipt in receipts:
        parsed = parse_receipt(receipt.number)
        if parsed is None or parsed[0] != desk or receipt.number in here:
            continue
        methods = by_number.setdefault(receipt.number, {})
        methods[receipt.method] = methods.get(receipt.method, 0) + receipt.amount_cents
    return {
        number: f"{number} : "
        + ", ".join(
            f"{format_cents(cents)} ({METHOD_LABELS.get(method, method).lower()})"
            for method, cents in sorted(methods.items())
        )
        for number, methods in sorted(by_number.items())
    }


def _notice(
    missing: int,
    mark: dict | None,
    moved: list[str],
    back: list[str],
    kept: list[str],
    documents: list[str],
) -> str:
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
    if back:
        text.append(
            "Quittances données après la sauvegarde, reprises du serveur dans le journal de "
            "caisse de ce poste (ligne « quittances reprises du serveur après restauration » ; "
            "leur argent est dans la caisse) : " + " ; ".join(back) + "."
        )
    if documents:
        text.append(
            "Factures et avoirs émis après la sauvegarde, repris du serveur sans leur détail : "
            + ", ".join(documents)
            + ". Leur période n'est pas connue de ce poste : avant de relancer une "
            "facturation, vérifiez qu'elle ne les refait pas."
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
def finish_restore(store: Store, state: DeviceState, items: list) -> str:
    """After the reload (the snapshot's `items`): the receipts, invoices and credit notes
    only the server held rebuilt here (recovered_money.py), the op seq, receipt, invoice and
    credit note counters past the server's, the notice in the sync issues (naming those
    receipts), the mark lifted; returns the notice (French)."""
    with store.write(SYNC_ACTOR) as session:
        mark = restored_mark(session)
        missing = _missing_ops(session, state)
        listed = _only_on_server(session, receipts_in(items))
        back, documents = recover_money(session, items)
        moved = _moved_series(session, state)
        kept = [text for number, text in listed.items() if number not in back]
        back_texts = [listed[n] for n in back if n in listed]
        message = _notice(missing, mark, moved, back_texts, kept, documents)
        now = session.info["now"]
        top = session.scalar(select(func.max(OutboxOp.seq))) or 0
        put_state(
            session,
            {
                MISSING_OPS: int(read_state(session, MISSING_OPS, 0)) + missing,
                SEQ_FLOOR: max(top, state.last_seq, int(read_state(session, SEQ_FLOOR, 0))),
            },
        )
        session.add(
            SyncNotice(
                key=f"restored:{now.isoformat()}",
                kind=DESK_RESTORED,
                subject="Poste restauré depuis une sauvegarde",
                message=message,
                raised_at=now,
            )
        )
        session.execute(delete(Setting).where(Setting.key == RESTORED))
    return message
