"""Where the program keeps its files: the default database and the bundled resources."""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "eticket-desk"
APP_AUTHOR = "eticket"


def default_database_path() -> Path:
    """The local store in the user's data folder (created on demand)."""
    folder = user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)
    return folder / "eticket-desk.sqlite"


def resources_dir() -> Path:
    """The `resources/` folder, in a source checkout, a wheel or a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / "resources")
    here = Path(__file__).resolve().parent
    candidates += [here / "_resources", here.parent / "resources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("resources folder not found")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
