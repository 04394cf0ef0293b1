"""One command for every performance budget: runs each bench, writes docs/benchmarks.md.

Run: `python3 -m uv run --extra test python -m benchmarks.run_all [--only NAME ...]
[--out docs/benchmarks.md]`. Each bench runs in its own process (`--child NAME`, the Qt
application and the memory die with it) with a scratch temporary folder, deleted afterwards,
so the copies of the town it makes do not pile up; the cached reference town is built once
here and handed to it. Its output goes to out/benchmarks/<name>.log. Exit 1 when a bench
fails or a budget is exceeded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.report import BenchRun, render, results_table
from benchmarks.results import Result, once

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "out" / "benchmarks"
BUSY_LOAD = 1.5  # a load average above this when starting: others share the machine
BUSY_SHARE = 0.25  # others using this many cores on average during the run: the same


@dataclass(frozen=True)
class Bench:
    name: str  # benchmarks/bench_<name>.py
    operation: str
    method: str
    design: bool = True
    timeout_s: int = 1800


BENCHES = [
    Bench("search", "family search as you type",
          "five queries (surname, a child's first name, reference, start of the phone, "
          "surname + first name) for 10 sampled families; each prefix typed is one timing, "
          "first of the service call (query + 50 hits), then of the shown search screen "
          "(setText + processEvents: service and Qt table). No warm-up beyond the sampling "
          "search."),
    Bench("planning", "open a family's week grid (3 children × 6 activities × 5 days); toggle a cell",
          "on a copy, clock frozen on Monday 23/11/2026, the week of 30/11 of the 60 "
          "validated families with 3+ children. One `load_week` as warm-up, then one per "
          "family (service), then the `WeekGrid` built, shown and painted per family; "
          "toggles: the open cells of those weeks in turn (book or cancel: rules + write + "
          "outbox, committed) until at least 300, a refusal for an empty wallet not timed."),
    Bench("hung_network", "toggle a cell while the central server hangs",
          "on a copy, clock frozen on Monday 23/11/2026, the desk registered on a loopback "
          "server that accepts the connection and never answers; the sync thread started "
          "and seen waiting on it (its first upload queued, client timeout 30 s). Then the "
          "open cells of the planning bench's weeks, each toggle submitted to the writer "
          "queue as the week grid does and timed until its answer is back on the GUI "
          "thread, until 300; a refusal for an empty wallet not timed. The verdict also "
          "needs the sync thread still waiting at the end."),
    Bench("counter", "sell tickets and print the receipt PDF",
          "on a copy, 80 validated families each buy 10 garderie tickets in cash with "
          "change: `sell_tickets` (the sale's transaction with its receipt number) and "
          "`print_receipt` (the A4 quittance to a file) timed together; the first sale is "
          "dropped as warm-up."),
    Bench("attendance", "attendance lists of one day, all activities, PDF",
          "on a copy, Tuesday 24/11 (with TAP) and Thursday 26/11: `attendance_lists` once "
          "as warm-up, then `print_attendance` five times — the queries, the rows, the "
          "rendering and the audit line of the health data, to one PDF."),
    Bench("invoice_run", "monthly invoice run, 6,000 families, PDFs with coupon",
          "on a copy, clock 1/12/2026, November's run for the whole town, once: "
          "`preview_run`, `issue_run` (one transaction), `write_run_pdfs` (one PDF per "
          "invoice and the merged file to print). No warm-up."),
    Bench("pes_export", "PES V2 file of the reference town's month (issue 21)",
          "on a copy, clock 1/12/2026; the commune set in titres mode, every activity coded "
          "and one family in five of the run on direct debit (not timed); `export_pes` of "
          "the latest run (≈ 4,600 pièces: read, checked, XML written atomically, recorded "
          "and audited), once. PDFs referenced, not embedded (none in the copy's folder).",
          design=False),
    Bench("sync", "sync of 10,000 ops, push + pull, loopback PostgreSQL",
          "a throwaway PostgreSQL cluster with its default durability, the server in its "
          "own process on loopback; 10,000 ops (200 dossiers, 7,800 wallet lines, 2,000 "
          "payments, interleaved) pushed in batches of 500, then pulled in pages of 5,000, "
          "once; the verdict also needs every op applied. Then 1,000 booked days pushed, "
          "timed apart (no budget of their own). Starting the cluster and server not timed; "
          "PostgreSQL's own processes count in « other processes' CPU »."),
    Bench("first_upload", "a town's first upload to the server (reference town)",
          "on a copy, clock frozen on Monday 23/11/2026; a throwaway PostgreSQL cluster with "
          "its default durability, the server in its own process on loopback. Registering the "
          "desk (which queues its whole state as ops: dossiers, invoices, payments, wallet "
          "lines, each paper form as its terms plus exceptions) and the syncs until nothing is "
          "left to send, timed once; the verdict also needs every op applied and the server "
          "holding every booked or waiting day of the desk. The CPU of the desk, the server "
          "and PostgreSQL during the upload is in the detail."),
    Bench("central_load", "central server: 20 desks pushing 200 mixed ops each at once; "
          "300 parents booking in the last minute before a deadline",
          "a throwaway PostgreSQL cluster with its default durability, `eticket-central "
          "--workers 2` on loopback. (a) 20 desks released together, one push of 200 ops "
          "each (20 new dossiers, 100 bookings on ten days shared by all, half the desks in "
          "reverse day order, 80 wallet lines), once; the verdict also needs every op "
          "applied once (the server's rows counted), no 5xx and no deadlock "
          "(pg_stat_database and PostgreSQL's log); a 503 is retried as a desk does. "
          "(b) 300 families with a portal login and one ticket (prepaid canteen), logged in "
          "and « Mon planning » open beforehand (not timed), tick the same day, 40 seats "
          "left, and send the page's form at random moments of one minute, each from its own "
          "loopback address on an open connection; judged on the p95 of the form's request, "
          "and capacity and wallets held."),
    Bench("portal_pages", "the families' portal: a page's server time (issue 20)",
          "the reference town uploaded to `eticket-central` (not timed); 40 families with "
          "a child and an invoice get a session; each reads Accueil, Mon planning, "
          "Porte-monnaie, Factures, Dossier, Documents and its last invoice's PDF over "
          "loopback, three rounds; budget 100 ms a page (300 ms the PDF).", design=False),
    Bench("startup", "start to a usable window",
          "nine fresh processes; from the spawn to the login dialog taking keys, to the "
          "database open, and to the main window showing the family list (the password "
          "« typed » at once, argon2 check included)."),
    Bench("templates", "a year of paper forms for ≈ 10,000 children (issue 4)",
          "on a copy without bookings, paper forms of the year for every child of a "
          "validated family are written (not timed), then `apply_saved_subscriptions` books "
          "the school year, once.", design=False),
    Bench("import", "import of a 10,000-row spreadsheet (issue « Paper registrations »)",
          "a generated 10,000-row file imported into a fresh copy twice (dossiers only; "
          "with registrations), once each; the verdict is on the all-or-nothing import "
          "(dossiers and registrations, one transaction; reading the file and the dry run "
          "are timed apart, in the log); the registrations' days, booked afterwards chunk "
          "by chunk, are a row of their own (60 s, as a year of templates).", design=False),
    Bench("attendance_pdf", "attendance PDF, the renderer alone (its share of the 2 s)",
          "generated lists, no database: the brief's day and the town's Tuesday rendered "
          "five times each; judged on the slowest run.", design=False),
    Bench("debit_batch", "SEPA debit batch of the reference town's month (≈ 4,600 invoices)",
          "on a copy, clock 1/12/2026, November's run issued and every family of it given a "
          "mandate (not timed); then `preview_batch` and `export_batch` (pain.008 built by "
          "sepaxml, validated against the XSD, written; batch, items, payments in one "
          "transaction), once.", design=False),
    Bench("invoice_pdf", "invoice run PDFs, the renderer alone (their share of the 60 s)",
          "6,000 generated invoices, no database, `render_all` with one worker process "
          "per core, once.", design=False),
]  # fmt: skip

TEMPLATES_LINE = re.compile(
    r"(?P<what>\d+ children, .*): (?P<s>[\d.]+) s \(budget (?P<budget>\d+) s\) (OK|OVER BUDGET)"
)


def parse_templates(output: str) -> list[Result]:
    """bench_templates has no measure(): its summary line, as it prints it."""
    found = list(TEMPLATES_LINE.finditer(output))
    if not found:
        raise RuntimeError("résumé de bench_templates introuvable dans sa sortie")
    match = found[-1]
    return [
        once(
            "apply_saved_subscriptions for the year",
            float(match["s"]),
            float(match["budget"]),
            detail=match["what"],
        )
    ]


def _child(name: str, town: str, json_path: str) -> None:
    """In the bench's own process: hand it the cached town, run it, save its results."""
    import benchmarks.reference_town as cache

    # The scratch TMPDIR would hide the cached town from reference_town(): give its path.
    cache.reference_town = lambda families=cache.FAMILIES: Path(town)
    module = __import__(f"benchmarks.bench_{name}", fromlist=["main"])
    if hasattr(module, "measure"):
        results = module.measure()
    else:
        with tempfile.TemporaryFile("w+") as captured:
            stdout, sys.stdout = sys.stdout, captured
            try:
                module.main()
            finally:
                sys.stdout = stdout
                captured.seek(0)
                output = captured.read()
                print(output, end="", flush=True)
        results = parse_templates(output)
    Path(json_path).write_text(json.dumps([r.to_json() for r in results]))


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every process, every core)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:7]) - idle) / os.sysconf("SC_CLK_TCK")  # steal (8th) not ours either


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _last_line(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    return next((line for line in reversed(lines) if line), "aucune sortie")


def run_bench(bench: Bench, town: Path, scratch_root: Path) -> BenchRun:
    """The bench in a child process; its results, or why it failed."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{bench.name}-", dir=scratch_root))
    scratch.chmod(0o755)  # the throwaway PostgreSQL cluster's user must reach its folder
    json_path = scratch / "results.json"
    log = LOGS / f"{bench.name}.log"
    command = [sys.executable, "-m", "benchmarks.run_all", "--child", bench.name]
    command += ["--town", str(town), "--json", str(json_path)]
    env = os.environ | {"TMPDIR": str(scratch), "QT_QPA_PLATFORM": "offscreen"}
    started, cpu_before, ours_before = time.perf_counter(), machine_cpu(), children_cpu()
    error = None
    with log.open("w") as output:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            code = child.wait(timeout=bench.timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)
            child.wait()
            code, error = -9, f"plus de {bench.timeout_s} s, arrêté"
    seconds = time.perf_counter() - started
    others = max(0.0, machine_cpu() - cpu_before - (children_cpu() - ours_before))
    results = []
    if error is None and code != 0:
        error = _last_line(log)
    elif error is None:
        try:
            results = [Result.from_json(d) for d in json.loads(json_path.read_text())]
        except (OSError, ValueError) as exc:
            error = f"résultats illisibles ({exc})"
    shutil.rmtree(scratch, ignore_errors=True)
    return BenchRun(
        bench.name, bench.operation, bench.method, bench.design, results, error, seconds, others
    )


def machine() -> dict[str, str]:
    """What the figures ran on."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown",
    )
    ram = "unknown"
    if Path("/proc/meminfo").exists():
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{total_kb / 1024**2:.1f} GiB"
    try:
        system = platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        system = platform.system()
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": system,
        "kernel": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": _postgres_version(),
    }


