"""What an invoice or credit note prints of its own, carried by its op (`printed` of
invoice.issue and invoice.cancel), so that the families' portal serves the document the desk
issued: the same lines, read from the frozen rows, rendered by the same reports.invoice."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Invoice, InvoiceLine


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
    return {invoice.id: _printed(invoice, lines[invoice.id]) for invoice in invoices}


def _printed(invoice: Invoice, lines: list[InvoiceLine]) -> dict[str, Any]:
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
    return {
        "billing_name": invoice.billing_name,
        "address": invoice.billing_address.split("\n"),
        "period": invoice.period_label,
        "note": invoice.reason or "",
        "children": list(children.values()),
    }
