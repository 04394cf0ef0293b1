"""Screenshots of the « Prélèvements » screen, for docs/screenshots and review.

`render_debit_screens(ctx, out_dir)` needs a demo town at its default today (23 November 2026,
October invoiced and partly paid at the counter): it sets the commune's SEPA settings, gives a
mandate to a third of October's families (debited on 30 November), prepares the batch (the
invoices already paid at the counter are left out, with their reason), exports it, and enters
a reject. Run this module to render on a small demo town: `python -m
devtools.screenshots.debits OUT_DIR`."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from devtools.samples.sepa import mandates_for_run, set_creditor
from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.services.invoicing.queries import list_runs
from eticket_desk.ui import messages
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.debits import DebitsScreen, prepare_dialog

SCREEN_SIZE = (1200, 720)
DIALOG_SIZE = (900, 560)


def render_debit_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves debits_prepare.png, debits_batch.png, debits_reject.png, debits_rejected.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store, actor = ctx.store, ctx.actor
    october = next(r for r in list_runs(store, actor) if r.period_label.lower() == "octobre 2026")
    set_creditor(store, actor)
    mandates_for_run(store, actor, october.id, date(2026, 11, 30), share=3)
    saved = []
    chosen, told = prepare_dialog.choose_file, messages.show_info
    messages.show_info = lambda parent, title, text: None  # no modal box offscreen
    folder = Path(tempfile.mkdtemp(prefix="eticket-debits-"))
    prepare_dialog.choose_file = lambda parent, suggested: str(folder / suggested)
    try:
        screen = DebitsScreen(ctx)
        screen.resize(*SCREEN_SIZE)
        dialog = screen.open_prepare_dialog()
        index = next(
            i for i in range(dialog.run_combo.count()) if dialog.run_combo.itemData(i) == october.id
        )
        dialog.run_combo.setCurrentIndex(index)
        saved.append(grab(dialog, out / "debits_prepare.png", DIALOG_SIZE))
        dialog.export_button.click()
        screen.refresh()
        screen.items_view.selectRow(2)
        saved.append(grab(screen, out / "debits_batch.png"))
        reject = screen.open_reject_dialog()
        reject.code_combo.setCurrentIndex(reject.code_combo.findData("AM04"))
        reject.note_edit.setText("avis de rejet du 3 décembre")
        saved.append(grab(reject, out / "debits_reject.png", fit=True))
        reject.save_button.click()
        screen.refresh()
        saved.append(grab(screen, out / "debits_rejected.png", close=True))
        screen.deleteLater()
    finally:
        prepare_dialog.choose_file, messages.show_info = chosen, told
    return saved


def _sample(folder: Path) -> AppContext:
    from devtools.screenshots.invoicing import _sample as invoicing_sample

    return invoicing_sample(folder)


if __name__ == "__main__":
    import sys

    sys.exit(run_on_sample(_sample, render_debit_screens, "screenshots"))
