"""The CAF / MSA hours written out: the PDF report and the CSV for the partner's site, in
the documents folder (Listes/<year>/) unless a path is given; each file is audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from eticket_desk.reports import caf_hours as caf_report
from eticket_desk.reports.caf_hours_data import CafReport
from eticket_desk.services.attendance.caf_hours import caf_hours
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import changes
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class CafFiles:
    report: CafReport
    pdf: Path | None
    csv: Path | None


def caf_file_name(first: date, last: date, suffix: str) -> str:
    """« Heures CAF 2026-11-01 au 2026-11-30.pdf »."""
    return f"Heures CAF {first.isoformat()} au {last.isoformat()}.{suffix}"


@changes(unseen="an export writes a file and its audit line; no screen shows either")
def export_caf_hours(
    store: Store,
    actor: Actor,
    first: date,
    last: date,
    pdf: Path | None = None,
    csv: Path | None = None,
    *,
    with_pdf: bool = True,
    with_csv: bool = False,
) -> CafFiles:
    """Computes the period's hours and writes the PDF (and the CSV when asked): by default in
    the documents folder; one audit line names the period and the files."""
    report = replace(
        caf_hours(store, actor, first, last),
        printed_at=store.clock.now(),
        printed_by=actor.full_name,
    )
    pdf_path = csv_path = None
    if with_pdf or pdf is not None:
        pdf_path = caf_report.render(
            report,
            pdf or document_path(store, "list", first.year, caf_file_name(first, last, "pdf")),
        )
    if with_csv or csv is not None:
        csv_path = caf_report.write_csv(
            report,
            csv or document_path(store, "list", first.year, caf_file_name(first, last, "csv")),
        )
    files = ", ".join(str(p) for p in (pdf_path, csv_path) if p is not None)
    with store.write(actor) as session:
        record(
            session,
            "export",
            "caf_hours",
            None,
            f"Heures CAF / MSA du {first:%d/%m/%Y} au {last:%d/%m/%Y} ({len(report.children)} lignes)",
            files=files,
        )
    return CafFiles(report, pdf_path, csv_path)
