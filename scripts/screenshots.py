"""Renders every screen on a demo town, offscreen, into docs/screenshots/*.png.

Usage: uv run python scripts/screenshots.py [--families 300] [--out docs/screenshots]
PDF samples are turned into PNG with pdftoppm (poppler-utils) so they can be looked at too.
The demo town is the program's own base in a scratch user folder, so the screens show what an
agent sees (« Base : eticket-desk.sqlite ») and nothing of the developer's own settings.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from devtools.screenshots.activities import render_activity_screens  # noqa: E402
from devtools.screenshots.admin import render_admin_screens  # noqa: E402
from devtools.screenshots.attendance import render_attendance_screens  # noqa: E402
from devtools.screenshots.caf_hours import render_caf_screens  # noqa: E402
from devtools.screenshots.calendar import render_calendar_screens  # noqa: E402
from devtools.screenshots.counter import (  # noqa: E402
    render_counter_screens,
    render_regie_history,
)
from devtools.screenshots.debits import render_debit_screens  # noqa: E402
from devtools.screenshots.dossier_conflicts import render_conflict_screens  # noqa: E402
from devtools.screenshots.family_editor import (  # noqa: E402
    render_editor_screens,
    render_wallet_screens,
)
from devtools.screenshots.import_wizard import render_import_screens  # noqa: E402
from devtools.screenshots.invoicing import render_invoicing_screens  # noqa: E402
from devtools.screenshots.mail import render_mail_screens  # noqa: E402
from devtools.screenshots.mandates import render_mandate_screens  # noqa: E402
from devtools.screenshots.occupancy import render_occupancy_screens  # noqa: E402
from devtools.screenshots.pes_export import render_pes_export_screens  # noqa: E402
from devtools.screenshots.planning import render_planning_screens  # noqa: E402
from devtools.screenshots.portal_desk import render_portal_desk_screens  # noqa: E402
from devtools.screenshots.subscriptions import render_subscription_screens  # noqa: E402
from devtools.screenshots.tariffs import render_tariffs_screens  # noqa: E402
from devtools.screenshots.till import render_till_screens  # noqa: E402
from devtools.screenshots.tools import (  # noqa: E402
    scratch_user_folders,
    windows_database_path,
)
from eticket_desk.clock import FrozenClock  # noqa: E402
from eticket_desk.paths import default_database_path  # noqa: E402
from eticket_desk.reports import portal_letter  # noqa: E402
from eticket_desk.rules.dossier import FamilyStatus  # noqa: E402
from eticket_desk.services.access.users import authenticate  # noqa: E402
from eticket_desk.services.core.settings import load_settings  # noqa: E402
from eticket_desk.services.core.store import Store  # noqa: E402
from eticket_desk.services.demo.town import (  # noqa: E402
    DEMO_PASSWORD,
    DEMO_TODAY,
    DemoOptions,
    build_demo_town,
)
from eticket_desk.services.families.dossiers import load_family, load_family_quietly  # noqa: E402
from eticket_desk.services.families.portal import (  # noqa: E402
    issue_portal_access,
    portal_guardians,
)
from eticket_desk.services.families.search import search_families  # noqa: E402
from eticket_desk.ui.app import make_application  # noqa: E402
from eticket_desk.ui.context import AppContext, ChangeBus  # noqa: E402
from eticket_desk.ui.first_launch import FirstLaunchDialog  # noqa: E402
from eticket_desk.ui.login_dialog import LoginDialog  # noqa: E402
from eticket_desk.ui.main_window import MainWindow  # noqa: E402
from eticket_desk.ui.setup_wizard import SetupWizard  # noqa: E402
from eticket_desk.ui.tasks import ImmediateRunner  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def save(widget: QWidget, name: str, size: tuple[int, int] | None = None) -> None:
    if size is not None:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    widget.grab().save(str(OUT / f"{name}.png"))
    print(f"  {name}.png")


def pdf_to_png(pdf: Path, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        print("  (pdftoppm missing: apt-get install poppler-utils)")
        return
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(OUT / name)], check=True
    )
    print(f"  {name}.png")


def shell_screens(store: Store, ctx: AppContext, folder: Path) -> None:
    login = LoginDialog(store, "Commune de Val-d'Arve-les-Bains")
    save(login, "login")  # as it opens: nothing typed by the script
    login.login_edit.setText("agent")
    login.password_edit.setText("faux")
    login._on_buttons_accepted()
    save(login, "login_refused")

    # What it says on a mairie's PC (the dialog only shows the path; nothing is created).
    save(FirstLaunchDialog(windows_database_path()), "first_launch")
    wizard_store = Store(folder / "assistant.sqlite", store.clock)
    wizard = SetupWizard(wizard_store)
    wizard.commune_edit.setText("Commune de Publier")
    wizard.postcode_edit.setText("745")
    wizard.city_edit.setText("Publier")
    wizard.show()
    wizard.next()
    save(wizard, "setup_wizard_commune_error")
    wizard.postcode_edit.setText("74500")
    wizard.next()
    wizard.schools_edit.setPlainText("École Jules Ferry\nÉcole du Lac")
    save(wizard, "setup_wizard_schools")
    wizard.next()
    wizard.login_edit.setText("mairie")
    wizard.civility_combo.setCurrentIndex(wizard.civility_combo.findText("Madame"))
    wizard.name_edit.setText("Hélène Dubois")
    save(wizard, "setup_wizard_admin")

    window = MainWindow(ctx)
    save(window, "main_families", (1200, 760))
    window.search_screen.search_edit.setText("chloé")
    save(window, "main_search", (1200, 760))
    window.search_screen.search_edit.setText("zzz")
    save(window, "main_search_empty", (1200, 760))
    window.locker.dialog.show_locked()
    save(window.locker.dialog, "idle_lock", (1200, 760))
    window.locker.dialog.hide()
    help_screens(window)


def help_screens(window: MainWindow) -> None:
    """The Aide menu: the agent's guide and the keyboard shortcuts."""
    from eticket_desk.rules.permissions import Role
    from eticket_desk.ui.help_dialogs import GuideDialog, ShortcutsDialog

    save(GuideDialog(Role.AGENT, window), "help_guide")
    save(ShortcutsDialog(window.menuBar(), window), "help_shortcuts")


