"""Family search as you type on the reference town: every keystroke of realistic queries.

Measures the service call (query + hits) and the full screen refresh (service + Qt model),
budget p95 < 30 ms per keystroke. Run: `uv run python -m benchmarks.bench_search`.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.reference_town import reference_town, summary  # noqa: E402
from benchmarks.results import Result, timing  # noqa: E402
from eticket_desk.services.access.users import authenticate  # noqa: E402
from eticket_desk.services.core.store import Store  # noqa: E402
from eticket_desk.services.demo.town import DEMO_PASSWORD  # noqa: E402
from eticket_desk.services.families.search import search_families  # noqa: E402


def typed_queries(store, actor) -> list[str]:
    """What agents type: surnames, children's first names, references, phones, e-mails."""
    hits = search_families(store, actor, "", limit=400)
    queries = []
    for hit in hits[::40]:
        surname = hit.display_name.split()[0].lower()
        child = hit.children.split(" (")[0].split(",")[0]
        queries += [surname, child, hit.reference, hit.phone[:8], f"{surname} {child}"]
    return [q for q in queries if q]


def keystrokes(query: str) -> list[str]:
    return [query[:i] for i in range(1, len(query) + 1)]


def measure() -> list[Result]:
    """Times every keystroke, prints the summary lines and returns them as results."""
    path = reference_town()
    store = Store(path)
    actor, _ = authenticate(store, "admin", DEMO_PASSWORD)
    queries = typed_queries(store, actor)

    service_ms = []
    for query in queries:
        for prefix in keystrokes(query):
            started = time.perf_counter()
            search_families(store, actor, prefix, limit=50)
            service_ms.append((time.perf_counter() - started) * 1000)

    from eticket_desk.ui.app import make_application
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.family_search import FamilySearchScreen
    from eticket_desk.ui.tasks import ImmediateRunner

    app = make_application([])
    screen = FamilySearchScreen(AppContext(store, actor, ImmediateRunner(), ChangeBus()))
    screen.resize(1100, 700)
    screen.show()
    app.processEvents()
    screen_ms = []
    for query in queries:
        for prefix in keystrokes(query):
            started = time.perf_counter()
            screen.search_edit.setText(prefix)
            app.processEvents()
            screen_ms.append((time.perf_counter() - started) * 1000)
        screen.search_edit.clear()
        app.processEvents()

    print(f"reference town: {path} ({len(queries)} queries)")
    print(summary("search service per keystroke", service_ms, 30))
    print(summary("search screen per keystroke (service + table)", screen_ms, 30))
    screen.close()
    screen.deleteLater()
    app.processEvents()
    store.close()
    return [
        timing("search service per keystroke", service_ms, 30),
        timing("search screen per keystroke (service + table)", screen_ms, 30),
    ]


def main() -> None:
    measure()


if __name__ == "__main__":
    main()
