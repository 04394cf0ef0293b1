"""Keeps None, True and False alive despite PySide6 6.12.0's reference-count bug.

In PySide6 6.12.0 every call of a C++ method that returns nothing (`painter.save()`,
`widget.setText()`…) hands Python a `None` without taking a reference to it, and
`SignalInstance.emit()` does the same with `True`. On Python 3.11, where these objects are
not immortal, their count drops by one at each call until the interpreter aborts
("none_dealloc: deallocating None") — a grid repaint makes thousands of such calls.

Python 3.12 made these singletons immortal; `guard()` does the same on older Pythons by
giving each of them a very large number of references once, at start. It changes nothing
on Python 3.12 and newer.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 48  # references added to each singleton: out of reach of any session
_done = False


def guard() -> None:
    global _done
    if _done or sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        count.value += _RESERVE
    _done = True
