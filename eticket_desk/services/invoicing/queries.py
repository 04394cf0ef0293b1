"""Reading invoices: the runs, a list with statuses and what is left to pay, an invoice found
by its coupon, the unpaid invoices by age, the periods a fare run can bill."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from eticket_desk.models import Family, Invoice, InvoiceRun, Period, SchoolYear
from eticket_desk.rules.billing import STATUS_LABELS, InvoiceStatus, is_invoice_code, status
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.drafts import RunPeriod
from eticket_desk.services.invoicing.run import settled_by_invoice

AGE_BUCKETS = ((0, "pas encore échue"), (1, "1 à 30 jours"), (31, "31 à 60 jours"))
AGE_BUCKETS += ((61, "61 à 90 jours"), (91, "plus de 90 jours"))


@dataclass(frozen=True)
class RunSummary:
    id: uuid.UUID
    kind: str
    period_label: str
    issued_at: datetime
    by: str  # the person's name, « Jérôme Buttay »
    invoices: int
    total_cents: int


@dataclass(frozen=True)
class InvoiceSummary:
    id: uuid.UUID
    number: str
    kind: str  # invoice, credit_note
    family_id: uuid.UUID
    family_reference: str
    family_name: str
    period_label: str
    issued_at: datetime
    due_date: date
    total_cents: int
    settled_cents: int  # paid + credit applied
    status: InvoiceStatus
    credit_note: str = ""  # the credit note that cancelled it

    @property
    def left_cents(self) -> int:
        if self.kind != "invoice" or self.status == InvoiceStatus.CANCELLED:
            return 0
        return max(0, self.total_cents - self.settled_cents)

    @property
    def status_label(self) -> str:
        return "Avoir" if self.kind == "credit_note" else STATUS_LABELS[self.status]

    def days_late(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


def list_runs(store: Store, actor: Actor) -> list[RunSummary]:
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        people = People(session)
        return [
            RunSummary(
                r.id,
                r.kind,
                r.period_label,
                r.issued_at,
                people.label(r.by),
                r.invoices,
                r.total_cents,
            )
            for r in session.scalars(select(InvoiceRun).order_by(InvoiceRun.issued_at.desc()))
        ]


def _summaries(session, where, limit: int | None) -> list[InvoiceSummary]:
    query = (
        select(Invoice, Family.reference, Family.display_name)
        .join(Family, Family.id == Invoice.family_id)
        .where(*where)
        .order_by(Invoice.issued_at.desc(), Invoice.number.desc())
    )
    if limit:
        query = query.limit(limit)
    rows = session.execute(query).all()
    ids = [i.id for i, _, _ in rows]
    settled: dict[uuid.UUID, int] = {}
    notes: dict[uuid.UUID, str] = {}
    for chunk in range(0, len(ids), 900):
        part = ids[chunk : chunk + 900]
        settled.update(settled_by_invoice(session, part))
        notes.update(
            session.execute(
                select(Invoice.corrects_id, Invoice.number).where(Invoice.corrects_id.in_(part))
            ).all()
        )
    return [
        InvoiceSummary(
            i.id,
            i.number,
            i.kind,
            i.family_id,
            reference,
            name,
            i.period_label,
            i.issued_at,
            i.due_date,
            i.total_cents,
            settled.get(i.id, 0),
            status(i.total_cents, settled.get(i.id, 0), i.id in notes),
            notes.get(i.id, ""),
        )
        for i, reference, name in rows
    ]


def list_invoices(
    store: Store,
    actor: Actor,
    text: str = "",
    *,
    family_id: uuid.UUID | None = None,
    run_id: uuid.UUID | None = None,
    limit: int = 500,
) -> list[InvoiceSummary]:
    """Invoices and credit notes, newest first; `text` matches a number or a family."""
    actor.require(Permission.FAMILY_VIEW)
    where = []
    if text.strip():
        like = f"%{text.strip()}%"
        where.append(
            or_(
                Invoice.number.ilike(like),
                Family.reference.ilike(like),
                Family.display_name.ilike(like),
            )
        )
    if family_id is not None:
        where.append(Invoice.family_id == family_id)
    if run_id is not None:
        where.append(Invoice.run_id == run_id)
    with store.read() as session:
        return _summaries(session, where, limit)


def unpaid_invoices(store: Store, actor: Actor, family_id: uuid.UUID | None = None):
    """Invoices with something left to pay, oldest due date first."""
    actor.require(Permission.FAMILY_VIEW)
    where = [Invoice.kind == "invoice"]
    if family_id is not None:
        where.append(Invoice.family_id == family_id)
    with store.read() as session:
        found = [s for s in _summaries(session, where, None) if s.left_cents > 0]
    return sorted(found, key=lambda s: (s.due_date, s.number))


def age_bucket(days_late: int) -> str:
    return next(label for low, label in reversed(AGE_BUCKETS) if days_late >= low)


def find_by_coupon(store: Store, actor: Actor, code: str) -> InvoiceSummary:
    """The invoice whose coupon was scanned (or whose number was typed)."""
    actor.require(Permission.FAMILY_VIEW)
    number = code.strip().upper()
    if not is_invoice_code(number):
        raise NotFound(f"« {code.strip()} » n'est pas un numéro de facture (F-2026-000123).")
    with store.read() as session:
        found = _summaries(session, [Invoice.number == number], 1)
    if not found:
        raise NotFound(f"Aucune facture n° {number}.")
    return found[0]


def fare_periods(store: Store) -> list[RunPeriod]:
    """The school years' periods, which fare runs bill (« Période 1 — 2026-2027 »)."""
    with store.read() as session:
        rows = session.execute(
            select(Period, SchoolYear.label)
            .join(SchoolYear, SchoolYear.id == Period.school_year_id)
            .order_by(Period.start)
        ).all()
        return [RunPeriod("fare", p.start, p.end, f"{p.name} {label}") for p, label in rows]
