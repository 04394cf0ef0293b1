"""Screenshots of the paper registration form and of the batch entry, for docs/screenshots.

`render_subscription_screens(ctx, out_dir, family_id)` renders on the demo town; the batch
screenshot records two forms, so call it after the screenshots that show bookings. Run this
module to render on a small demo town: `python -m devtools.screenshots.subscriptions
OUT_DIR`.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from devtools.screenshots.tools import grab
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.subscriptions.batch_entry import BatchEntryScreen
from eticket_desk.ui.subscriptions.dialog import SubscriptionDialog
from eticket_desk.ui.subscriptions.form import SubscriptionForm

SCREEN_SIZE = (1100, 760)


def _save(widget: QWidget, path: Path) -> Path:
    return grab(widget, path, SCREEN_SIZE)


def _tick(form: SubscriptionForm, code: str, *, without: tuple[int, ...] = ()) -> None:
    """Ticks the activity if the child has it, leaving out the given weekdays."""
    row = next((r for r in form.grid.rows if r.activity.code == code), None)
    if row is None:
        return
    row.enrolled.setChecked(True)
    for day in without:
        if day in row.day_boxes:
            row.day_boxes[day].setChecked(False)


def _other_families(ctx: AppContext, family_id: uuid.UUID, count: int) -> list:
    hits = search_families(ctx.store, ctx.actor, "", limit=200, include_archived=False)
    return [h for h in hits if h.status == FamilyStatus.VALIDATED and h.id != family_id][:count]


def render_subscription_screens(
    ctx: AppContext, out_dir: Path | str, family_id: uuid.UUID
) -> list[Path]:
    """The form of one family with its preview for the whole year, and the batch screen
    after two forms entered, the third one on its way."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    dialog = SubscriptionDialog(ctx, family_id)
    form = dialog.form
    form.select_period("Année scolaire entière")
    for code in ("CANTINE", "GARDERIE_SOIR", "BUS_0830", "BUS_1630", "BUS_FIN_ECOLE"):
        _tick(form, code)
    bus = next((r for r in form.grid.rows if r.activity.code == "BUS_1630"), None)
    if bus is not None:
        bus.parity.setCurrentIndex(1)  # even weeks: the child lives with the other parent
        bus.fare.setCurrentIndex(1)
    form.refresh_preview()
    saved.append(_save(dialog, out / "subscription_form.png"))
    dialog.close()

    screen = BatchEntryScreen(ctx)
    screen.show()
    others = _other_families(ctx, family_id, 3)
    for index, hit in enumerate(others):
        screen.search_edit.setText(hit.reference)
        screen.pick_current()
        _tick(screen.form, "CANTINE")
        _tick(screen.form, "GARDERIE_MATIN", without=(2,))
        _tick(screen.form, "TAP")
        if index < 2:
            screen.form.save()
    screen.form.refresh_preview()
    saved.append(_save(screen, out / "batch_entry.png"))
    screen.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.settings import load_settings
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.app import make_application
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path("docs/screenshots")
    app = QApplication.instance() or make_application([])
    with tempfile.TemporaryDirectory() as folder:
        clock = FrozenClock(datetime(2026, 9, 14, 9, 30))
        path = Path(folder) / "demo.sqlite"
        build_demo_town(path, DemoOptions(families=60, seed=1), clock=clock)
        store = Store(path, clock)
        actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
        ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))
        family = next(
            h
            for h in search_families(store, actor, "", limit=200)
            if h.status == FamilyStatus.VALIDATED and h.children.count("(") >= 2
        )
        for saved in render_subscription_screens(ctx, out_dir, family.id):
            print(saved)
        store.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
