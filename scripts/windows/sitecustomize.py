"""Loaded by the Windows Python of the test run under Wine (scripts/windows_suite.sh), never by
the product: it works around two limits of Wine 8 that real Windows does not have.

- `platform` asks WMI for the Windows version through `propsys.VariantToString`, which Wine 8
  lacks: without WMI, `platform` falls back to the version the system reports.
- A zero-length message on a message-mode pipe blocks its reader under Wine 8: the process
  pool's wake-up pipe sends exactly that, and a pool of spawned workers (the invoice run)
  then never hands them work. One byte wakes it up the same way on both.
- `shutil.copy2` calls `CopyFile2` when Windows has it (8 and later); Wine 8 does not
  implement it and stops the process: without it, `shutil` copies the way it does elsewhere.
"""

import _winapi
import concurrent.futures.process as _process
import platform

platform._wmi = None
if hasattr(_winapi, "CopyFile2"):
    del _winapi.CopyFile2


def _wakeup(self) -> None:
    with self._lock:
        if not self._closed:
            self._writer.send_bytes(b"\0")


_process._ThreadWakeup.wakeup = _wakeup
