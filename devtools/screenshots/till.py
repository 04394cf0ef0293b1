"""Screenshots of the till: closing one's own till (a difference explained), opening it, a
colleague's till (« Reprendre la caisse… »), and the warning when leaving with it open.

`render_till_screens(ctx, out_dir, colleague)` closes the actor's open till if there is one,
has `colleague` open it, then takes it over for the actor (so the actor holds an open till
afterwards, as the counter's screenshots expect). Run on a small demo town:
`python -m devtools.screenshots.till OUT_DIR`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from devtools.screenshots.tools import grab, run_on_sample
from eticket_desk.services.core.store import Actor
from eticket_desk.services.counter.till import close_till, current_till, hand_over_till, open_till
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.till_dialog import TillDialog
from eticket_desk.ui.counter.till_guard import leaving_box


def render_till_screens(ctx: AppContext, out_dir: Path | str, colleague: Actor) -> list[Path]:
    """Saves till_close.png, till_open.png, till_colleague.png and till_leaving.png."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store, actor = ctx.store, ctx.actor
    saved = []
    till = current_till(store)
    if till is not None and till.held_by_other(actor):
        hand_over_till(store, actor, till.held_by)
    if current_till(store) is None:
        open_till(store, actor, 15_000)
    dialog = TillDialog(ctx, current_till(store))
    expected = current_till(store).expected_cash_cents
    dialog.counted_edit.setText(f"{(expected - 200) // 100},{(expected - 200) % 100:02d}")
    dialog.note_edit.setPlainText("Pièce de 2 € rendue en trop à un parent.")
    saved.append(grab(dialog, out / "till_close.png", fit=True, close=True))
    close_till(store, actor, expected)

    saved.append(
        grab(TillDialog(ctx, current_till(store)), out / "till_open.png", fit=True, close=True)
    )
    open_till(store, colleague, 15_000)
    saved.append(
        grab(TillDialog(ctx, current_till(store)), out / "till_colleague.png", fit=True, close=True)
    )
    hand_over_till(store, actor, colleague.login)

    box = leaving_box(None, current_till(store), quitting=True)
    box.show()
    QApplication.processEvents()
    saved.append(grab(box, out / "till_leaving.png", close=True))
    return saved


def _sample(folder: Path) -> AppContext:
    from datetime import datetime

    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    clock = FrozenClock(datetime(2026, 9, 14, 8, 5))
    build_demo_town(folder / "demo.sqlite", DemoOptions(families=30, seed=1), clock=clock)
    store = Store(folder / "demo.sqlite", clock)
    actor, _ = authenticate(store, "regisseur", DEMO_PASSWORD)
    ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus())
    ctx.colleague, _ = authenticate(store, "agent", DEMO_PASSWORD)
    return ctx


if __name__ == "__main__":
    import sys

    from eticket_desk.ui.app import make_application

    application = make_application([])  # with Qt's French: « Annuler »
    sys.exit(
        run_on_sample(
            _sample,
            lambda ctx, out: render_till_screens(ctx, out, ctx.colleague),
            "screenshots",
        )
    )
