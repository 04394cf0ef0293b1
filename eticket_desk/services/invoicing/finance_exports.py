"""Exports for the commune's finance software: the receipts journal (every payment received in
a date range) and a month's invoices (one row per invoice line, credit notes negative), as
CSV or Excel (finance_files). The layout, column by column, is docs/finance_exports.md."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import (
    Activity,
    DepositSlip,
    Family,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
    Sale,
    TillSession,
)
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import METHOD_LABELS, Method
from eticket_desk.services.access.people import People
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.finance_files import Column, write_table

SALE_KINDS = {"tickets": "Vente de tickets", "invoices": "Règlement de factures"}
CANCELLED = "Annulation du reçu"

RECEIPT_COLUMNS = (
    Column("Date", "date"),
    Column("Heure", "text", 7),
    Column("N° de reçu", "text", 14),
    Column("Factures réglées", "text", 26),
    Column("Objet", "text", 22),
    Column("Référence famille", "text", 12),
    Column("Famille", "text", 28),
    Column("Mode de règlement", "text", 16),
    Column("Montant", "money"),
    Column("N° de chèque", "text", 14),
    Column("Banque", "text", 20),
    Column("Bordereau de remise", "text", 14),
    Column("Caisse", "text", 18),
    Column("Agent", "text", 24),
)
INVOICE_COLUMNS = (
    Column("Type", "text", 8),
    Column("N° de pièce", "text", 16),
    Column("Date d'émission", "date"),
    Column("Date d'échéance", "date"),
    Column("Référence famille", "text", 12),
    Column("Redevable", "text", 28),
    Column("Enfant", "text", 24),
    Column("Activité", "text", 22),
    Column("Code produit", "text", 10),
    Column("Nature comptable", "text", 10),
    Column("Quantité", "int"),
    Column("Prix unitaire", "money"),
    Column("Montant", "money"),
    Column("Facture d'origine", "text", 16),
)


@dataclass(frozen=True)
class ExportDone:
    path: Path
    rows: int
    total_cents: int


def _fmt(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def receipt_rows(store: Store, actor: Actor, first: date, last: date) -> list[tuple]:
    """One row per payment received from `first` to `last` (inclusive), in order of time; a
    cancelled receipt's reversal is its own negative row (« Annulation du reçu »)."""
    actor.require(Permission.INVOICE_RUN)
    if last < first:
        raise InvalidInput("La date de fin est avant la date de début.")
    start, end = datetime.combine(first, time()), datetime.combine(last + timedelta(1), time())
    with store.read() as session:
        people = People(session)
        rows = session.execute(
            select(Payment, Sale, Family.reference, Family.display_name, TillSession.opened_at)
            .outerjoin(Sale, Sale.id == Payment.sale_id)
            .outerjoin(Family, Family.id == Sale.family_id)
            .outerjoin(TillSession, TillSession.id == Payment.till_id)
            .where(Payment.at >= start, Payment.at < end)
            .order_by(Payment.at, Sale.receipt_number, Payment.id)
        ).all()
        ids = [payment.id for payment, *_ in rows]
        invoices: dict[uuid.UUID, list[str]] = defaultdict(list)
        for chunk in range(0, len(ids), 900):
            for payment_id, number in session.execute(
                select(PaymentAllocation.payment_id, Invoice.number)
                .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
                .where(PaymentAllocation.payment_id.in_(ids[chunk : chunk + 900]))
                .order_by(Invoice.number)
            ):
                if number not in invoices[payment_id]:
                    invoices[payment_id].append(number)
        slips = dict(session.execute(select(DepositSlip.id, DepositSlip.number)).all())
        out = []
        for payment, sale, reference, name, opened in rows:
            kind = SALE_KINDS.get(sale.kind, sale.kind) if sale else "Règlement"
            if payment.amount_cents < 0:
                kind = CANCELLED
            method = Method(payment.method) if payment.method in Method._value2member_map_ else None
            out.append(
                (
                    payment.at.date(),
                    _fmt(payment.at),
                    sale.receipt_number if sale else "",
                    ", ".join(invoices.get(payment.id, ())),
                    kind,
                    reference or "",
                    name or "",
                    METHOD_LABELS[method] if method else payment.method,
                    payment.amount_cents,
                    payment.cheque_number,
                    payment.cheque_bank,
                    slips.get(payment.deposit_slip_id, ""),
                    f"Caisse du {opened:%d/%m/%Y}" if opened else "",
                    people.label(sale.by) if sale else "",
                )
            )
        return out


