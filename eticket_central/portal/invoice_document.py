"""A family's invoice or credit note as the desk printed it, rebuilt from what the desk sent
(invoice_prints), the commune's organisation record and the server's amounts, for the same
renderer (eticket_desk.reports.invoice): one layout, not a second one for the web.

What is left to pay is the server's (a payment online or at another desk counts), as the
desk's reprint shows its own; the logo stays on each desk and is not printed here.
"""

from __future__ import annotations

import uuid
from dataclasses import fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.models import CommuneRecord, Family, Invoice, InvoicePrint
from eticket_desk.reports.inputs import OrganisationData
from eticket_desk.reports.invoice import InvoiceData, InvoiceLine, children_of
from eticket_desk.reports.invoice_debit import DebitNotice
from eticket_desk.rules.dgfip_datamatrix import DatamatrixReference

_ORGANISATION = frozenset(f.name for f in fields(OrganisationData))


def organisation(session: Session, tenant_id: uuid.UUID) -> OrganisationData:
    data = session.scalar(
        select(CommuneRecord.data)
        .where(CommuneRecord.tenant_id == tenant_id, CommuneRecord.entity == "organisation")
        .order_by(CommuneRecord.updated_at.desc())
        .limit(1)
    )
    if data is None:
        return OrganisationData()
    return OrganisationData(**{k: v for k, v in data.items() if k in _ORGANISATION})


def family_document(
    session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID, invoice_id: uuid.UUID, kind: str
) -> InvoiceData | None:
    """The document of that family's invoice, else None: another commune's or family's, one
    the server does not hold, or one sent by a desk that did not send what it printed."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or (invoice.tenant_id, invoice.family_id) != (tenant_id, family_id):
        return None
    printed = session.get(InvoicePrint, (invoice_id, kind))
    family = session.get(Family, family_id)
    if printed is None or family is None:
        return None
    data = printed.data
    children = children_of(
        (child["name"], child["school"], InvoiceLine(*line))
        for child in data["children"]
        for line in child["lines"]
    )
    total = sum(child.subtotal_cents for child in children)
    common = {
        "organisation": organisation(session, tenant_id),
        "family_reference": family.reference,
        "billing_name": data["billing_name"],
        "address_lines": tuple(data["address"]),
        "period_label": data["period"],
        "children": children,
        "total_cents": total,
        "note": data["note"],
    }
    if kind == "credit_note":
        if invoice.cancelled_at is None:
            return None
        return InvoiceData(
            kind="credit_note",
            number=invoice.credit_note_number,
            issued_on=invoice.cancelled_at.date(),
            due_on=None,
            amount_due_cents=0,
            refers_to=invoice.number,
            refers_to_date=invoice.issued_on,
            **common,
        )
    paid = invoice.paid_cents
    debit = data.get("debit")  # absent from a copy of an older desk or a family that pays
    code = data.get("datamatrix")  # the tobacconist's code of a titres commune, as printed
    return InvoiceData(
        kind="invoice",
        number=invoice.number,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        amount_due_cents=max(0, total - paid),
        paid_cents=min(paid, total),
        debit=DebitNotice(
            date.fromisoformat(debit["debit_on"]), debit["account"], debit["rum"], debit["ics"]
        )
        if debit
        else None,
        datamatrix=DatamatrixReference(**code) if code else None,
        **common,
    )
