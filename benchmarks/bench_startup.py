"""Start to a usable window: a fresh process imports, opens the store, logs in, shows the
main window with its family list. Budget < 2 s. Run: `uv run python -m benchmarks.bench_startup`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.reference_town import reference_town, summary

CHILD = r"""
import os, sys, time
t0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from eticket_desk.ui.app import make_application
from eticket_desk.services.store import Store
from eticket_desk.services.users import authenticate
from eticket_desk.services.settings import load_settings
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.tasks import TaskRunner
t_import = time.perf_counter()
app = make_application([])
store = Store(sys.argv[1])
t_store = time.perf_counter()
actor, _ = authenticate(store, "admin", "demo2026")
t_login = time.perf_counter()
window = MainWindow(AppContext(store, actor, TaskRunner(), ChangeBus(), load_settings(store)))
window.show()
app.processEvents()
assert window.search_screen.model.rowCount() > 0
t_ready = time.perf_counter()
print(f"{t_import - t0:.3f} {t_store - t_import:.3f} {t_login - t_store:.3f} {t_ready - t_login:.3f}")
"""


def main(runs: int = 7) -> None:
    path = reference_town()
    totals, parts = [], []
    for _ in range(runs):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ | {"QT_QPA_PLATFORM": "offscreen"},
        )
        totals.append((time.perf_counter() - started) * 1000)
        parts.append([float(x) * 1000 for x in out.stdout.split()])
    print(summary("process start to usable main window (login included)", totals, 2000))
    names = ("imports", "open + migrate check", "login (argon2)", "main window + family list")
    last = parts[len(parts) // 2]
    print(
        "  breakdown of one run: "
        + ", ".join(f"{n} {v:.0f} ms" for n, v in zip(names, last, strict=True))
    )


if __name__ == "__main__":
    main()