def invoice_rows(store: Store, actor: Actor, period: str) -> list[tuple]:
    """One row per line of the invoices billing the month `period` (« 2026-11 ») and of the
    credit notes cancelling them (negative), by number."""
    actor.require(Permission.INVOICE_RUN)
    month = month_period(period)
    with store.read() as session:
        invoices = list(
            session.scalars(
                select(Invoice)
                .where(Invoice.period_start >= month.start, Invoice.period_start <= month.end)
                .order_by(Invoice.kind.desc(), Invoice.number)  # invoices, then credit notes
            )
        )
        ids = [i.id for i in invoices]
        references = dict(session.execute(select(Family.id, Family.reference)).all())
        originals = {i.id: i.number for i in invoices}
        for missing in {i.corrects_id for i in invoices} - set(originals) - {None}:
            originals[missing] = session.get(Invoice, missing).number
        activities = {
            a.id: (a.product_code, a.accounting_nature) for a in session.scalars(select(Activity))
        }
        lines: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
        for chunk in range(0, len(ids), 900):
            for line in session.scalars(
                select(InvoiceLine)
                .where(InvoiceLine.invoice_id.in_(ids[chunk : chunk + 900]))
                .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
            ):
                lines[line.invoice_id].append(line)
        out = []
        for invoice in invoices:
            credit = invoice.kind == "credit_note"
            sign = -1 if credit else 1
            for line in lines[invoice.id]:
                product, nature = activities.get(line.activity_id, ("", ""))
                out.append(
                    (
                        "Avoir" if credit else "Facture",
                        invoice.number,
                        invoice.issued_at.date(),
                        None if credit else invoice.due_date,
                        references.get(invoice.family_id, ""),
                        invoice.billing_name,
                        line.child_name,
                        line.label,
                        product,
                        nature,
                        sign * line.quantity,
                        line.unit_cents,
                        sign * line.amount_cents,
                        originals.get(invoice.corrects_id, "") if credit else "",
                    )
                )
        return out


@changes(unseen="an export writes a file and its audit line; no screen shows either")
def export_receipts(store: Store, actor: Actor, first: date, last: date, out: Path) -> ExportDone:
    """The receipts journal from `first` to `last` written to `out` (.csv or .xlsx)."""
    rows = receipt_rows(store, actor, first, last)
    title = f"Journal des encaissements du {first:%d/%m/%Y} au {last:%d/%m/%Y}"
    return _written(store, actor, title, RECEIPT_COLUMNS, rows, out, amount=8)


@changes(unseen="an export writes a file and its audit line; no screen shows either")
def export_invoices(store: Store, actor: Actor, period: str, out: Path) -> ExportDone:
    """The month's invoices and credit notes, line by line, written to `out` (.csv or .xlsx)."""
    rows = invoice_rows(store, actor, period)
    title = f"Factures et avoirs de {month_period(period).label}"
    return _written(store, actor, title, INVOICE_COLUMNS, rows, out, amount=12)


def _written(store, actor, title, columns, rows, out: Path, amount: int) -> ExportDone:
    path = write_table(Path(out), title, columns, rows)
    total = sum(row[amount] for row in rows)
    with store.write(actor) as session:
        record(
            session,
            "export",
            "finance",
            None,
            f"Export pour la comptabilité : {title} ({len(rows)} lignes)",
            file=str(path),
        )
    return ExportDone(path, len(rows), total)
