"""What an invoice or credit note prints of its own, carried by its op (`printed` of
invoice.issue and invoice.cancel), so that the families' portal serves the document the desk
issued: the same lines, read from the frozen rows, rendered by the same reports.invoice."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Invoice, InvoiceLine, Organisation, SepaMandate
from eticket_desk.rules.treasury import masked_iban


def printed_invoices(session: Session, invoices: list[Invoice]) -> dict[uuid.UUID, dict[str, Any]]:
    """The `printed` payload of each invoice, by id (its lines read in one statement)."""
    lines: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
    ids = [invoice.id for invoice in invoices]
    for line in session.scalars(
        select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
    ):
        lines[line.invoice_id].append(line)
    debits = _debits(session, invoices)
    return {
        invoice.id: _printed(invoice, lines[invoice.id], debits.get(invoice.id))
        for invoice in invoices
    }


def _debits(session: Session, invoices: list[Invoice]) -> dict[uuid.UUID, dict[str, str]]:
    """The SEPA pre-notification each debited invoice prints (day, masked account, RUM, ICS),
    so that the portal's copy says the same and offers no online payment."""
    debited = [i for i in invoices if i.kind == "invoice" and i.mandate_id and i.debit_date]
    if not debited:
        return {}
    ics = session.scalar(select(Organisation.sepa_ics)) or ""
    mandates = {
        m.id: m
        for m in session.scalars(
            select(SepaMandate).where(SepaMandate.id.in_({i.mandate_id for i in debited}))
        )
    }
    return {
        invoice.id: {
            "debit_on": invoice.debit_date.isoformat(),
            "account": masked_iban(mandates[invoice.mandate_id].iban),
            "rum": mandates[invoice.mandate_id].rum,
            "ics": ics,
        }
        for invoice in debited
        if invoice.mandate_id in mandates
    }


def _printed(
    invoice: Invoice, lines: list[InvoiceLine], debit: dict[str, str] | None = None
) -> dict[str, Any]:
    children: dict[str, dict[str, Any]] = {}
    for line in lines:
        child = children.setdefault(
            line.child_name, {"name": line.child_name, "school": "", "lines": []}
        )
        child["school"] = line.child_school  # the last line's, as the desk prints it
        child["lines"].append(
            (
                line.label,
                line.basis,
                line.quantity,
                line.unit_cents,
                line.amount_cents,
                line.days,
            )
        )
    printed: dict[str, Any] = {
        "billing_name": invoice.billing_name,
        "address": invoice.billing_address.split("\n"),
        "period": invoice.period_label,
        "note": invoice.reason or "",
        "children": list(children.values()),
    }
    if debit is not None:  # only then: a copy without it reads as before
        printed["debit"] = debit
    return printed
