"""Screenshots of the « Facturation » screen, for docs/screenshots and review.

`render_invoicing_screens(ctx, out_dir)` needs a store with a canteen tariff and bookings in
October and November 2026 (the demo town) and a FrozenClock: it moves the clock to issue
October's run through the dialog (two families excluded), November's through the service,
has a few invoices paid and one cancelled by a credit note, shows the lists on 20 January
2027, then puts the clock back. Run this module to render on a small demo town:
`python -m eticket_desk.ui.invoicing.screenshots OUT_DIR`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from eticket_desk.clock import FrozenClock
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.pricing import Method, PaymentInput
from eticket_desk.services.invoice_drafts import month_period
from eticket_desk.services.invoice_payments import InvoicePaymentRequest, pay_invoices
from eticket_desk.services.invoice_queries import list_invoices, list_runs
from eticket_desk.services.invoicing import credit_note, issue_run
from eticket_desk.services.till import current_till, open_till
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.invoicing.screen import InvoicingScreen
from eticket_desk.ui.screenshot_tools import grab, run_on_sample

SCREEN_SIZE = (1200, 720)
DIALOG_SIZE = (1100, 680)


def _pay_some(ctx: AppContext) -> None:
    """October: every third invoice paid, one in five part-paid, the second one credited."""
    store, actor = ctx.store, ctx.actor
    run = next(r for r in list_runs(store, actor) if r.period_label == "octobre 2026")
    october = sorted(list_invoices(store, actor, run_id=run.id), key=lambda i: i.number)
    try:
        if current_till(store) is None:
            open_till(store, actor, 0)
        for n, invoice in enumerate(october):
            if n % 3 == 0 or n % 5 == 1:
                amount = invoice.total_cents if n % 3 == 0 else invoice.total_cents // 2
                request = InvoicePaymentRequest(
                    invoice.family_id,
                    (invoice.id,),
                    (PaymentInput(Method.CASH, amount),),
                    accept_difference=True,
                )
                pay_invoices(store, actor, request)
    except DomainError:  # no till on this store: the lists show issued invoices only
        pass
    if len(october) > 2:
        credit_note(store, actor, october[2].id, "Repas comptés pendant une sortie scolaire")


def render_invoicing_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves invoicing_period.png, invoicing_preview.png, invoicing_done.png,
    invoicing_invoices.png, invoicing_credit_note.png and invoicing_unpaid.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    clock = ctx.store.clock
    if not isinstance(clock, FrozenClock):
        raise TypeError("the invoicing screenshots move the clock: give them a FrozenClock")
    kept = clock.current
    saved = []
    try:
        clock.current = datetime(2026, 11, 2, 9, 0)
        screen = InvoicingScreen(ctx)
        screen.resize(*SCREEN_SIZE)
        dialog = screen.open_run_dialog()
        dialog.resize(*DIALOG_SIZE)
        dialog.period_page.choose_month("2026-10")
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

        clock.current = datetime(2026, 12, 1, 9, 0)
        issue_run(ctx.store, ctx.actor, month_period("2026-11"))
        _pay_some(ctx)
        clock.current = datetime(2027, 1, 20, 9, 0)
        ctx.bus.announce("invoices")
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
        screen.deleteLater()
    finally:
        clock.current = kept
    return saved


def _sample(folder: Path) -> AppContext:
    from eticket_desk.services.demo import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.services.settings import load_settings
    from eticket_desk.services.store import Store
    from eticket_desk.services.users import authenticate
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 14, 9, 30))
    build_demo_town(folder / "demo.sqlite", DemoOptions(families=120, seed=1), clock=clock)
    store = Store(folder / "demo.sqlite", clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    return AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))


if __name__ == "__main__":
    import sys

    sys.exit(run_on_sample(_sample, render_invoicing_screens, "screenshots"))
