"""Screens over the real task runner (a worker thread), as the program runs them."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtWidgets import QApplication

from eticket_desk.ui.tasks import TaskRunner


@pytest.fixture
def writer(qtbot, ctx):
    """The test's AppContext with a real TaskRunner. What earlier tests left in reference
    cycles is freed first, here on the GUI thread: a collection the worker thread happened to
    start could free a Qt object of theirs there, and PySide6 crashes doing so (seen once in
    CI). At the end, the last answers reach their screens before the screens are deleted."""
    gc.collect()
    ctx.runner = TaskRunner()
    yield ctx
    for _ in range(3):
        assert ctx.runner.wait(10_000)
        QApplication.processEvents()
