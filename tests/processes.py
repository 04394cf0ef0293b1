"""Killing a process at once and seeing whether one still runs, the same way on Linux and on
Windows (the suite runs on both: scripts/windows_suite.sh). On Linux a kill is SIGKILL; on
Windows TerminateProcess, which is what the task manager does."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

WINDOWS = sys.platform == "win32"
# What a program killed at once returns to its parent (Popen.returncode).
KILLED = signal.SIGTERM if WINDOWS else -signal.SIGKILL


def kill_now(pid: int) -> None:
    """Ends `pid` at once: no handler, no cleanup, no flush."""
    os.kill(pid, signal.SIGTERM if WINDOWS else signal.SIGKILL)


def running(pid: int) -> bool:
    """Alive (on Linux: and not a zombie, an orphan nobody reaped yet being dead all the same)."""
    if WINDOWS:
        return _running_on_windows(pid)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _running_on_windows(pid: int) -> bool:
    import ctypes

    synchronize, query = 0x00100000, 0x1000  # SYNCHRONIZE, PROCESS_QUERY_LIMITED_INFORMATION
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.OpenProcess.restype = ctypes.c_void_p
    handle = kernel32.OpenProcess(synchronize | query, False, pid)
    if not handle:
        return False
    try:
        return kernel32.WaitForSingleObject(ctypes.c_void_p(handle), 0) == 0x102  # WAIT_TIMEOUT
    finally:
        kernel32.CloseHandle(ctypes.c_void_p(handle))
