"""Start to a usable window, in a fresh process each run, on the reference town.

Three moments, from the spawn of the process:
- the login dialog is on screen and takes keys (the first usable window; the database layer
  is still loading in the background);
- the database is open and « Se connecter » is enabled;
- the main window shows the family list, the agent having "typed" the password at once
  (argon2 check included) — the worst case, with no human delay to hide the loading.
Budget < 2 s. Run: `uv run python -m benchmarks.bench_startup`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.reference_town import reference_town, summary
from benchmarks.results import Result, timing

CHILD = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
from eticket_desk.ui.app import make_application
from eticket_desk.ui.login_dialog import LoginDialog, StoreOpener
app = make_application([])
dialog = LoginDialog(None)
dialog.show()
app.processEvents()
shown = time.time()
opener = StoreOpener(sys.argv[1], dialog)
opener.opened.connect(dialog.set_store)
opener.start()
dialog.login_edit.setText("admin")
dialog.password_edit.setText("demo2026")
while dialog.store is None:
    app.processEvents()
    time.sleep(0.001)
store_ready = time.time()
dialog._on_buttons_accepted()
assert dialog.actor is not None
from eticket_desk.services.core.settings import load_settings
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.tasks import TaskRunner
window = MainWindow(AppContext(dialog.store, dialog.actor, TaskRunner(), ChangeBus(),
                               load_settings(dialog.store)))
window.show()
while window.search_screen.model.rowCount() == 0:  # the family list comes from the writer
    app.processEvents()
    time.sleep(0.001)
print(shown, store_ready, time.time())
"""


def measure(runs: int = 9) -> list[Result]:
    """Starts the desk `runs` times, prints the three summaries and returns them."""
    path = reference_town()
    shown, ready, main_window = [], [], []
    for _ in range(runs):
        spawned = time.time()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
        )
        t_shown, t_ready, t_main = (float(x) for x in out.stdout.split())
        shown.append((t_shown - spawned) * 1000)
        ready.append((t_ready - spawned) * 1000)
        main_window.append((t_main - spawned) * 1000)
    results = [
        timing("spawn to login dialog taking keys", shown, 2000),
        timing("spawn to database open (« Se connecter » enabled)", ready, 2000),
        timing("spawn to main window with the family list (no typing delay)", main_window, 2000),
    ]
    for result, millis in zip(results, (shown, ready, main_window), strict=True):
        print(summary(result.operation, millis, 2000))
    return results


def main(runs: int = 9) -> None:
    measure(runs)


if __name__ == "__main__":
    main()
