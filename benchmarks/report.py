"""docs/benchmarks.md: the run's results as markdown tables, with the machine and the method."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.results import Result


@dataclass(frozen=True)
class BenchRun:
    """One bench's outcome: its results, or the message it failed with."""

    name: str
    operation: str  # DESIGN.md's words for what the bench proves
    method: str
    design: bool  # DESIGN.md's budgets, else « Autres mesures »
    results: list[Result] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    others_cpu: float = 0.0  # CPU seconds other processes used meanwhile

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def over(self) -> list[Result]:
        return [r for r in self.results if r.within is False]


def number(value: float, unit: str) -> str:
    if unit == "ms":
        text = f"{value:.1f}" if value < 100 else f"{value:,.0f}"
    else:
        text = f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return f"{text} {unit}"


def measured(result: Result) -> str:
    if result.total is not None:
        return number(result.total, result.unit)
    spread = "p95" if result.p95 is not None else "max"
    value = result.p95 if result.p95 is not None else result.max
    return (
        f"p50 {number(result.p50, result.unit)} / {spread} {number(value, result.unit)} "
        f"(n={result.runs})"
    )


def verdict(result: Result) -> str:
    return "**OVER**" if result.within is False else result.verdict


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def results_table(runs: list[BenchRun]) -> str:
    """One row per result; a failed bench is one row « échec : <message> »."""
    lines = [
        "| operation | what is timed | budget | measured | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        bench = f"`bench_{run.name}.py`"
        if run.failed:
            cells = [run.operation, bench, "", f"échec : {run.error}", "**FAILED**"]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
            continue
        for index, result in enumerate(run.results):
            what = result.operation + (f" — {result.detail}" if result.detail else "")
            budget = "—" if result.budget is None else f"< {result.budget:g} {result.unit}"
            cells = [
                run.operation if index == 0 else "",
                f"{what} ({bench})" if index == 0 else what,
                budget,
                measured(result),
                verdict(result),
            ]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def render(runs: list[BenchRun], header: list[str], machine: dict[str, str]) -> str:
    """The whole document: header paragraphs, the machine, both tables and the method."""
    design = [r for r in runs if r.design]
    others = [r for r in runs if not r.design]
    parts = ["# Benchmarks", "", *header, "", "## Machine", ""]
    parts += ["| | |", "| --- | --- |"]
    parts += [f"| {_cell(key)} | {_cell(value)} |" for key, value in machine.items()]
    if design:
        parts += ["", "## Performance budgets (DESIGN.md)", "", results_table(design)]
    if others:
        parts += ["", "## Autres mesures", "", "The issues' own budgets, where a bench exists."]
        parts += ["", results_table(others)]
    parts += [
        "",
        "## Method",
        "",
        "Each bench runs in its own Python process, one after the other, on the reference "
        "town (or on a copy made with SQLite's backup API when it writes). Repeated timings "
        "give p50 (median) and p95 (nearest rank) and are judged on the p95, except the "
        "attendance renderer, judged on its slowest run; a single run is judged on its total. "
        "Wall-clock time (`time.perf_counter`). Setting up (copying the town, building data, "
        "starting PostgreSQL) is never timed. After each bench's time, the CPU time the rest "
        "of the machine used while it ran (all CPU time from /proc/stat minus the bench's "
        "process tree): well above zero, the figures shared the cores with other work.",
        "",
    ]
    parts += [
        f"- **`bench_{run.name}.py`** ({run.seconds:.0f} s; other processes' CPU meanwhile: "
        f"{run.others_cpu:.0f} s): {run.method}"
        for run in runs
    ]
    return "\n".join(parts) + "\n"
