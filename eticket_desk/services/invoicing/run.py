"""Invoice runs: issue the drafts of a period in one transaction (gapless numbers per year,
frozen lines and addresses, the family's credit applied), write their PDFs; credit notes.

The transaction that issues a run also records that its PDFs are owed (a setting listing the
runs); writing them in the documents folder settles it. A program killed between the commit
and the last PDF leaves the run listed, and the next start (or `invoices run`) writes the
missing files (invoice_files.write_owed_pdfs)."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from eticket_desk.ids import new_id
from eticket_desk.models import (
    Adult,
    CreditEntry,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    Organisation,
    PaymentAllocation,
    Setting,
)
from eticket_desk.rules.billing import due_date
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.sepa import debit_day
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.numbering import next_number, take_numbers
from eticket_desk.services.core.settings import read_setting
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.drafts import RunPeriod, RunPreview, compute_drafts
from eticket_desk.services.invoicing.mandate_data import active_mandates
from eticket_desk.sync.outbox import InvoicesIssued, emit

# progress(step, done, total): what is being done now, in French (« Numérotation des
# factures »), and how far; total 0 for a step whose length is not known (a busy bar).
Progress = Callable[[str, int, int], None]

PDFS_OWED = "invoice_runs.pdfs_owed"  # setting: ids of the runs whose PDFs are not all written


@dataclass(frozen=True)
class RunResult:
    run_id: uuid.UUID
    invoices: int
    total_cents: int
    first_number: str
    last_number: str


def preview_run(
    store: Store, actor: Actor, period: RunPeriod, should_stop: Callable[[], bool] | None = None
) -> RunPreview:
    """What the run would issue (nothing written); `should_stop` lets the screen cancel it."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        return compute_drafts(session, period, store.clock.today(), should_stop)


def _addresses(session) -> dict[uuid.UUID, tuple[str, str]]:
    """The billing adult's name and address lines of every family, frozen on the invoice."""
    out = {}
    for adult in session.scalars(select(Adult).where(Adult.billing.is_(True))):
        name = f"{adult.first_name} {adult.last_name.upper()}".strip()
        lines = [adult.address1, adult.address2, adult.address3]
        lines.append(f"{adult.postcode} {adult.city.upper()}".strip())
        out[adult.family_id] = (name, "\n".join(line for line in lines if line))
    return out


def _debit_delay(session) -> int:
    """Days between an invoice's issue and its SEPA debit (Paramètres › Organisation)."""
    return session.scalar(select(Organisation.sepa_debit_delay_days)) or 14


def _credits(session) -> dict[uuid.UUID, int]:
    return dict(
        session.execute(
            select(CreditEntry.family_id, func.sum(CreditEntry.amount_cents))
            .group_by(CreditEntry.family_id)
            .having(func.sum(CreditEntry.amount_cents) > 0)
        ).all()
    )


