"""Toggling a cell while the central server hangs: the network is off the writer.

Budget (DESIGN.md, issue 17): toggle a cell < 20 ms (p95) while the desk's sync thread waits
on a server that accepts the connection and never answers (a loopback stand-in; the client's
timeout is its usual 30 s). Each toggle goes as the week grid sends it: submitted to the
single writer (TaskRunner), timed until its answer is back on the GUI thread.
Run: `uv run python -m benchmarks.bench_hung_network`.
"""

from __future__ import annotations

import os
import time
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402

from benchmarks.bench_planning import NOW, WEEK, big_families, copy_of_the_town, open_cells  # noqa: E402
from benchmarks.reference_town import summary  # noqa: E402
from benchmarks.results import Result, timing  # noqa: E402
from eticket_desk.clock import FrozenClock  # noqa: E402
from eticket_desk.services.access.users import authenticate  # noqa: E402
from eticket_desk.services.bookings.planning import load_week  # noqa: E402
from eticket_desk.services.core.store import Store  # noqa: E402
from eticket_desk.services.counter.wallet import NoTicketLeft  # noqa: E402
from eticket_desk.services.demo.town import DEMO_PASSWORD  # noqa: E402
from eticket_desk.services.syncing.status import save_device  # noqa: E402
from tests.sync.stand_ins import HungServer, MemoryKeyring  # noqa: E402

TOGGLES = 300


def measure() -> list[Result]:
    from PySide6.QtCore import QEventLoop

    from eticket_desk.ui.app import make_application
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.sync import SyncWorker
    from eticket_desk.ui.tasks import TaskRunner

    path = copy_of_the_town()
    store = Store(path, FrozenClock(NOW))
    actor, _ = authenticate(store, "coordinatrice", DEMO_PASSWORD)
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    keyring.set_keyring(MemoryKeyring())  # never the real OS keyring
    hung = HungServer()
    save_device(store, admin, hung.url, uuid.uuid4(), "jeton")  # queues the first upload
    plans = [load_week(store, actor, family_id, WEEK) for family_id in big_families(store)]

    app = make_application([])
    ctx = AppContext(store, actor, TaskRunner(), ChangeBus())
    worker = SyncWorker(ctx)
    worker.sync_now()
    if not hung.requested.wait(60):
        raise RuntimeError("the sync thread never reached the hung server")

    toggle_ms: list[float] = []
    errors: list[BaseException] = []
    loop = QEventLoop()

    def answered(started: float, _value) -> None:
        toggle_ms.append((time.perf_counter() - started) * 1000)
        loop.quit()

    def refused(error: BaseException) -> None:
        loop.quit()
        if not isinstance(error, NoTicketLeft):  # an empty wallet: refused, as it must
            errors.append(error)

    for plan in plans:
        for toggle in open_cells(store, actor, plan):
            started = time.perf_counter()
            ctx.runner.submit(toggle, lambda value, s=started: answered(s, value), refused)
            loop.exec()
        if len(toggle_ms) >= TOGGLES:
            break
    still_stuck = worker.running  # the hung request held the sync thread the whole time
    worker.stop()
    ctx.runner.wait()
    hung.close()
    app.processEvents()
    store.close()
    if errors:
        raise errors[0]
    if not still_stuck:
        raise RuntimeError("the sync thread finished during the run: the network did not hang")

    name = "toggle a cell while the server hangs (writer queue, answer on the GUI thread)"
    print(f"reference town copy: {path}; sync thread stuck on {hung.url} throughout")
    print(summary(name, toggle_ms, 20))
    return [timing(name, toggle_ms, 20, "sync thread waiting on a loopback server")]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