def _postgres_version() -> str:
    try:
        from eticket_central.throwaway import find_bin_dir

        out = subprocess.run(
            [str(find_bin_dir() / "postgres"), "--version"], capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except Exception as exc:  # noqa: BLE001 - the header says why instead
        return f"not found ({exc})"


def town_counts(town: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{town}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("family", "child", "booking")
        }
    finally:
        connection.close()


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no").strip()
    return f"`{commit}`" + (" (with uncommitted changes in the tree)" if dirty else "")


def header(
    started: datetime,
    commit: str,
    seconds: float,
    load: tuple,
    end_load: tuple,
    town: Path,
    runs: list,
) -> list[str]:
    from benchmarks.reference_town import FAMILIES

    counts = town_counts(town)
    lines = [
        f"Generated by `python3 -m uv run --extra test python -m benchmarks.run_all` on "
        f"{started:%Y-%m-%d %H:%M} UTC at commit {commit}; the run took "
        f"{seconds / 60:.1f} min.",
        "",
        f"Reference town: `demo --families {FAMILIES} --seed 1` — {counts['family']:,} families, "
        f"{counts['child']:,} children, {counts['booking']:,} bookings (counted from the "
        f"database).",
        "",
        "Load average (1, 5, 15 min): {:.2f}, {:.2f}, {:.2f} when starting; ".format(*load)
        + "{:.2f}, {:.2f}, {:.2f} at the end (the benches' own work included).".format(*end_load),
    ]
    others = sum(r.others_cpu for r in runs)
    lines[-1] += (
        f" Other processes used {others:.0f} s of CPU during the {seconds:.0f} s of the run "
        f"({others / seconds:.2f} cores on average)."
    )
    if load[0] > BUSY_LOAD or others / seconds > BUSY_SHARE:
        lines += ["", "**Measured while other work shared the machine**: figures may be noisy."]
    return lines


def _selected(only: list[str]) -> list[Bench]:
    names = [n.removesuffix(".py").removeprefix("benchmarks.").removeprefix("bench_") for n in only]
    unknown = set(names) - {b.name for b in BENCHES}
    if unknown:
        raise SystemExit(f"bench inconnu : {', '.join(sorted(unknown))}")
    return [b for b in BENCHES if not names or b.name in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--town", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.town, args.json)
        return 0

    benches = _selected(args.only)
    load = os.getloadavg()
    started_at, started, commit = datetime.now(UTC), time.perf_counter(), _commit()
    print(f"load average when starting: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    from benchmarks.reference_town import reference_town

    town = reference_town()
    LOGS.mkdir(parents=True, exist_ok=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="eticket-run-all-") as scratch_root:
        Path(scratch_root).chmod(0o755)
        for bench in benches:
            print(f"bench_{bench.name} …", end=" ", flush=True)
            run = run_bench(bench, town, Path(scratch_root))
            runs.append(run)
            state = f"échec : {run.error}" if run.failed else ("OVER" if run.over else "ok")
            print(f"{run.seconds:.0f} s, {state} (out/benchmarks/{bench.name}.log)")
    seconds = time.perf_counter() - started
    lines = header(started_at, commit, seconds, load, os.getloadavg(), town, runs)
    if args.only:
        lines += ["", f"Partial run: only {', '.join(args.only)}."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(runs, lines, machine()))
    print()
    print(results_table(runs))
    print(f"\n{args.out} written; total {seconds / 60:.1f} min")
    failed = [r for r in runs if r.failed]
    over = [(run, result) for run in runs for result in run.over]
    for run in failed:
        print(f"ÉCHEC bench_{run.name}: {run.error}")
    for run, result in over:
        print(f"OVER BUDGET bench_{run.name}: {result.operation}")
    return 1 if failed or over else 0


if __name__ == "__main__":
    raise SystemExit(main())
