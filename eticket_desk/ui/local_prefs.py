"""What this computer remembers between sessions, outside any base: the last login.

Kept in Qt's per-user settings (the registry on Windows, an ini file elsewhere). Nothing
secret goes here: never a password, never a token (those live in the OS keyring).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

_LAST_LOGIN = "login/last"


def _settings() -> QSettings:
    return QSettings(QSettings.Scope.UserScope, "eticket", "eticket-desk")


def last_login() -> str:
    value = _settings().value(_LAST_LOGIN, "")
    return value if isinstance(value, str) else ""


def remember_login(login: str) -> None:
    settings = _settings()
    settings.setValue(_LAST_LOGIN, login)
    settings.sync()