@changes(Topic.INVOICES)
def issue_run(
    store: Store,
    actor: Actor,
    period: RunPeriod,
    excluded: frozenset[uuid.UUID] = frozenset(),
    progress: Progress | None = None,
) -> RunResult:
    """One transaction: the run, its invoices numbered F-YYYY-NNNNNN without a gap, their
    lines, and the family's credit set against each. The drafts are computed again inside the
    transaction, so what is issued is what the data says at that moment."""
    actor.require(Permission.INVOICE_RUN)
    report = progress or (lambda _step, _done, _total: None)
    with store.write(actor) as session:
        now = session.info["now"]
        basis = "des réservations" if period.kind == "month" else "des inscriptions"
        report(f"Calcul des factures d'après {basis} (les mêmes que l'aperçu)", 0, 0)
        preview = compute_drafts(session, period, now.date())
        drafts = [d for d in preview.drafts if d.family_id not in excluded]
        if not drafts:
            raise DomainError("Aucune facture à émettre pour cette période.")
        days = int(read_setting(session, "invoice_due_days", 30))
        due = due_date(now.date(), days)
        year = now.year
        first = take_numbers(session, f"invoice-{year}", len(drafts))
        run = InvoiceRun(
            kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            issued_at=now,
            by=actor.login,
            invoices=len(drafts),
            total_cents=sum(d.total_cents for d in drafts),
            number_in_year=next_number(session, f"invoice-run-{year}"),
        )
        session.add(run)
        session.flush()
        addresses = _addresses(session)
        credits = _credits(session)
        mandates = active_mandates(session, (d.family_id for d in drafts), now.date())
        debited_on = debit_day(now.date(), _debit_delay(session))
        invoices, lines, allocations, uses = [], [], [], []
        for index, draft in enumerate(drafts):
            invoice_id = new_id()
            name, address = addresses.get(draft.family_id, (draft.family_name, ""))
            credit = min(credits.get(draft.family_id, 0), draft.total_cents)
            # Debit notice instead of the coupon: a family on direct debit with money to pay.
            mandate = mandates.get(draft.family_id) if draft.total_cents > credit else None
            invoices.append(
                dict(
                    id=invoice_id,
                    number=f"F-{year}-{first + index:06d}",
                    kind="invoice",
                    family_id=draft.family_id,
                    run_id=run.id,
                    corrects_id=None,
                    period_kind=period.kind,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    issued_at=now,
                    due_date=due,
                    total_cents=draft.total_cents,
                    billing_name=name,
                    billing_address=address,
                    reason="",
                    by=actor.login,
                    mandate_id=mandate.id if mandate else None,
                    debit_date=debited_on if mandate else None,
                )
            )
            position = 0
            for child in draft.children:
                for activity_id, line in child.lines:
                    lines.append(
                        dict(
                            id=new_id(),
                            invoice_id=invoice_id,
                            position=position,
                            child_id=child.child_id,
                            child_name=child.name,
                            child_school=child.school,
                            activity_id=activity_id,
                            label=line.activity,
                            basis=line.basis,
                            quantity=line.quantity,
                            unit_cents=line.unit_cents,
                            amount_cents=line.amount_cents,
                            days=line.days,
                        )
                    )
                    position += 1
            if credit:
                entry_id = new_id()
                uses.append(
                    dict(
                        id=entry_id,
                        family_id=draft.family_id,
                        at=now,
                        amount_cents=-credit,
                        payment_id=None,
                        invoice_id=invoice_id,
                        reason=f"Avoir déduit de la facture F-{year}-{first + index:06d}",
                        by=actor.login,
                    )
                )
                allocations.append(
                    dict(
                        id=new_id(),
                        invoice_id=invoice_id,
                        payment_id=None,
                        credit_entry_id=entry_id,
                        amount_cents=credit,
                        at=now,
                        by=actor.login,
                    )
                )
            if (index + 1) % 50 == 0 or index + 1 == len(drafts):
                report("Numérotation des factures", index + 1, len(drafts))
        report("Enregistrement des factures", 0, 0)
        session.execute(insert(Invoice), invoices)
        session.execute(insert(InvoiceLine), lines)
        if uses:
            session.execute(insert(CreditEntry), uses)
            session.execute(insert(PaymentAllocation), allocations)
        emit(session, InvoicesIssued(tuple(row["id"] for row in invoices)))
        _set_owed(session, [*_owed(session), run.id.hex])
        record(
            session,
            "invoice_run",
            "invoice_run",
            run.id,
            f"Facturation {period.label} : {len(drafts)} facture(s), "
            f"{format_cents(run.total_cents)}",
            invoices=len(drafts),
            total_cents=run.total_cents,
        )
        return RunResult(
            run.id,
            len(drafts),
            run.total_cents,
            invoices[0]["number"],
            invoices[-1]["number"],
        )


def credit_note_of(invoice: Invoice, number: str, issued_at, reason: str, by: str) -> Invoice:
    """The credit note cancelling `invoice` whole: the same family, period, amount and billing
    address, issued (and due) at `issued_at` (the counter's, or a recovered one's)."""
    return Invoice(
        number=number,
        kind="credit_note",
        family_id=invoice.family_id,
        run_id=None,
        corrects_id=invoice.id,
        period_kind=invoice.period_kind,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        period_label=invoice.period_label,
        issued_at=issued_at,
        due_date=issued_at.date(),
        total_cents=invoice.total_cents,
        billing_name=invoice.billing_name,
        billing_address=invoice.billing_address,
        reason=reason,
        by=by,
    )