def showcase_family(store: Store, ctx: AppContext):
    """A validated dossier with two adults, a third party and two children or more."""
    for hit in search_families(store, ctx.actor, "", limit=300):
        if hit.status != FamilyStatus.VALIDATED or hit.children.count("(") < 2:
            continue
        family = load_family_quietly(store, ctx.actor, hit.id)
        people = [a.third_party for a in family.adults]
        if people.count(False) == 2 and people.count(True) >= 1:
            return hit.id
    raise LookupError("no showcase family in the demo town")


def portal_letter_sample(store: Store, ctx: AppContext, folder: Path) -> None:
    hit = next(
        h
        for h in search_families(store, ctx.actor, "", limit=50)
        if h.status == FamilyStatus.VALIDATED
    )
    guardian = portal_guardians(load_family(store, ctx.actor, hit.id))[0]
    letter = issue_portal_access(store, ctx.actor, hit.id, guardian.id, rng=random.Random(7))
    pdf_to_png(portal_letter.render(letter, folder / "acces-portail.pdf"), "portal_letter")


def history_context(folder: Path, families: int) -> AppContext:
    """A second demo town, at its default today (23 November 2026): October invoiced and paid
    in full, in part or not at all, three weeks of till days and their deposit slips."""
    path = folder / "demo-23-novembre.sqlite"
    build_demo_town(path, DemoOptions(families=families, seed=1))
    store = Store(path, FrozenClock(DEMO_TODAY))
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    return AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))


def main(argv: list[str] | None = None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=300)
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    args = parser.parse_args(argv)
    OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="eticket-screens-"))
    with scratch_user_folders(folder):
        return render_all(args.families, folder)


def render_all(families: int, folder: Path) -> int:
    clock = FrozenClock(datetime(2026, 9, 14, 9, 30))
    base = default_database_path()  # in the scratch user folder
    build_demo_town(base, DemoOptions(families=families, seed=1), clock=clock)
    app = make_application([])
    store = Store(base, clock)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    ctx = AppContext(store, actor, ImmediateRunner(), ChangeBus(), load_settings(store))
    print(f"screenshots into {OUT}")
    shell_screens(store, ctx, folder)
    render_editor_screens(ctx, OUT, showcase_family(store, ctx))
    render_admin_screens(ctx, OUT)
    render_planning_screens(ctx, OUT, showcase_family(store, ctx))
    render_activity_screens(ctx, OUT)
    render_calendar_screens(ctx, OUT)
    render_occupancy_screens(ctx, OUT)
    render_import_screens(ctx, OUT)
    render_tariffs_screens(ctx, OUT)
    render_attendance_screens(ctx, OUT)  # it marks September's canteen days
    render_counter_screens(ctx, OUT, showcase_family(store, ctx))  # it sells tickets
    colleague, _ = authenticate(store, "agent", DEMO_PASSWORD)
    render_till_screens(ctx, OUT, colleague)  # closes the till, a colleague opens it, taken over
    history = history_context(folder, families)  # its own past: October invoiced, tills
    render_regie_history(history, OUT)
    render_invoicing_screens(history, OUT)  # issues November, credits one of October's
    render_debit_screens(history, OUT)  # mandates for October's families, a batch, a reject
    render_pes_export_screens(history, OUT)  # titres mode, exports November twice
    render_mail_screens(history, OUT)  # payers accept e-mail, October's invoices sent
    history.store.close()
    render_wallet_screens(ctx, OUT, showcase_family(store, ctx))  # sells, books, corrects
    render_subscription_screens(ctx, OUT, showcase_family(store, ctx))  # it saves forms
    render_conflict_screens(ctx, OUT, showcase_family(store, ctx))  # records a server answer
    render_portal_desk_screens(ctx, OUT, showcase_family(store, ctx))  # documents, messages
    render_mandate_screens(ctx, OUT, showcase_family(store, ctx))  # sets the ICS, signs one
    render_caf_screens(ctx, OUT)  # regimes on the dossiers, the morning garderie marked
    portal_letter_sample(store, ctx, folder)
    app.processEvents()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
