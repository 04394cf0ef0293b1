"""What a benchmark measured: one `Result` a timed operation, with its budget and verdict.

Each bench's `measure()` returns a list of them (and prints what its `main()` always printed);
`benchmarks.run_all` gathers them into docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass

from benchmarks.reference_town import percentile


@dataclass(frozen=True)
class Result:
    """One timed operation. `within` is the bench's own verdict (None: no budget)."""

    operation: str
    unit: str  # "ms" or "s"
    budget: float | None
    p50: float | None = None
    p95: float | None = None
    max: float | None = None
    total: float | None = None
    runs: int = 1
    within: bool | None = None
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.within is None:
            return "no budget"
        return "within budget" if self.within else "OVER"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Result:
        return cls(**data)


def timing(operation: str, millis: list[float], budget_ms: float, detail: str = "") -> Result:
    """Repeated timings in ms, judged on the p95 as `reference_town.summary` judges them."""
    p95 = percentile(millis, 95)
    return Result(
        operation,
        "ms",
        budget_ms,
        p50=statistics.median(millis),
        p95=p95,
        max=max(millis),
        runs=len(millis),
        within=p95 < budget_ms,
        detail=detail,
    )


def once(
    operation: str,
    seconds: float,
    budget_s: float | None,
    *,
    within: bool | None = None,
    detail: str = "",
) -> Result:
    """A single run timed as a whole, in seconds; the verdict is total < budget unless given."""
    if within is None and budget_s is not None:
        within = seconds < budget_s
    return Result(operation, "s", budget_s, total=seconds, within=within, detail=detail)
