"""Where the files of a past invoice run are (its folder and its merged file to print), so a
run can be printed again without writing its PDFs anew."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.services.documents import FOLDERS, documents_root
from eticket_desk.services.invoice_queries import RunSummary
from eticket_desk.services.store import Store


def run_folder(store: Store, run: RunSummary) -> Path:
    """`documents/Factures/<year>/<period>/`, as write_run_pdfs names it by default."""
    folder = documents_root(store) / FOLDERS["invoice"] / str(run.issued_at.year)
    return (folder / run.period_label).with_suffix("")


def run_print_file(store: Store, run: RunSummary) -> Path | None:
    """The run's merged file to print, or None when its PDFs were never written here."""
    merged = run_folder(store, run) / f"Factures {run.period_label} - à imprimer.pdf"
    return merged if merged.exists() else None
