"""The benchmark table writer (benchmarks/report.py): rows, verdicts, failures — no timing."""

from __future__ import annotations

from benchmarks.report import BenchRun, render, results_table
from benchmarks.results import Result, once, timing


def _run(name: str, results: list[Result], *, design: bool = True, error=None) -> BenchRun:
    return BenchRun(name, f"operation of {name}", "how it is timed", design, results, error, 3.0)


def _row(table: str, text: str) -> str:
    return next(line for line in table.splitlines() if text in line)


def test_each_result_is_a_row_with_its_budget_figures_and_verdict():
    search = _run(
        "search",
        [
            timing("service per keystroke", [4.0, 5.0, 6.0, 7.0, 20.0], 30),
            timing("screen per keystroke", [10.0, 31.0, 45.0, 50.0, 60.0], 30),
        ],
    )
    invoices = _run("invoice_run", [once("preview + issue + PDFs", 72.4, 60, detail="6000")])

    table = results_table([search, invoices])

    fast = _row(table, "service per keystroke")
    assert "operation of search" in fast
    assert "`bench_search.py`" in fast
    assert "< 30 ms" in fast
    assert "p50 6.0 ms / p95 20.0 ms (n=5)" in fast
    assert "within budget" in fast
    slow = _row(table, "screen per keystroke")
    assert "OVER" in slow and "within budget" not in slow
    run = _row(table, "preview + issue + PDFs — 6000")
    assert "< 60 s" in run and "72.4 s" in run and "OVER" in run


def test_a_failed_bench_is_one_row_with_its_message():
    failed = _run("sync", [], error="PostgreSQL est introuvable (initdb, pg_ctl)")

    row = _row(results_table([failed]), "operation of sync")

    assert "échec : PostgreSQL est introuvable (initdb, pg_ctl)" in row
    assert "FAILED" in row


def test_a_result_without_budget_has_no_verdict_of_over():
    bookings = _run("sync", [once("1,000 bookings pushed", 2.1, None)])

    row = _row(results_table([bookings]), "1,000 bookings pushed")

    assert "no budget" in row and "OVER" not in row


def test_the_document_splits_design_budgets_from_other_measures():
    design = _run("counter", [timing("sell and print", [20.0, 25.0], 200)])
    other = _run("templates", [once("a year of forms", 50.0, 60)], design=False)

    document = render([design, other], ["Generated on a test day."], {"CPU": "Test CPU"})

    budgets, others = document.split("## Autres mesures")
    assert "## Performance budgets (DESIGN.md)" in budgets
    assert "sell and print" in budgets and "a year of forms" not in budgets
    assert "a year of forms" in others
    assert "| CPU | Test CPU |" in document
    assert "Generated on a test day." in document
    assert (
        "**`bench_templates.py`** (3 s; other processes' CPU meanwhile: 0 s): how it is timed"
        in (document)
    )
