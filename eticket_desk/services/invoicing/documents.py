"""The printed invoices: what each PDF shows, read in bulk for a run, and the files written
(one per invoice and one merged file to print). A run whose files are all in the documents
folder owes no PDF any more (invoicing.pdfs_written)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Family, Invoice, InvoiceLine, InvoiceRun, SepaMandate
from eticket_desk.paths import safe_file_name
from eticket_desk.reports import invoice as invoice_pdf
from eticket_desk.reports import invoice_run
from eticket_desk.reports.invoice import InvoiceData, children_of
from eticket_desk.reports.invoice import InvoiceLine as PrintedLine
from eticket_desk.reports.invoice_debit import DebitNotice
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.treasury import masked_iban
from eticket_desk.services.catalogue.organisation import OrganisationData, load_organisation
from eticket_desk.services.catalogue.organisation_logo import load_logo
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.restored import RECOVERED_INVOICE
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.run import Progress, pdfs_written, settled_by_invoice
from eticket_desk.sync.printed_invoices import proximity_references


def _data(
    session: Session,
    organisation: OrganisationData,
    invoices: list[Invoice],
    logo: bytes | None = None,
) -> list:
    ids = [i.id for i in invoices]
    references = dict(
        session.execute(
            select(Family.id, Family.reference).where(
                Family.id.in_({i.family_id for i in invoices})
            )
        ).all()
    )
    lines: dict[uuid.UUID, list[InvoiceLine]] = defaultdict(list)
    for chunk in range(0, len(ids), 900):
        for line in session.scalars(
            select(InvoiceLine)
            .where(InvoiceLine.invoice_id.in_(ids[chunk : chunk + 900]))
            .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
        ):
            lines[line.invoice_id].append(line)
    settled: dict[uuid.UUID, int] = {}
    for chunk in range(0, len(ids), 900):
        settled.update(settled_by_invoice(session, ids[chunk : chunk + 900]))
    corrected = {
        i.corrects_id: session.get(Invoice, i.corrects_id) for i in invoices if i.corrects_id
    }
    debits = debit_notices(session, organisation.sepa_ics, invoices)
    proximity = proximity_references(session, invoices)
    out = []
    for invoice in invoices:
        printed = children_of(
            (
                line.child_name,
                line.child_school,
                PrintedLine(
                    line.label,
                    line.basis,
                    line.quantity,
                    line.unit_cents,
                    line.amount_cents,
                    line.days,
                ),
            )
            for line in lines[invoice.id]
        )
        credit_note = invoice.kind == "credit_note"
        paid = 0 if credit_note else settled.get(invoice.id, 0)
        original = corrected.get(invoice.corrects_id)
        out.append(
            InvoiceData(
                organisation=organisation,
                kind=invoice.kind,
                number=invoice.number,
                family_reference=references[invoice.family_id],
                billing_name=invoice.billing_name,
                address_lines=tuple(invoice.billing_address.split("\n")),
                issued_on=invoice.issued_at.date(),
                period_label=invoice.period_label,
                due_on=None if credit_note else invoice.due_date,
                children=printed,
                total_cents=invoice.total_cents,
                amount_due_cents=0 if credit_note else max(0, invoice.total_cents - paid),
                paid_cents=min(paid, invoice.total_cents),
                refers_to=original.number if original else "",
                refers_to_date=original.issued_at.date() if original else None,
                note=invoice.reason,
                logo=logo,
                debit=debits.get(invoice.id),
                datamatrix=proximity.get(invoice.id),
            )
        )
    return out


def debit_notices(
    session: Session, ics: str, invoices: list[Invoice]
) -> dict[uuid.UUID, DebitNotice]:
    """The SEPA pre-notification of each invoice the run set on a mandate (a credit note has
    none), by invoice id: the account as the mandate holds it now, masked."""
    wanted = {i.mandate_id for i in invoices if i.mandate_id and i.debit_date}
    mandates: dict[uuid.UUID, SepaMandate] = {}
    ids = list(wanted)
    for chunk in range(0, len(ids), 900):
        query = select(SepaMandate).where(SepaMandate.id.in_(ids[chunk : chunk + 900]))
        mandates.update((m.id, m) for m in session.scalars(query))
    return {
        invoice.id: DebitNotice(
            invoice.debit_date,
            masked_iban(mandates[invoice.mandate_id].iban),
            mandates[invoice.mandate_id].rum,
            ics,
        )
        for invoice in invoices
        if invoice.kind == "invoice" and invoice.mandate_id in mandates and invoice.debit_date
    }


def invoice_data(store: Store, actor: Actor, invoice_id: uuid.UUID):
    actor.require(Permission.FAMILY_VIEW)
    organisation = load_organisation(store)
    with store.read() as session:
        invoice = session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound("Cette facture n'existe pas.")
        lines = select(InvoiceLine.id).where(InvoiceLine.invoice_id == invoice.id).limit(1)
        if invoice.reason == RECOVERED_INVOICE and session.scalar(lines) is None:
            raise DomainError(
                f"{invoice.number} : {RECOVERED_INVOICE[0].lower()}{RECOVERED_INVOICE[1:]} (ce "
                "poste a été restauré depuis une sauvegarde qui ne l'avait pas). Son PDF, écrit "
                "à l'émission, est peut-être encore dans le dossier des documents (Factures)."
            )
        return _data(session, organisation, [invoice], load_logo(store))[0]


def print_invoice(store: Store, actor: Actor, invoice_id: uuid.UUID, out: Path | None = None):
    """The PDF of one invoice or credit note (as it stands now: what is left to pay); one a
    restored desk got back from the server without its lines says so instead of printing an
    empty invoice (`invoice_data`, syncing/recovered_money.py)."""

    data = invoice_data(store, actor, invoice_id)
    if out is None:
        out = document_path(store, "invoice", data.issued_on.year, f"{data.number}.pdf")
    return invoice_pdf.render(data, out)


def run_folder(store: Store, year: int, period_label: str) -> Path:
    """`documents/Factures/<year>/<period>/`: where a run's PDFs go by default."""
    return document_path(store, "invoice", year, period_label)


