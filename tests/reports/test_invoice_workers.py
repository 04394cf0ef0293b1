"""The processes that draw a big invoice run die with the program that started them: killed
(SIGKILL, the task manager), it leaves no worker drawing invoices for nobody. (Linux: the
workers are found in /proc, as the CI and the developers' machines run it.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

RUN = """
import sys
from pathlib import Path
from eticket_desk.reports import invoice_run
from devtools.samples.invoices import generated_invoices

out = Path(sys.argv[1])
invoice_run.render_all(
    generated_invoices(800),
    out / "factures",
    out / "tout.pdf",
    workers=2,
    progress=lambda done, total: print(done, flush=True),
)
print("fini", flush=True)
"""


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan nobody reaped yet is dead all the same)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until_none_running(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while True:
        running = {pid for pid in pids if _running(pid)}
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.1)


def test_the_pdf_workers_die_when_the_program_is_killed(tmp_path):
    program = subprocess.Popen(
        [sys.executable, "-c", RUN, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        first = program.stdout.readline()  # a first chunk is written: the workers are drawing
        assert first.strip().isdigit()
        workers = _children(program.pid)
        assert len(workers) >= 2
        os.kill(program.pid, signal.SIGKILL)
        program.wait()
    finally:
        program.kill()
        program.wait()
        program.stdout.close()

    assert _wait_until_none_running(workers, 10) == set()
    assert not (tmp_path / "tout.pdf").exists()  # the file to print was never finished
