"""Where the files of a past invoice run are (its folder and its merged file to print), so a
run can be printed again without writing its PDFs anew; and the PDFs a run still owes (the
program was killed after the run's commit) written at the next start or run."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import InvoiceRun
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYSTEM, Actor, Store
from eticket_desk.services.invoicing import documents as invoice_documents
from eticket_desk.services.invoicing.queries import RunSummary
from eticket_desk.services.invoicing.run import Progress, pdfs_written, runs_owing_pdfs

log = logging.getLogger(__name__)


def run_folder(store: Store, run: RunSummary) -> Path:
    """`documents/Factures/<year>/<period>/`, where write_run_pdfs writes by default."""
    return invoice_documents.run_folder(store, run.issued_at.year, run.period_label)


def run_print_file(store: Store, run: RunSummary) -> Path | None:
    """The run's merged file to print, or None when its PDFs were never written here."""
    merged = run_folder(store, run) / invoice_documents.merged_name(run.period_label)
    return merged if merged.exists() else None


@changes(Topic.INVOICES)
def write_owed_pdfs(store: Store, actor: Actor, progress: Progress | None = None) -> list[str]:
    """The missing PDFs of every run issued but not all written (killed after its commit), in
    the documents folder; the files already there are kept. Returns the runs' period labels."""
    done = []
    for run_id in runs_owing_pdfs(store):
        with store.read() as session:
            label = session.scalar(select(InvoiceRun.period_label).where(InvoiceRun.id == run_id))
        if label is None:  # a run this base does not hold (a restored older backup)
            pdfs_written(store, actor, run_id)
            continue
        invoice_documents.write_run_pdfs(store, actor, run_id, None, progress, missing_only=True)
        done.append(label)
    return done


@changes(Topic.INVOICES)
def write_owed_pdfs_at_start(store: Store) -> list[str]:
    """At the start of the program: never raises (a failure is logged, the next start tries
    again), so a full disk cannot keep the counter from opening."""
    try:
        written = write_owed_pdfs(store, SYSTEM)
    except Exception:
        log.exception("the PDFs owed by an invoice run could not be written")
        return []
    if written:
        log.info("PDFs owed by the invoice runs of %s written", ", ".join(written))
    return written
