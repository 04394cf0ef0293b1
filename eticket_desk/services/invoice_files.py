"""Where the files of a past invoice run are (its folder and its merged file to print), so a
run can be printed again without writing its PDFs anew."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.services import invoice_documents
from eticket_desk.services.invoice_queries import RunSummary
from eticket_desk.services.store import Store


def run_folder(store: Store, run: RunSummary) -> Path:
    """`documents/Factures/<year>/<period>/`, where write_run_pdfs writes by default."""
    return invoice_documents.run_folder(store, run.issued_at.year, run.period_label)


def run_print_file(store: Store, run: RunSummary) -> Path | None:
    """The run's merged file to print, or None when its PDFs were never written here."""
    merged = run_folder(store, run) / invoice_documents.merged_name(run.period_label)
    return merged if merged.exists() else None
