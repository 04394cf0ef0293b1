"""Reminder letters (lettres de relance) for the families whose invoices are past due."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Invoice
from eticket_desk.reports import reminder_letter
from eticket_desk.reports.reminder_letter import ReminderData, ReminderInvoice
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import person_label, regie_title
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.catalogue.organisation_logo import load_logo
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.queries import InvoiceSummary, unpaid_invoices

GRACE_DAYS = 15  # the new deadline the letter gives


def overdue_by_family(store: Store, actor: Actor) -> dict[uuid.UUID, list[InvoiceSummary]]:
    """The unpaid invoices past their due date, by family."""
    today = store.clock.today()
    found: dict[uuid.UUID, list[InvoiceSummary]] = defaultdict(list)
    for invoice in unpaid_invoices(store, actor):
        if invoice.due_date < today:
            found[invoice.family_id].append(invoice)
    return dict(found)


def reminder_data(store: Store, actor: Actor, family_id: uuid.UUID):
    actor.require(Permission.INVOICE_RUN)
    today = store.clock.today()
    invoices = [i for i in unpaid_invoices(store, actor, family_id) if i.due_date < today]
    if not invoices:
        raise DomainError("Cette famille n'a aucune facture échue à relancer.")
    with store.read() as session:
        address = session.execute(
            select(Invoice.billing_name, Invoice.billing_address).where(
                Invoice.id == invoices[-1].id
            )
        ).one()
        signer = person_label(session, actor.login)
    return ReminderData(
        organisation=load_organisation(store),
        family_reference=invoices[0].family_reference,
        billing_name=address[0],
        address_lines=tuple(line for line in address[1].split("\n") if line),
        issued_on=today,
        pay_by=today + timedelta(days=GRACE_DAYS),
        invoices=tuple(
            ReminderInvoice(
                i.number, i.issued_at.date(), i.due_date, i.total_cents, i.settled_cents
            )
            for i in invoices
        ),
        total_remaining_cents=sum(i.left_cents for i in invoices),
        signer=signer,
        signer_title=regie_title(actor.civility),
        logo=load_logo(store),
    )


def print_reminders(
    store: Store, actor: Actor, family_ids: list[uuid.UUID], out_dir: Path | None = None
) -> list[Path]:
    """One letter per family, in `out_dir` (by default Relances/<year>/)."""

    written = []
    for family_id in family_ids:
        data = reminder_data(store, actor, family_id)
        name = f"Relance {data.family_reference} {data.issued_on:%Y-%m-%d}.pdf"
        out = (
            Path(out_dir) / name
            if out_dir is not None
            else document_path(store, "reminder", data.issued_on.year, name)
        )
        written.append(reminder_letter.render(data, out))
    return written
