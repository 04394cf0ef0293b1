"""Exporting a SEPA debit batch: the pain.008 file and, in the same transaction, the batch, one
item per invoice, the « prélèvement » payment allocated to each invoice (its sync op and audit
like any payment), and each mandate's first and last debit days.

The file is written before the transaction commits, atomically (a temporary file renamed); if
anything fails, nothing is recorded and no file is left. An invoice is in one batch at most, so
exporting twice never debits twice: the second export finds nothing left, and
`save_batch_file` gives the same file back."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select, update

from eticket_desk.ids import new_id
from eticket_desk.models import DebitBatch, DebitItem, Payment, PaymentAllocation, SepaMandate
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import Method
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.debit_file import pain008
from eticket_desk.services.invoicing.debit_preview import DebitLine, collect
from eticket_desk.sync.outbox import PaymentsMade, emit


@dataclass(frozen=True)
class BatchExported:
    batch_id: uuid.UUID
    message_id: str
    path: Path  # where the file was written
    count: int
    total_cents: int
    left_out: int  # invoices left out (see the preview for why)


def write_atomically(path: Path, content: bytes) -> None:
    """The whole file or none: written beside, flushed, then renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    try:
        with open(temporary, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _message_id(session, now: datetime) -> str:
    """PRLV-20261207-0001: the day's batches numbered from 1 (unique in the base)."""
    prefix = f"PRLV-{now:%Y%m%d}-"
    count = session.scalar(
        select(func.count()).select_from(DebitBatch).where(DebitBatch.message_id.like(prefix + "%"))
    )
    return f"{prefix}{count + 1:04d}"


def _kept_copy(store: Store, now: datetime, message_id: str) -> Path:
    return document_path(store, "debit", now.year, f"{message_id}.xml")


@changes(Topic.DEBITS, Topic.INVOICES)
def export_batch(
    store: Store, actor: Actor, out: Path | str, run_id: uuid.UUID | None = None
) -> BatchExported:
    """The batch of `run_id` (or of every invoice due for debit), written to `out` and kept
    in the documents folder (Prélèvements/<year>/)."""
    actor.require(Permission.INVOICE_RUN)
    out = Path(out)
    written: list[Path] = []
    try:
        with store.write(actor) as session:
            now = session.info["now"]
            preview = collect(session, run_id, now.date())
            if preview.problem:
                raise DomainError(preview.problem)
            if not preview.lines:
                raise DomainError(_nothing_left(session, run_id, len(preview.left_out)))
            message_id = _message_id(session, now)
            content = pain008(organisation_data(session), preview.lines, message_id, now)
            batch = DebitBatch(
                id=new_id(),
                run_id=run_id,
                created_at=now,
                by=actor.login,
                pain_version=preview.pain_version,
                message_id=message_id,
                collection_date=min(line.collection_date for line in preview.lines),
                count=preview.count,
                total_cents=preview.total_cents,
                file_name=out.name,
                file_sha256=hashlib.sha256(content).hexdigest(),
                state="exporte",
            )
            session.add(batch)
            session.flush()
            payments = _record_debits(session, batch, preview.lines, actor.login, now)
            emit(session, PaymentsMade(tuple(payments)))
            record(
                session,
                "debit_batch",
                "debit_batch",
                batch.id,
                f"Lot de prélèvements {message_id} ({preview.run_label}) : {preview.count} "
                f"factures, {format_cents(preview.total_cents)}, fichier {out.name}",
                count=preview.count,
                total_cents=preview.total_cents,
                left_out=len(preview.left_out),
            )
            kept = _kept_copy(store, now, message_id)
            for path in (kept, out):
                write_atomically(path, content)
                written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return BatchExported(
        batch.id, message_id, out, preview.count, preview.total_cents, len(preview.left_out)
    )


def _nothing_left(session, run_id, left_out: int) -> str:
    if run_id is not None:
        done = session.scalar(
            select(DebitBatch)
            .where(DebitBatch.run_id == run_id)
            .order_by(DebitBatch.created_at.desc())
        )
        if done is not None:
            return (
                f"Les factures de cette facturation sont déjà dans le lot {done.message_id} "
                f"exporté le {done.created_at:%d/%m/%Y} : « Enregistrer le fichier… » le redonne "
                "à l'identique ; aucune facture n'est prélevée deux fois."
            )
    if left_out:
        return "Aucune facture à prélever : toutes sont écartées (voir les motifs)."
    return "Aucune facture à prélever : aucune facture avec un mandat n'attend de prélèvement."


def _record_debits(
    session, batch: DebitBatch, lines: tuple[DebitLine, ...], login: str, now: datetime
) -> list[uuid.UUID]:
    """Per invoice: the payment, its allocation, the item (bulk statements: a month is
    thousands of rows; the batch's audit entry names them); then the mandates' debit days."""
    payments, allocations, items = [], [], []
    days: dict[uuid.UUID, list] = {}
    for line in lines:
        payment_id = new_id()
        payments.append(
            {
                "id": payment_id,
                "sale_id": None,
                "till_id": None,
                "at": now,
                "method": Method.DEBIT.value,
                "amount_cents": line.amount_cents,
                "given_cents": None,
                "change_cents": None,
            }
        )
        allocations.append(
            {
                "id": new_id(),
                "invoice_id": line.invoice_id,
                "payment_id": payment_id,
                "credit_entry_id": None,
                "amount_cents": line.amount_cents,
                "at": now,
                "by": login,
            }
        )
        items.append(
            {
                "id": new_id(),
                "batch_id": batch.id,
                "invoice_id": line.invoice_id,
                "mandate_id": line.debtor.mandate_id,
                "family_id": line.family_id,
                "amount_cents": line.amount_cents,
                "sequence_type": line.sequence_type,
                "collection_date": line.collection_date,
                "end_to_end_id": line.invoice_number,
                "state": "envoye",
                "reject_code": "",
                "reject_reason": "",
                "rejected_at": None,
                "payment_id": payment_id,
                "reversal_payment_id": None,
            }
        )
        days.setdefault(line.debtor.mandate_id, []).append(line.collection_date)
    session.execute(insert(Payment), payments)
    session.execute(insert(PaymentAllocation), allocations)
    session.execute(insert(DebitItem), items)
    _mark_mandates_used(session, days)
    return [payment["id"] for payment in payments]


def _mark_mandates_used(session, days: dict[uuid.UUID, list]) -> None:
    """First debit day (when it was the first), last debit day, amendment announced."""
    ids = list(days)
    changes = []
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(SepaMandate.id, SepaMandate.first_debit_on, SepaMandate.last_debit_on).where(
                SepaMandate.id.in_(ids[start : start + 900])
            )
        ).all()
        for mandate_id, first, last in rows:
            used = days[mandate_id]
            changes.append(
                {
                    "id": mandate_id,
                    "first_debit_on": first or min(used),
                    "last_debit_on": max([*used, *([last] if last else [])]),
                    "amendment_pending": False,
                }
            )
    if changes:
        session.execute(update(SepaMandate), changes)  # by primary key, in bulk


def save_batch_file(store: Store, actor: Actor, batch_id: uuid.UUID, out: Path | str) -> Path:
    """The batch's file again, byte for byte (checked against the fingerprint recorded)."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        batch = session.get(DebitBatch, batch_id)
        if batch is None:
            raise NotFound("Ce lot de prélèvements n'existe pas.")
    kept = _kept_copy(store, batch.created_at, batch.message_id)
    if not kept.exists() or hashlib.sha256(kept.read_bytes()).hexdigest() != batch.file_sha256:
        raise DomainError(
            f"Le fichier du lot {batch.message_id} n'est plus dans le dossier des documents "
            "(ou il a été modifié) : il ne peut pas être redonné à l'identique."
        )
    out = Path(out)
    if out.resolve() != kept.resolve():
        shutil.copyfile(kept, out)
    return out
