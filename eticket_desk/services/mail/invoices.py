"""« Envoyer les factures par e-mail » after an invoice run: each invoice of the run goes,
with its PDF, to the adult who pays if he accepted documents by e-mail; the others are
counted with the reason. Queued once per invoice and address (queue.queue_document)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Family, Invoice, InvoiceRun
from eticket_desk.reports.invoice import file_name
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.documents import invoice_data, print_invoice, run_folder
from eticket_desk.services.mail.queue import NotQueued, queue_document, recipient_of
from eticket_desk.services.mail.texts import invoice_body, invoice_subject


@dataclass
class QueuedInvoices:
    queued: int = 0
    already: int = 0  # queued or sent before
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (family, French reason)
    stopped: bool = False


def run_invoices(store: Store, actor: Actor, run_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """(invoice id, family name) of the run's invoices (not its credit notes)."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        if session.get(InvoiceRun, run_id) is None:
            raise NotFound("Cette facturation n'existe pas.")
        rows = session.execute(
            select(Invoice.id, Family.display_name)
            .join(Family, Family.id == Invoice.family_id)
            .where(Invoice.run_id == run_id, Invoice.kind == "invoice")
            .order_by(Invoice.number)
        ).all()
    return [(i, name) for i, name in rows]


def run_mail_count(store: Store, actor: Actor, run_id: uuid.UUID) -> tuple[int, int]:
    """(invoices that can go by e-mail, invoices of the run): the button's count."""
    invoices = run_invoices(store, actor, run_id)
    sendable = 0
    with store.read() as session:
        for invoice_id, _name in invoices:
            family_id = session.scalar(select(Invoice.family_id).where(Invoice.id == invoice_id))
            try:
                recipient_of(session, family_id)
            except NotQueued:
                continue
            sendable += 1
    return sendable, len(invoices)


@changes(Topic.MAIL, Topic.FAMILIES)
def queue_run_invoices(
    store: Store,
    actor: Actor,
    run_id: uuid.UUID,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> QueuedInvoices:
    """Queues the run's invoices for e-mail (their PDFs written if missing); `progress(done,
    total)` after each, `should_stop()` before each: a stopped run keeps what it queued."""
    result = QueuedInvoices()
    invoices = run_invoices(store, actor, run_id)
    for done, (invoice_id, family_name) in enumerate(invoices):
        if should_stop is not None and should_stop():
            result.stopped = True
            break
        with store.read() as session:
            invoice = session.get(Invoice, invoice_id)
            try:
                recipient_of(session, invoice.family_id)
            except NotQueued as refusal:
                result.skipped.append((family_name, refusal.message))
                invoice = None
        if invoice is not None:
            data = invoice_data(store, actor, invoice_id)
            path = run_folder(store, invoice.issued_at.year, invoice.period_label) / file_name(data)
            if not Path(path).exists():
                print_invoice(store, actor, invoice_id, path)
            with store.write(actor) as session:
                org = organisation_data(session)
                recipient = recipient_of(session, invoice.family_id)
                queued = queue_document(
                    session,
                    kind="invoice",
                    document_id=invoice.number,
                    recipient=recipient,
                    family_id=invoice.family_id,
                    subject=invoice_subject(org, invoice.number, invoice.period_label),
                    body=invoice_body(
                        org,
                        recipient.name,
                        invoice.number,
                        invoice.period_label,
                        invoice.total_cents,
                        invoice.due_date,
                    ),
                    attachment_name=file_name(data),
                    attachment_path=str(path),
                )
            if queued is None:
                result.already += 1
            else:
                result.queued += 1
        if progress is not None:
            progress(done + 1, len(invoices))
    return result
