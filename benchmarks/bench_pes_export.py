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
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

from benchmarks.reference_town import town_copy
from benchmarks.results import Result, once
from eticket_desk.clock import FrozenClock
from eticket_desk.models import Invoice, InvoiceRun, SepaMandate
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.catalogue.activities import list_activities, save_activity
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.invoicing.pes.export import export_pes

BUDGET_S = 10


def _as_titres(store: Store, actor) -> InvoiceRun:
    """The commune sends titres; activities coded; one family in five on direct debit."""
    save_organisation(
        store,
        actor,
        replace(
            load_organisation(store),
            collection_mode="titres",
            siret="21740191800016",
            pes_id_post="0740120",
            pes_cod_col="123",
            pes_cod_bud="01",
        ),
    )
    for number, activity in enumerate(list_activities(store, include_inactive=True), start=1):
        coded = replace(activity, product_code=f"{number:02d}", accounting_nature="7067")
        save_activity(store, actor, coded)
    with store.write(actor) as session:
        run = session.scalars(select(InvoiceRun).order_by(InvoiceRun.issued_at.desc())).first()
        invoices = session.scalars(select(Invoice).where(Invoice.run_id == run.id)).all()
        for index, invoice in enumerate(invoices[::5]):
            mandate = SepaMandate(
                family_id=invoice.family_id,
                rum=f"BENCH-{index:06d}",
                signed_on=date(2026, 9, 1),
                debtor_name=invoice.billing_name[:140],
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                created_at=datetime(2026, 9, 1, 9, 0),
                by=actor.login,
            )
            session.add(mandate)
            session.flush()
            invoice.mandate_id, invoice.debit_date = mandate.id, date(2026, 12, 15)
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
