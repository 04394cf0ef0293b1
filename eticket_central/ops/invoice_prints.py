"""What each invoice and credit note printed at the desk, kept as the op brought it
(`printed`) so that the portal renders the same document (portal/invoice_document.py).
A document once issued never changes: the first copy stays."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from eticket_central.models import InvoicePrint
from eticket_desk.sync.payloads import PrintedInvoice

_SAVE_ONE = text(
    "INSERT INTO invoice_prints (invoice_id, kind, tenant_id, data) VALUES (:invoice_id, "
    ":kind, :tenant_id, :data) ON CONFLICT DO NOTHING"
).bindparams(bindparam("data", type_=JSONB))
_SAVE_MANY = text(
    "INSERT INTO invoice_prints (invoice_id, kind, tenant_id, data) SELECT p.id, 'invoice', "
    ":tenant_id, p.data FROM unnest(CAST(:ids AS uuid[]), CAST(:data AS jsonb[])) AS p(id, data) "
    "ON CONFLICT DO NOTHING"
)


def save_print(
    session: Session,
    tenant_id: uuid.UUID,
    invoice_id: uuid.UUID,
    kind: str,
    printed: PrintedInvoice | None,
) -> None:
    if printed is None:  # a desk older than the portal's PDF
        return
    data = printed.model_dump(mode="json")
    session.execute(
        _SAVE_ONE, {"invoice_id": invoice_id, "kind": kind, "tenant_id": tenant_id, "data": data}
    )


def save_invoice_prints(
    session: Session, tenant_id: uuid.UUID, printed: dict[uuid.UUID, PrintedInvoice | None]
) -> None:
    """The invoices of a run (a first upload's thousands) in one statement."""
    kept = {invoice_id: p for invoice_id, p in printed.items() if p is not None}
    if not kept:
        return
    session.execute(
        _SAVE_MANY,
        {
            "tenant_id": tenant_id,
            "ids": list(kept),
            "data": [json.dumps(p.model_dump(mode="json")) for p in kept.values()],
        },
    )


def debit_days(session: Session, invoice_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, date]:
    """The day each of these invoices is debited (SEPA), as its printed copy says: such an
    invoice is not paid online (the portal shows « Prélevé le … » instead)."""
    ids = list(invoice_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(InvoicePrint.invoice_id, InvoicePrint.data["debit"]["debit_on"].astext).where(
            InvoicePrint.invoice_id.in_(ids), InvoicePrint.kind == "invoice"
        )
    )
    return {invoice_id: date.fromisoformat(day) for invoice_id, day in rows if day}
