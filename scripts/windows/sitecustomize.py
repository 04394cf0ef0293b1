"""Loaded by the Windows Python of the test run under Wine (scripts/windows_suite.sh), never by
the product: it works around two limits of Wine 8 that real Windows does not have.

- `platform` asks WMI for the Windows version through `propsys.VariantToString`, which Wine 8
  lacks: without WMI, `platform` falls back to the version the system reports.
- A zero-length message on a message-mode pipe blocks its reader under Wine 8: the process
  pool's wake-up pipe sends exactly that, and a pool of spawned workers (the invoice run)
  then never hands them work. One byte wakes it up the same way on both.
"""

import concurrent.futures.process as _process
import platform

platform._wmi = None


def _wakeup(self) -> None:
    with self._lock:
        if not self._closed:
            self._writer.send_bytes(b"\0")


_process._ThreadWakeup.wakeup = _wakeup
