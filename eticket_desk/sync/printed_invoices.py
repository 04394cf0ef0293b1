"""What an invoice or credit note prints of its own, carried by its op (`printed` of
invoice.issue and invoice.cancel), so that the families' portal serves the document the desk
issued: the same lines, read from the frozen rows, rendered by the same reports.invoice; and
the references of the DGFiP « paiement de proximité » code it carries (proximity_references),
read here once for the desk's PDF and for the op."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Activity, Invoice, InvoiceLine, Organisation, SepaMandate
from eticket_desk.rules.dgfip_datamatrix import DatamatrixReference, reference_for
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.treasury import masked_iban


def proximity_references(
    session: Session, invoices: list[Invoice]
) -> dict[uuid.UUID, DatamatrixReference]:
    """The datamatrix references of the invoices that print the tobacconist's code: those of a
    commune in titres mode, not credit notes, not debited (a mandate's invoice says when it is
    debited instead). The product is the first line's activity's; an invoice whose codes are
    missing (CodCol, IdPost, a product code starting with two digits) gets none — the PES
    export refuses such a run with its own French message."""
    org = session.scalar(select(Organisation))
    if org is None or org.collection_mode != "titres":
        return {}
    wanted = [i for i in invoices if i.kind == "invoice" and i.mandate_id is None]
    products: dict[uuid.UUID, str] = {}
    ids = [i.id for i in wanted]
    for chunk in range(0, len(ids), 900):
        rows = session.execute(
            select(InvoiceLine.invoice_id, Activity.product_code)
            .join(Activity, Activity.id == InvoiceLine.activity_id)
            .where(InvoiceLine.invoice_id.in_(ids[chunk : chunk + 900]))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position.desc())
        )
        for invoice_id, code in rows:  # the last row kept per invoice: its first line's
            products[invoice_id] = code
    references = {}
    for invoice in wanted:
        try:
            references[invoice.id] = reference_for(
                org.pes_cod_col,
                org.pes_id_post,
                products.get(invoice.id, ""),
                invoice.issued_at.year,
                invoice.period_start.month,
                invoice.number,
            )
        except InvalidInput:
            continue
    return references


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
    codes = proximity_references(session, invoices)
    return {
        invoice.id: _printed(
            invoice, lines[invoice.id], debits.get(invoice.id), codes.get(invoice.id)
        )
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
    invoice: Invoice,
    lines: list[InvoiceLine],
    debit: dict[str, str] | None = None,
    code: DatamatrixReference | None = None,
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
    if code is not None:  # the tobacconist's code of a titres commune
        printed["datamatrix"] = asdict(code)
    return printed
