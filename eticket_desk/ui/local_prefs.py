"""What this computer remembers between sessions, outside any base: the last login.

Kept in an ini file of the user's data folder (`poste.ini` beside the default base, in
%LOCALAPPDATA%\\eticket\\eticket-desk on Windows), the same on every system: not in the
registry, where a test could not keep it apart from the agents' own. Nothing secret goes
here: never a password, never a token (those live in the OS keyring).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from eticket_desk.paths import data_folder

_LAST_LOGIN = "login/last"
FILE_NAME = "poste.ini"


def _settings() -> QSettings:
    return QSettings(str(data_folder() / FILE_NAME), QSettings.Format.IniFormat)


def last_login() -> str:
    value = _settings().value(_LAST_LOGIN, "")
    return value if isinstance(value, str) else ""


def remember_login(login: str) -> None:
    settings = _settings()
    settings.setValue(_LAST_LOGIN, login)
    settings.sync()
