"""The PES V2 file of the reference town's month: its invoice run (≈ 4,600 invoices) written as
one « PES_Aller » file.

Budget (issue 21): the PES file for the reference town's month < 10 s. On a copy of the
town, clock 1/12/2026; set up, not timed: the commune in titres mode with its PES codes, every
activity with a product code and nature, a SEPA mandate for one family in five of the run.
Timed once: `export_pes` of the latest run (reading the run, checks, the XML, the atomic
write, the export's record and audit line). The PDFs are not in the copy's documents folder:
referenced, not embedded. Run: `uv run python -m benchmarks.bench_pes_export`.
"""

from __future__ import annotations

import time
from datetime import date, datetime

from sqlalchemy import select

from benchmarks.reference_town import town_copy
from benchmarks.results import Result, once
from devtools.samples.sepa import mandates_for_run, set_creditor
from devtools.samples.titres import as_titres
from eticket_desk.clock import FrozenClock
from eticket_desk.models import InvoiceRun
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.invoicing.pes.export import export_pes

BUDGET_S = 10


def _as_titres(store: Store, actor) -> InvoiceRun:
    """The commune sends titres; activities coded; one family in five on direct debit."""
    as_titres(store, actor)
    set_creditor(store, actor)
    with store.read() as session:
        run = session.scalars(select(InvoiceRun).order_by(InvoiceRun.issued_at.desc())).first()
    mandates_for_run(store, actor, run.id, date(2026, 12, 15), share=5)
    return run


def measure() -> list[Result]:
    copy = town_copy("pes")
    folder = copy.parent
    store = Store(copy, FrozenClock(datetime(2026, 12, 1, 9, 0)))
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    run = _as_titres(store, actor)
    out = folder / "pes.xml"
    start = time.perf_counter()
    result = export_pes(store, actor, run.id, out)
    elapsed = time.perf_counter() - start
    size = out.stat().st_size / 1_000_000
    print(f"{run.period_label}: {result.pieces} pièces, bordereau {result.bordereau}")
    print(f"PES file {size:.1f} MB in {elapsed:.2f} s   (budget {BUDGET_S} s)")
    store.close()
    detail = f"{result.pieces} pièces ({run.period_label}), {size:.1f} MB of XML, no PDF embedded"
    return [once("export_pes of the month's run", elapsed, BUDGET_S, detail=detail)]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
