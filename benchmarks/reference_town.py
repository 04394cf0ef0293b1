"""The reference town of every benchmark: `demo --families 6000 --seed 1`, built once."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

FAMILIES = int(os.environ.get("BENCH_FAMILIES", "6000"))


def reference_town(families: int = FAMILIES) -> Path:
    """The path of the demo database, built on first use and reused afterwards."""
    from eticket_desk.models.database import HEAD_REVISION
    from eticket_desk.services.demo.town import DEMO_VERSION, DemoOptions, build_demo_town

    # A new schema or a new demo means a new town (the demo grows with both).
    name = f"eticket-bench-{families}-r{HEAD_REVISION}-d{DEMO_VERSION}.sqlite"
    path = Path(tempfile.gettempdir()) / name
    if not path.exists():
        started = time.perf_counter()
        build_demo_town(path, DemoOptions(families=families, seed=1))
        print(f"reference town built: {families} families in {time.perf_counter() - started:.1f} s")
    return path


def town_copy(prefix: str) -> Path:
    """A copy of the reference town in a new folder: benchmarks that write work on it, so the
    cached town stays as built. The copy goes through SQLite's backup (WAL included)."""
    import sqlite3

    copy = Path(tempfile.mkdtemp(prefix=f"eticket-bench-{prefix}-")) / "town.sqlite"
    source, target = sqlite3.connect(reference_town()), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    return copy


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(name: str, millis: list[float], budget_ms: float) -> str:
    p95 = percentile(millis, 95)
    verdict = "OK" if p95 < budget_ms else "OVER BUDGET"
    return (
        f"{name}: n={len(millis)} p50={statistics.median(millis):.1f} ms "
        f"p95={p95:.1f} ms max={max(millis):.1f} ms (budget {budget_ms:.0f} ms) {verdict}"
    )
