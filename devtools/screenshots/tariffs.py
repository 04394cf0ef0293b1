"""Screenshots of the « Tarifs » screen and its tariff dialog, for docs/screenshots and review.

`render_tariffs_screens(ctx, out_dir)` renders on any store (the demo town has a GARDERIE
ticket type with a 4-bracket tariff); run this module to render on a small demo town:
`python -m devtools.screenshots.tariffs OUT_DIR`.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QWidget

from devtools.screenshots.tools import grab
from eticket_desk.rules.activity import BillingMode
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.tariffs.screen import TariffsScreen

SCREEN_SIZE = (1100, 700)


def _save(widget: QWidget, path: Path, size: tuple[int, int] | None = SCREEN_SIZE) -> Path:
    return grab(widget, path, size, fit=size is None, close=True)


def render_tariffs_screens(ctx: AppContext, out_dir: Path | str) -> list[Path]:
    """Saves tariffs.png (the first ticket type, a QF simulated), tariff_dialog.png,
    ticket_type_dialog.png (the first type's name and care share), tariffs_activity.png (the
    canteen's price per day) and tariff_fare_dialog.png (a new tariff of a bus fare)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    screen = TariffsScreen(ctx)
    screen.resize(*SCREEN_SIZE)
    screen.show()
    screen.qf_edit.setText("850")
    saved = [_save(screen, out / "tariffs.png")]
    screen.show()
    dialog = screen.open_tariff_dialog()
    if dialog is not None:
        saved.append(_save(dialog, out / "tariff_dialog.png", None))
        dialog.deleteLater()
    ticket = screen.selected_type()
    if ticket is not None:
        screen.show()
        dialog = screen.open_type_dialog(ticket)  # its name and care share (tax certificate)
        saved.append(_save(dialog, out / "ticket_type_dialog.png", None))
        dialog.deleteLater()
    activities = {a.code: a for a in screen._activities}
    if "CANTINE" in activities:
        screen.show()
        screen.select_activity(activities["CANTINE"].id)
        saved.append(_save(screen, out / "tariffs_activity.png"))
    fares = [a for a in screen._activities if a.billing_mode == BillingMode.FARE]
    if fares:
        screen.show()
        screen.select_activity(fares[0].id)
        screen.fare_combo.setCurrentIndex(1)
        dialog = screen.open_tariff_dialog()
        saved.append(_save(dialog, out / "tariff_fare_dialog.png", None))
        dialog.deleteLater()
    screen.close()
    screen.deleteLater()
    return saved


def main(argv: list[str]) -> int:
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.settings import load_settings
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.app import make_application
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    out = Path(argv[0]) if argv else Path("screenshots")
    folder = Path(tempfile.mkdtemp(prefix="eticket-tariffs-"))
    clock = FrozenClock(datetime(2026, 9, 14, 9, 30))
    build_demo_town(folder / "demo.sqlite", DemoOptions(families=50, seed=1), clock=clock)
    app = make_application([])
    store = Store(folder / "demo.sqlite", clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))
    for path in render_tariffs_screens(ctx, out):
        print(path)
    app.processEvents()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
