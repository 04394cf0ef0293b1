"""The processes that draw a big invoice run die with the program that started them: killed
(SIGKILL, the task manager), it leaves no worker drawing invoices for nobody. The program
names its workers (multiprocessing's own list) once they draw; the test kills it and watches
them, on Linux and on Windows."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.processes import kill_now, running

RUN = """
import multiprocessing
import sys
from pathlib import Path
from eticket_desk.reports import invoice_run
from devtools.samples.invoices import generated_invoices

out = Path(sys.argv[1])


named = []


def progress(done, total):
    if not named:  # a first chunk is written: the workers are drawing
        named.extend(child.pid for child in multiprocessing.active_children())
        print(*named, flush=True)


invoice_run.render_all(
    generated_invoices(800), out / "factures", out / "tout.pdf", workers=2, progress=progress
)
print("fini", flush=True)
"""


def _wait_until_none_running(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while True:
        alive = {pid for pid in pids if running(pid)}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def test_the_pdf_workers_die_when_the_program_is_killed(tmp_path):
    program = subprocess.Popen(
        [sys.executable, "-c", RUN, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        workers = {int(pid) for pid in program.stdout.readline().split()}  # they are drawing
        assert len(workers) >= 2
        kill_now(program.pid)
        program.wait()
    finally:
        program.kill()
        program.wait()
        program.stdout.close()

    assert _wait_until_none_running(workers, 10) == set()
    assert not (tmp_path / "tout.pdf").exists()  # the file to print was never finished
