"""Screenshot of « Exporter le PES V2… » (invoicing_pes_export.png), for docs/screenshots.

`render_pes_export_screens(ctx, out_dir)` wants the demo town after render_invoicing_screens
(November issued on 1 December with its PDFs) and a FrozenClock: it sets the commune in titres
mode with its PES codes and codes every activity, exports November once (so the dialog says it
already was), then shows the dialog after a second export on 7 December. Run this module to
render on a small demo town: `python -m devtools.screenshots.pes_export OUT_DIR`.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

from devtools.samples.titres import as_titres
from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.clock import FrozenClock
from eticket_desk.services.core.changes import Topic
from eticket_desk.services.invoicing.pes.export import export_pes
from eticket_desk.services.invoicing.queries import list_runs
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.screen import InvoicingScreen


def render_pes_export_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    clock = ctx.store.clock
    if not isinstance(clock, FrozenClock):
        raise TypeError("the PES screenshot moves the clock: give it a FrozenClock")
    kept = clock.current
    saved = []
    try:
        as_titres(ctx.store, ctx.actor)
        clock.current = datetime(2026, 12, 1, 17, 5)
        [november] = [r for r in list_runs(ctx.store, ctx.actor) if "novembre" in r.period_label]
        folder = Path(tempfile.mkdtemp(prefix="eticket-pes-"))
        export_pes(ctx.store, ctx.actor, november.id, folder / "PES novembre 2026.xml")
        clock.current = datetime(2026, 12, 7, 9, 30)
        ctx.bus.announce(Topic.INVOICES)
        screen = InvoicingScreen(ctx)
        screen.resize(1200, 720)
        screen.show()
        page = screen.invoices_page
        proxy = page.runs_view.model()
        for row in range(proxy.rowCount()):
            run = page.runs_model.row_at(proxy.mapToSource(proxy.index(row, 0)).row())
            if run.id == november.id:
                page.runs_view.selectRow(row)
        page.pes_button.click()
        dialog = page.pes_dialog
        dialog.path_edit.setText(str(folder / "PES 2026-002 novembre 2026.xml"))
        dialog.export_button.click()
        saved.append(grab(dialog, out / "invoicing_pes_export.png", fit=True, close=True))
        screen.close()
        screen.deleteLater()
    finally:
        clock.current = kept
    return saved


def _sample(folder: Path) -> AppContext:
    from devtools.screenshots.invoicing import _sample as invoicing_sample
    from devtools.screenshots.invoicing import render_invoicing_screens

    ctx = invoicing_sample(folder)
    render_invoicing_screens(ctx, folder / "invoicing")  # issues November with its PDFs
    return ctx


if __name__ == "__main__":
    import sys

    sys.exit(run_on_sample(_sample, render_pes_export_screens, "screenshots"))
