"""Export an invoice run as a PES V2 « PES_Aller » file for Hélios: checked first (titres mode,
SIRET, PES codes, product codes, billing addresses) with nothing written on a refusal, then
written atomically (a temporary file renamed), recorded (PesExport) and audited."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import InvoiceRun, Organisation, PesExport
from eticket_desk.paths import safe_file_name
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.documents import FOLDERS, documents_root
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.drafts import RunPeriod
from eticket_desk.services.invoicing.pes.data import ORDINARY, REDUCTION, read_run
from eticket_desk.services.invoicing.pes.xml_writer import write_pes
from eticket_desk.services.invoicing.run import Progress


@dataclass(frozen=True)
class PesExportResult:
    path: Path
    bordereau: int  # IdBord
    pieces: int  # titres of the ordinary bordereau
    total_cents: int
    reductions: int  # pièces of the annulation-réduction bordereaux
    reduced_cents: int
    attached: int  # PDFs embedded in PES_PJ


@dataclass(frozen=True)
class PesExportInfo:
    """A past export of a run, as the screen tells it."""

    exported_at: datetime
    by: str
    file_name: str
    pieces: int
    total_cents: int


@dataclass(frozen=True)
class PesExportStatus:
    """What the screen shows before an export: whether the commune sends titres at all, the
    bordereau number, the exports already made and a file name to propose."""

    titres: bool
    bordereau: int
    previous: list[PesExportInfo]
    path: Path  # proposed: documents/PES/2026/PES 2026-001 novembre 2026.xml


def previous_exports(store: Store, run_id: uuid.UUID) -> list[PesExportInfo]:
    """The run's exports, the first first; `by` is the person's name."""
    with store.read() as session:
        people = People(session)
        return [
            PesExportInfo(e.exported_at, people.label(e.by), e.file_name, e.pieces, e.total_cents)
            for e in session.scalars(
                select(PesExport)
                .where(PesExport.run_id == run_id)
                .order_by(PesExport.exported_at, PesExport.file_name)
            )
        ]


def export_status(store: Store, actor: Actor, run_id: uuid.UUID) -> PesExportStatus:
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        run = session.get(InvoiceRun, run_id)
        if run is None:
            raise NotFound("Cette facturation n'existe pas.")
        mode = session.scalar(select(Organisation.collection_mode))
        number = run.number_in_year or 1
        year = run.issued_at.year
        name = safe_file_name(f"PES {year}-{number:03d} {run.period_label}.xml")
    path = documents_root(store) / "PES" / str(year) / name
    return PesExportStatus(mode == "titres", number, previous_exports(store, run_id), path)


def month_run(store: Store, actor: Actor, period: RunPeriod) -> uuid.UUID:
    """The invoice run of a month (`invoices pes --period`), or NotFound in French."""
    actor.require(Permission.INVOICE_RUN)
    with store.read() as session:
        runs = list(
            session.scalars(
                select(InvoiceRun.id)
                .where(
                    InvoiceRun.kind == period.kind,
                    InvoiceRun.period_start == period.start,
                    InvoiceRun.period_end == period.end,
                )
                .order_by(InvoiceRun.issued_at)
            )
        )
    if not runs:
        raise NotFound(f"Aucune facturation émise pour {period.label}.")
    if len(runs) > 1:
        raise DomainError(
            f"{len(runs)} facturations pour {period.label} : exportez celle qu'il faut depuis "
            "l'écran Facturation."
        )
    return runs[0]


def _pdf_of(store: Store, label: str) -> Callable[[str, int, bool], Path]:
    """Where write_run_pdfs puts an invoice (Factures/<year>/<period>/) and print_invoice a
    credit note (Factures/<year>/)."""
    invoices = documents_root(store) / FOLDERS["invoice"]

    def pdf_of(number: str, year: int, credit_note: bool) -> Path:
        folder = invoices / str(year)
        if not credit_note:
            folder = folder / safe_file_name(label)
        return folder / safe_file_name(f"{number}.pdf")

    return pdf_of


@changes(Topic.INVOICES)
def export_pes(
    store: Store,
    actor: Actor,
    run_id: uuid.UUID,
    out_path: Path,
    progress: Progress | None = None,
    *,
    reductions_only: bool = False,
) -> PesExportResult:
    """The run's « PES_Aller » file at `out_path`: its bordereau of titres (unless
    `reductions_only`, for credit notes made after the run was sent) and the annulation-
    réduction bordereau of the credit notes of its invoices. A refusal (DomainError, French)
    leaves no file; the same run may be exported again (same bordereau number)."""
    actor.require(Permission.INVOICE_RUN)
    report = progress or (lambda _step, _done, _total: None)
    out_path = Path(out_path)
    report("Lecture de la facturation", 0, 0)
    with store.read() as session:
        run = session.get(InvoiceRun, run_id)
        if run is None:
            raise NotFound("Cette facturation n'existe pas.")
        header, bordereaux = read_run(
            session, run_id, _pdf_of(store, run.period_label), ordinary=not reductions_only
        )
        label = run.period_label
    titres = [b for b in bordereaux if b.kind == ORDINARY]
    reductions = [b for b in bordereaux if b.kind == REDUCTION]
    if reductions_only and not reductions:
        raise NotFound(f"Aucun avoir sur les factures de {label} : rien à exporter.")
    pieces = sum(len(b.pieces) for b in titres)
    total = sum(b.total_cents for b in titres)
    reduced_pieces = sum(len(b.pieces) for b in reductions)
    reduced = sum(b.total_cents for b in reductions)
    attached = sum(1 for b in bordereaux for p in b.pieces if p.pdf_path is not None)
    count = pieces + reduced_pieces
    out_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with temporary.open("wb") as out:
            write_pes(
                out,
                out_path.name,
                header,
                bordereaux,
                store.clock.today(),
                lambda done, _total: report("Écriture du fichier PES", done, count),
            )
        with store.write(actor) as session:
            session.add(
                PesExport(
                    run_id=run_id,
                    exported_at=session.info["now"],
                    by=actor.login,
                    file_name=out_path.name,
                    pieces=pieces + reduced_pieces,
                    total_cents=total - reduced,
                )
            )
            summary = f"Export PES V2 de la facturation {label} : "
            if titres:
                summary += f"{pieces} titre(s), {format_cents(total)}"
            if reductions:
                summary += (", " if titres else "") + (
                    f"{reduced_pieces} réduction(s), {format_cents(reduced)}"
                )
            record(
                session,
                "pes_export",
                "invoice_run",
                run_id,
                f"{summary} ({out_path.name})",
                bordereau=bordereaux[0].number,
                pieces=pieces,
                total_cents=total,
                reductions=reduced_pieces,
                reduced_cents=reduced,
                file=out_path.name,
            )
            os.replace(temporary, out_path)
    finally:
        temporary.unlink(missing_ok=True)
    report("Fichier PES écrit", count, count)
    return PesExportResult(
        out_path, bordereaux[0].number, pieces, total, reduced_pieces, reduced, attached
    )
