"""Screenshots of the « Facturation » screen, for docs/screenshots and review.

`render_invoicing_screens(ctx, out_dir)` needs a demo town at its default today (23 November
2026: October invoiced on 2 November and paid in full, in part or not at all at the counter)
and a FrozenClock: it moves the clock to issue November's run through the dialog (two
families excluded) on 1 December, cancels one October invoice by a credit note, shows the
lists on 7 December (October overdue, November not yet due), then puts the clock back. Run
this module to render on a small demo town: `python -m devtools.screenshots.invoicing
OUT_DIR`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.clock import FrozenClock
from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.services.core.changes import Topic
from eticket_desk.services.invoicing.queries import list_invoices, list_runs
from eticket_desk.services.invoicing.run import credit_note
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.screen import InvoicingScreen

SCREEN_SIZE = (1200, 720)
DIALOG_SIZE = (1100, 680)


def _credit_one(ctx: AppContext) -> None:
    """One of October's paid invoices cancelled by a credit note (its payment kept as credit)."""
    store, actor = ctx.store, ctx.actor
    runs = [r for r in list_runs(store, actor) if r.period_label.lower() == "octobre 2026"]
    if not runs:  # not a demo town: nothing to cancel
        return
    run = runs[0]
    october = sorted(list_invoices(store, actor, run_id=run.id, limit=0), key=lambda i: i.number)
    paid = [i for i in october if i.status == InvoiceStatus.PAID]
    if len(paid) > 2:
        credit_note(store, actor, paid[2].id, "Repas comptés pendant une sortie scolaire")


def render_invoicing_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves invoicing_period.png, invoicing_preview.png, invoicing_done.png,
    invoicing_invoices.png, invoicing_credit_note.png, invoicing_unpaid.png,
    invoicing_finance_export.png and invoicing_certificates.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    clock = ctx.store.clock
    if not isinstance(clock, FrozenClock):
        raise TypeError("the invoicing screenshots move the clock: give them a FrozenClock")
    kept = clock.current
    saved = []
    try:
        clock.current = datetime(2026, 12, 1, 9, 0)
        screen = InvoicingScreen(ctx)
        screen.resize(*SCREEN_SIZE)
        dialog = screen.open_run_dialog()
        dialog.resize(*DIALOG_SIZE)
        dialog.period_page.choose_month("2026-11")
        saved.append(grab(dialog, out / "invoicing_period.png"))
        dialog.compute_button.click()
        page = dialog.preview_page
        model = page.model
        for row in (1, 4):
            if row < model.rowCount():
                model.set_excluded(row, True)
        page.table.selectRow(0)
        saved.append(grab(dialog, out / "invoicing_preview.png"))
        dialog.issue()
        saved.append(grab(dialog, out / "invoicing_done.png"))
        dialog.close()

        _credit_one(ctx)
        clock.current = datetime(2026, 12, 7, 9, 0)
        ctx.bus.announce(Topic.INVOICES)
        screen.invoices_page.runs_view.selectRow(1)  # October's: paid, part-paid, credited
        screen.invoices_page.invoices_view.selectRow(0)
        saved.append(grab(screen, out / "invoicing_invoices.png"))
        screen.show()
        credit = screen.invoices_page.open_credit_note_dialog()
        if credit is not None:
            credit.reason_edit.setText("Repas facturés pendant la classe de neige")
            saved.append(grab(credit, out / "invoicing_credit_note.png", fit=True, close=True))
        screen.tabs.setCurrentWidget(screen.unpaid_page)
        screen.unpaid_page.check_late_button.click()
        tree = screen.unpaid_page.tree
        if tree.topLevelItemCount():
            tree.topLevelItem(0).setExpanded(True)
        saved.append(grab(screen, out / "invoicing_unpaid.png", close=True))
        export = screen.open_export_dialog()
        export.invoices_radio.setChecked(True)
        saved.append(grab(export, out / "invoicing_finance_export.png", fit=True, close=True))
        certificates = screen.open_certificates_dialog()
        certificates.year_spin.setValue(2026)
        certificates.make_button.click()  # the year's care paid at the counter and on invoices
        saved.append(grab(certificates, out / "invoicing_certificates.png", fit=True, close=True))
        screen.deleteLater()
    finally:
        clock.current = kept
    return saved


def _sample(folder: Path) -> AppContext:
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.settings import load_settings
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import (
        DEMO_PASSWORD,
        DEMO_TODAY,
        DemoOptions,
        build_demo_town,
    )
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(DEMO_TODAY)
    build_demo_town(folder / "demo.sqlite", DemoOptions(families=120, seed=1), clock=clock)
    store = Store(folder / "demo.sqlite", clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    return AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))


if __name__ == "__main__":
    import sys

    sys.exit(run_on_sample(_sample, render_invoicing_screens, "screenshots"))
