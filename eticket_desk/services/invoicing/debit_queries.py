"""Reading debit batches for the « Prélèvements » screen: the batches, newest first, and the
items of one batch with their state and reject."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from eticket_desk.models import DebitBatch, DebitItem, Family, Invoice, InvoiceRun, SepaMandate
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import first_upper
from eticket_desk.rules.treasury import masked_iban
from eticket_desk.services.access.people import People
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.drafts import month_period

ITEM_STATES = {"envoye": "Envoyé", "rejete": "Rejeté"}


@dataclass(frozen=True)
class BatchSummary:
    id: uuid.UUID
    message_id: str
    created_at: datetime
    by: str  # the person's name
    run_label: str  # « Novembre 2026 » or « —  »
    collection_date: date
    count: int
    total_cents: int
    rejected: int
    file_name: str
    pain_version: str


@dataclass(frozen=True)
class ItemRow:
    id: uuid.UUID
    invoice_number: str
    family_label: str
    rum: str
    account: str  # « FR76 •••• 1234 »
    sequence_type: str
    collection_date: date
    amount_cents: int
    state: str  # envoye, rejete
    reject_reason: str  # « AM04 — Provision insuffisante — avis du 3 décembre »
    reject_code: str = ""

    @property
    def state_label(self) -> str:
        return ITEM_STATES.get(self.state, self.state)


@dataclass(frozen=True)
class RunChoice:
    id: uuid.UUID
    label: str  # « Novembre 2026 (n° 11) — 4 612 factures »


def list_batches(store: Store, actor: Actor) -> list[BatchSummary]:
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        people = People(session)
        rejected: dict[uuid.UUID, int] = {}
        for batch_id in session.scalars(
            select(DebitItem.batch_id).where(DebitItem.state == "rejete")
        ):
            rejected[batch_id] = rejected.get(batch_id, 0) + 1
        rows = session.execute(
            select(DebitBatch, InvoiceRun.period_label)
            .outerjoin(InvoiceRun, InvoiceRun.id == DebitBatch.run_id)
            .order_by(DebitBatch.created_at.desc(), DebitBatch.message_id.desc())
        ).all()
        return [
            BatchSummary(
                b.id,
                b.message_id,
                b.created_at,
                people.label(b.by),
                first_upper(label) if label else "Toutes factures",
                b.collection_date,
                b.count,
                b.total_cents,
                rejected.get(b.id, 0),
                b.file_name,
                b.pain_version,
            )
            for b, label in rows
        ]


def batch_items(store: Store, actor: Actor, batch_id: uuid.UUID) -> list[ItemRow]:
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        rows = session.execute(
            select(DebitItem, Invoice.number, Family.reference, Family.display_name, SepaMandate)
            .join(Invoice, Invoice.id == DebitItem.invoice_id)
            .join(Family, Family.id == DebitItem.family_id)
            .join(SepaMandate, SepaMandate.id == DebitItem.mandate_id)
            .where(DebitItem.batch_id == batch_id)
            .order_by(Invoice.number)
        ).all()
        return [
            ItemRow(
                item.id,
                number,
                f"{reference} {name}",
                mandate.rum,
                masked_iban(mandate.iban),
                item.sequence_type,
                item.collection_date,
                item.amount_cents,
                item.state,
                item.reject_reason,
                item.reject_code,
            )
            for item, number, reference, name, mandate in rows
        ]


def runs_to_debit(store: Store, actor: Actor) -> list[RunChoice]:
    """The invoice runs, newest first, for « Préparer un lot… »."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        runs = session.scalars(select(InvoiceRun).order_by(InvoiceRun.issued_at.desc())).all()
        return [
            RunChoice(
                run.id,
                first_upper(run.period_label)
                + (f" (n° {run.number_in_year})" if run.number_in_year else "")
                + f" — {run.invoices} factures",
            )
            for run in runs
        ]


def month_run(store: Store, actor: Actor, month: str) -> uuid.UUID:
    """The invoice run of a month, « 2026-11 » (the command line's --run)."""
    actor.require(Permission.INVOICE_RUN)
    period = month_period(month)
    with store.read() as session:
        run_id = session.scalar(
            select(InvoiceRun.id)
            .where(InvoiceRun.kind == "month", InvoiceRun.period_start == period.start)
            .order_by(InvoiceRun.issued_at.desc())
        )
    if run_id is None:
        raise NotFound(f"Aucune facturation de {period.label} n'a été émise.")
    return run_id
