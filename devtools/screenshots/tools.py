"""Rendering screens to PNG offscreen: the helpers every devtools.screenshots module shares."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath

from platformdirs.windows import Windows
from PySide6.QtWidgets import QApplication, QWidget

from eticket_desk.paths import APP_AUTHOR, APP_NAME, DATABASE_NAME
from eticket_desk.ui.context import AppContext

# Where platformdirs and Qt find a user's data and settings: in a scratch folder laid out as a
# home while rendering, so that nothing of the developer's own (a remembered login, printed
# documents) shows or is written.
USER_FOLDERS = {
    "XDG_DATA_HOME": ".local/share",
    "XDG_CONFIG_HOME": ".config",
    "WIN_PD_OVERRIDE_LOCAL_APPDATA": "AppData/Local",
}


@contextmanager
def scratch_user_folders(folder: Path) -> Iterator[Path]:
    """The user's data and settings folders inside `folder` until the block ends."""
    before = {name: os.environ.get(name) for name in USER_FOLDERS}
    for name, inside in USER_FOLDERS.items():
        os.environ[name] = str(Path(folder) / inside)
    try:
        yield Path(folder)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def windows_database_path(user: str = "agent") -> PureWindowsPath:
    """The program's own base on a mairie's Windows PC, by platformdirs' Windows rules (what
    the first launch shows there): C:\\Users\\<user>\\AppData\\Local\\eticket\\…"""
    local = rf"C:\Users\{user}\AppData\Local"
    before = os.environ.get("WIN_PD_OVERRIDE_LOCAL_APPDATA")
    os.environ["WIN_PD_OVERRIDE_LOCAL_APPDATA"] = local
    try:
        folder = Windows(APP_NAME, APP_AUTHOR).user_data_dir
    finally:
        if before is None:
            os.environ.pop("WIN_PD_OVERRIDE_LOCAL_APPDATA")
        else:
            os.environ["WIN_PD_OVERRIDE_LOCAL_APPDATA"] = before
    return PureWindowsPath(folder) / DATABASE_NAME


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
    """The `python -m devtools.screenshots.… OUT_DIR` entry point: a sample store in a temporary
    folder, the screens rendered into OUT_DIR, the paths printed."""
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path(default_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder, scratch_user_folders(Path(folder)):
        ctx = sample_context(Path(folder))
        for path in render(ctx, out_dir):
            print(path)
        ctx.store.close()
    del app
    return 0
