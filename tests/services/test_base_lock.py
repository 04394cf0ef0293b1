"""The lock of an open base, across real processes: a second program is refused while the
first runs, the lock file goes when the program quits, and one left by a program that died
is taken over by the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from eticket_desk.services.core.base_lock import BaseInUse, hold, lock_path

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str, **options) -> subprocess.Popen:
    """Another program on this computer, running `code` with the project importable."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **options,
    )


HOLD_UNTIL_KILLED = """
    import sys, time
    from eticket_desk.services.core.base_lock import hold
    held = hold(sys.argv[1])
    print("ouverte", flush=True)
    time.sleep(60)
"""

TRY_TO_HOLD = """
    import sys
    from eticket_desk.services.core.base_lock import BaseInUse, hold
    try:
        hold(sys.argv[1]).release()
    except BaseInUse as taken:
        print(taken.message)
        sys.exit(3)
    print("libre")
"""


def test_quitting_removes_the_lock_file_and_the_base_opens_again(tmp_path):
    base = tmp_path / "demo.sqlite"
    window = hold(base)
    assert lock_path(base).exists()
    window.release()
    assert not lock_path(base).exists()  # nothing left beside the base after quitting
    window.release()  # twice is harmless
    with hold(base):
        assert lock_path(base).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_second_program_is_refused_while_the_first_runs(tmp_path):
    base = tmp_path / "demo.sqlite"
    with hold(base):
        other = _python(TRY_TO_HOLD, str(base))
        out, err = other.communicate(timeout=60)
        assert other.returncode == 3, out + err
        assert "La base demo.sqlite est déjà ouverte dans eTicket Guichet" in out
        with pytest.raises(BaseInUse):
            hold(base)  # a second window of this program too
    other = _python(TRY_TO_HOLD, str(base))
    out, err = other.communicate(timeout=60)
    assert (other.returncode, out.strip()) == (0, "libre"), err
    assert not lock_path(base).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL: the Unix way to die at once")
def test_the_lock_of_a_program_that_died_is_taken_over(tmp_path):
    base = tmp_path / "demo.sqlite"
    dead = _python(HOLD_UNTIL_KILLED, str(base))
    assert dead.stdout.readline().strip() == "ouverte"
    with pytest.raises(BaseInUse):
        hold(base)
    os.kill(dead.pid, signal.SIGKILL)  # a power cut, a crash: no release ran
    dead.communicate(timeout=60)
    assert lock_path(base).exists()  # left behind…

    window = hold(base)  # …and taken over at once
    window.release()
    assert not lock_path(base).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows deletes the file after closing it")
def test_a_program_that_opened_the_lock_file_while_it_was_released_starts_again(tmp_path):
    """The release removes the name while still holding the lock: whoever opened the old file
    just before must not believe it holds the base while a third program holds the new file."""
    base = tmp_path / "demo.sqlite"
    first = hold(base)
    early = os.open(lock_path(base), os.O_RDWR)  # a contender's open, before the release
    try:
        first.release()
        second = hold(base)  # a new file under the name
        try:
            assert os.fstat(early).st_nlink == 0  # the contender's file has no name any more
            with pytest.raises(BaseInUse):
                hold(base)
        finally:
            second.release()
    finally:
        os.close(early)
