"""Rendering screens to PNG offscreen: the helpers every `screenshots` module shares."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from eticket_desk.ui.context import AppContext


def grab(
    widget: QWidget,
    path: Path,
    size: tuple[int, int] | None = None,
    *,
    fit: bool = False,
    close: bool = False,
) -> Path:
    """Shows `widget` (at `size`, or fitted to its content), saves it as a PNG at `path`."""
    if size is not None:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    if fit:
        widget.adjustSize()
        QApplication.processEvents()
    widget.grab().save(str(path))
    if close:
        widget.close()
    return path


def run_on_sample(
    sample_context: Callable[[Path], AppContext],
    render: Callable[[AppContext, Path], list[Path]],
    default_dir: str,
    argv: list[str] | None = None,
) -> int:
    """The `python -m …screenshots OUT_DIR` entry point: a sample store in a temporary
    folder, the screens rendered into OUT_DIR, the paths printed."""
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path(default_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        ctx = sample_context(Path(folder))
        for path in render(ctx, out_dir):
            print(path)
        ctx.store.close()
    del app
    return 0
