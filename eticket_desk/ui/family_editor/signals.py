"""Emitting the editor's signals safely despite a PySide6 6.12.0 reference-count bug.

`SignalInstance.emit()` in PySide6 6.12.0 returns `True` without taking a reference to it,
so every emit made from Python takes one reference away from `True`; after some thousands
of keystrokes the interpreter aborts ("bool_dealloc: deallocating True or False"). `emit`
below gives the reference back, but only when the running PySide6 is found to have the bug.
"""

from __future__ import annotations

import ctypes
import sys
import threading

from PySide6.QtCore import QObject, Signal, SignalInstance

_lock = threading.Lock()
_steals_true: bool | None = None


class _Probe(QObject):
    fired = Signal()


def _emit_steals_true() -> bool:
    global _steals_true
    with _lock:
        if _steals_true is None:
            probe = _Probe()
            before = sys.getrefcount(True)
            results = [probe.fired.emit() for _ in range(64)]
            # Each kept result should hold its own reference to True.
            _steals_true = sys.getrefcount(True) - before < 32 and all(results)
            for _ in results:
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
            del results
            if not _steals_true:  # the references were real: give back the extra ones
                for _ in range(64):
                    ctypes.pythonapi.Py_DecRef(ctypes.py_object(True))
    return _steals_true


def emit(signal: SignalInstance, *args: object) -> None:
    """signal.emit(*args), keeping the interpreter's count of references to True right."""
    result = signal.emit(*args)
    if result is True and _emit_steals_true():
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
