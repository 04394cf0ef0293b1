"""Where the program keeps its files: the default database, the documents of a base, the
bundled resources, and file names every system accepts (Windows forbids more than Linux)."""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "eticket-desk"
APP_AUTHOR = "eticket"
DATABASE_NAME = "eticket-desk.sqlite"


def data_folder() -> Path:
    """The user's data folder (`%LOCALAPPDATA%\\eticket\\eticket-desk` on Windows)."""
    return user_data_path(APP_NAME, APP_AUTHOR)


def default_database_path() -> Path:
    """The local store in the user's data folder (created on demand)."""
    folder = user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)
    return folder / DATABASE_NAME


def documents_folder(database: Path | str) -> Path:
    """Where the documents printed from a base are kept: `documents` in the user's data folder
    for the program's own base; for a base opened with --db, a folder of its own there, named
    after the file and where it is. Nothing is written beside a file put elsewhere (a source
    checkout, a USB key), and two bases never mix their receipts of the same number."""
    database = Path(database).resolve()
    own = data_folder().resolve() / DATABASE_NAME
    if database == own:
        return own.parent / "documents"
    digest = hashlib.sha1(str(database).encode("utf-8")).hexdigest()[:8]
    return data_folder() / "bases" / f"{safe_file_name(database.stem)}-{digest}" / "documents"


# Characters Windows refuses in a name (and the path separators of both systems), control
# characters, and the device names it reserves whatever the extension (« CON.pdf »).
_FORBIDDEN = {
    ":": " -",
    "/": "-",
    "\\": "-",
    "|": "-",
    '"': "'",
    "<": "",
    ">": "",
    "?": "",
    "*": "",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$", re.IGNORECASE)
MAX_NAME = 120  # characters: the documents' folder plus the name stay far under 260


def safe_file_name(text: str, fallback: str = "document") -> str:
    """`text` as a file name Windows and Linux accept, as close to the French as possible:
    « Forfait 2026/2027 : bus » → « Forfait 2026-2027 - bus »; no trailing dot or space, no
    reserved device name (« CON.pdf » → « CON_.pdf »), at most MAX_NAME characters with the
    extension kept."""
    name = _CONTROL.sub(" ", text)
    for char, replacement in _FORBIDDEN.items():
        name = name.replace(char, replacement)
    name = re.sub(r" +(\.[^. ]{1,5})$", r"\1", " ".join(name.split())).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        if not dot or " " in suffix or len(suffix) > 5:
            stem, suffix = name, ""
        stem = stem[: MAX_NAME - len(suffix) - 1]
        stem = (stem.rpartition(" ")[0] or stem).rstrip(" .")  # at a word's end
        name = f"{stem}.{suffix}" if suffix else stem
    first = name.split(".")[0]
    if _RESERVED.match(first.strip()):
        name = f"{first.strip()}_{name[len(first) :]}"
    return name or fallback


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