def merged_name(period_label: str) -> str:
    """The run's one file to print: « Factures novembre 2026 - à imprimer.pdf »."""
    return safe_file_name(f"Factures {period_label} - à imprimer.pdf")


@changes(Topic.INVOICES)
def write_run_pdfs(
    store: Store,
    actor: Actor,
    run_id: uuid.UUID,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    missing_only: bool = False,
) -> tuple[list[Path], Path]:
    """One PDF per invoice of the run and the merged file to print, in `out_dir` (by default
    the documents folder: Factures/<year>/<period>/). Returns (files, merged file).
    `progress` counts the invoices written, after a busy step while they are read.
    `missing_only` keeps the files already there (a run cut half-way is finished)."""

    actor.require(Permission.INVOICE_RUN)
    report = progress or (lambda _step, _done, _total: None)
    report("Lecture des factures émises", 0, 0)
    organisation = load_organisation(store)
    logo = load_logo(store)
    with store.read() as session:
        run = session.get(InvoiceRun, run_id)
        if run is None:
            raise NotFound("Cette facturation n'existe pas.")
        invoices = list(
            session.scalars(
                select(Invoice).where(Invoice.run_id == run_id).order_by(Invoice.number)
            )
        )
        datas = _data(session, organisation, invoices, logo)
        label = run.period_label
        year = run.issued_at.year
    documents = run_folder(store, year, label)
    out_dir = Path(out_dir) if out_dir is not None else documents
    merged = out_dir / merged_name(label)
    count = len(datas)

    def written(done: int, total: int) -> None:
        """render_all counts the invoices' files, then the merged one (total = count + 1)."""
        if done < count:
            report("Écriture des PDF", done, count)
        elif done < total:  # every invoice's file is there, the file to print is closing
            report("Assemblage du fichier à imprimer", 0, 0)
        else:
            report("PDF écrits", count, count)

    report("Démarrage de l'écriture des PDF", 0, 0)  # until the first file is there
    files = invoice_run.render_all(
        datas, out_dir, merged, progress=written, missing_only=missing_only
    )
    for part in out_dir.glob(f"*{invoice_run.PART}"):  # what a killed writer left
        part.unlink(missing_ok=True)
    if out_dir.resolve() == documents.resolve():
        pdfs_written(store, actor, run_id)
    return files, merged