@changes(Topic.INVOICES)
def credit_note(store: Store, actor: Actor, invoice_id: uuid.UUID, reason: str) -> str:
    """Cancel an invoice with a credit note of the same amount (series A-YYYY-NNNNNN). What
    was already paid on it becomes the family's credit. Returns the credit note's number."""
    actor.require(Permission.INVOICE_RUN)
    if not reason.strip():
        raise InvalidInput("Indiquez le motif de l'avoir.")
    with store.write(actor) as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None or invoice.kind != "invoice":
            raise NotFound("Cette facture n'existe pas.")
        if session.scalar(select(Invoice.id).where(Invoice.corrects_id == invoice.id)):
            raise DomainError(f"La facture {invoice.number} est déjà annulée par un avoir.")
        now = session.info["now"]
        number = f"A-{now.year}-{next_number(session, f'credit-note-{now.year}'):06d}"
        note = credit_note_of(invoice, number, now, reason.strip(), actor.login)
        session.add(note)
        session.flush()
        emit(session, InvoicesIssued((note.id,)))
        for line in session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
        ):
            session.add(
                InvoiceLine(
                    invoice_id=note.id,
                    position=line.position,
                    child_id=line.child_id,
                    child_name=line.child_name,
                    child_school=line.child_school,
                    activity_id=line.activity_id,
                    label=line.label,
                    basis=line.basis,
                    quantity=line.quantity,
                    unit_cents=line.unit_cents,
                    amount_cents=line.amount_cents,
                    days=line.days,
                )
            )
        settled = session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0)).where(
                PaymentAllocation.invoice_id == invoice.id
            )
        )
        if settled:
            session.add(
                CreditEntry(
                    family_id=invoice.family_id,
                    at=now,
                    amount_cents=settled,
                    payment_id=None,
                    invoice_id=invoice.id,
                    reason=f"Déjà réglé sur la facture {invoice.number}, annulée par {number}",
                    by=actor.login,
                )
            )
        record(
            session,
            "credit_note",
            "invoice",
            invoice.id,
            f"Avoir {number} sur la facture {invoice.number} : {reason.strip()}",
            credit_note=number,
        )
        return number


def family_credit(store: Store, family_id: uuid.UUID) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.coalesce(func.sum(CreditEntry.amount_cents), 0)).where(
                CreditEntry.family_id == family_id
            )
        )


def settled_by_invoice(session, invoice_ids) -> dict[uuid.UUID, int]:
    totals: dict[uuid.UUID, int] = defaultdict(int)
    for invoice_id, amount in session.execute(
        select(PaymentAllocation.invoice_id, PaymentAllocation.amount_cents).where(
            PaymentAllocation.invoice_id.in_(invoice_ids)
        )
    ):
        totals[invoice_id] += amount
    return totals


# ---------------------------------------------------------------- PDFs owed by a run


def _owed(session) -> list[str]:
    return list(read_setting(session, PDFS_OWED, []))


def _set_owed(session, run_ids: list[str]) -> None:
    """A core upsert: the program's own bookkeeping, not a change an agent made (no audit)."""
    statement = sqlite_insert(Setting).values(key=PDFS_OWED, value=json.dumps(run_ids))
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        )
    )


def runs_owing_pdfs(store: Store) -> list[uuid.UUID]:
    """The runs issued whose PDFs were never all written in the documents folder."""
    with store.read() as session:
        return [uuid.UUID(run_id) for run_id in _owed(session)]


@changes(Topic.INVOICES)
def pdfs_written(store: Store, actor: Actor, run_id: uuid.UUID) -> None:
    """The run's PDFs are all in the documents folder: it owes none any more."""
    with store.read() as session:
        if run_id.hex not in _owed(session):
            return
    with store.write(actor) as session:
        _set_owed(session, [owed for owed in _owed(session) if owed != run_id.hex])
