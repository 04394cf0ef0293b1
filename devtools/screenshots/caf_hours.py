"""Screenshots of the CAF / MSA hours: the activity dialog's « Heures CAF / MSA » box, the
dossier's « Régime » box, the « Heures CAF / MSA » dialog of the attendance screen, and a
sample of the PDF report, for docs/screenshots.

`render_caf_screens(ctx, out_dir)` runs on the demo town (its garderies declare their slots):
it gives some families a regime (CAF, MSA), marks the morning garderie's past days present
and renders. `python -m devtools.screenshots.caf_hours OUT_DIR` builds a small demo town first.
Writes to the store: use a demo or throw-away base."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication

from devtools.screenshots.tools import grab
from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.caf_exports import export_caf_hours
from eticket_desk.services.attendance.presence import PresenceChange, presence_sheet, save_presence
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.calendar import load_calendar
from eticket_desk.services.catalogue.organisation import list_schools
from eticket_desk.services.families.funder import save_funder
from eticket_desk.services.families.search import search_families
from eticket_desk.ui.activities.activity_dialog import ActivityDialog
from eticket_desk.ui.attendance.caf_dialog import CafHoursDialog
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog

REGIMES = ("caf", "caf", "caf", "msa", "caf", "autre")


def _png(pdf: Path, png: Path) -> Path | None:
    if shutil.which("pdftoppm") is None:
        return None
    stem = str(png.with_suffix(""))
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), stem], check=True)
    return png


def _sample_data(ctx: AppContext) -> None:
    """Regimes on the dossiers, the morning garderie's days of the month so far marked."""
    store, actor = ctx.store, ctx.actor
    for index, hit in enumerate(search_families(store, actor, "", limit=300)):
        save_funder(store, actor, hit.id, REGIMES[index % len(REGIMES)], f"{1000000 + index}")
    morning = next(a for a in list_activities(store) if a.caf_counted)
    today = store.clock.today()
    day = today.replace(day=1)
    while day < today:
        sheet = presence_sheet(store, actor, morning.id, day)
        marks = [
            PresenceChange(
                row.child_id,
                BookingState.ABSENT_UNJUSTIFIED if n % 7 == 3 else BookingState.PRESENT,
            )
            for n, row in enumerate(sheet.rows)
        ]
        if marks and sheet.editable:
            save_presence(store, actor, morning.id, day, marks)
        day += timedelta(days=1)


def render_caf_screens(ctx: AppContext, out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _sample_data(ctx)
    paths = []
    morning = next(a for a in list_activities(ctx.store) if a.caf_counted)
    activity = ActivityDialog(
        ctx, morning, schools=list_schools(ctx.store), calendar=load_calendar(ctx.store)
    )
    paths.append(grab(activity, out_dir / "activity_dialog_caf.png", (1010, 600), close=True))
    family_id = search_families(ctx.store, ctx.actor, "", limit=1)[0].id
    editor = FamilyEditorDialog(ctx, family_id)
    editor.resize(1000, 860)
    editor.show()
    QApplication.processEvents()
    editor.tabs.setCurrentWidget(editor.family_tab)
    paths.append(grab(editor, out_dir / "family_editor_funder.png", close=True))
    dialog = CafHoursDialog(ctx, ctx.store.clock.today())
    paths.append(grab(dialog, out_dir / "caf_hours_dialog.png", (1040, 560)))
    first, last = dialog.period()
    dialog.to_edit.setDate(dialog.from_edit.date().addDays(-1))
    dialog.compute_button.click()
    paths.append(grab(dialog, out_dir / "caf_hours_dialog_error.png", (1040, 300), close=True))
    pdf = export_caf_hours(ctx.store, ctx.actor, first, last, out_dir / "caf.pdf").pdf
    paths.append(_png(pdf, out_dir / "caf_hours_report.png"))
    pdf.unlink()
    return [p for p in paths if p is not None]


def main(argv: list[str]) -> int:
    from eticket_desk.clock import FrozenClock
    from eticket_desk.services.access.users import authenticate
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
    from eticket_desk.ui.context import ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    out_dir = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    app = QApplication.instance() or QApplication(argv)
    path = Path(tempfile.mkdtemp(prefix="eticket-screens-")) / "demo.sqlite"
    clock = FrozenClock(datetime(2026, 9, 28, 9, 30))
    build_demo_town(path, DemoOptions(families=40, seed=1), clock=clock)
    with Store(path, clock) as store:
        actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
        ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus())
        for written in render_caf_screens(ctx, out_dir):
            print(written)
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
