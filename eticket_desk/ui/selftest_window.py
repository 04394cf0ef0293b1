"""The self-test's Qt part: Qt's French translation, and the main window opened, toured, closed.

Called by eticket_desk.selftest (which holds no Qt itself). The platform is offscreen unless
QT_QPA_PLATFORM already names one, so the check runs on a server or a CI machine too.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    from eticket_desk.services.core.store import Actor, Store


def _on_qt_message(_kind: QtMsgType, _context, message: str) -> None:
    # The offscreen platform warns at each window shown that it cannot pass size hints on.
    if "propagateSizeHints" not in message and sys.stderr is not None:
        print(message, file=sys.stderr)


def _application() -> QApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        qInstallMessageHandler(_on_qt_message)
    from eticket_desk.ui.app import make_application

    return make_application()


def check_french_translation() -> str:
    """Raises unless Qt's own buttons read in French (qtbase_fr.qm found and installed)."""
    _application()
    cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
    if cancel != "Annuler":
        raise RuntimeError(f"qtbase_fr introuvable : le bouton « Cancel » reste « {cancel} »")
    return f"« Cancel » → « {cancel} »"


class _MessageCatcher:
    """Closes any message box a screen opens (it would wait for a click forever offscreen)
    and remembers its text: a screen that shows an error fails the self-test."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()

    def _on_timer_timeout(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                self.messages.append(widget.text())
                widget.reject()


def open_main_window(store: Store, actor: Actor) -> str:
    """Opens the main window over `store` as `actor`, shows every screen of the navigation
    once, closes the window (which makes its closing backup) and says how many screens."""
    app = _application()
    from eticket_desk.services.core.settings import load_settings
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.main_window import MainWindow
    from eticket_desk.ui.tasks import TaskRunner

    ctx = AppContext(store, actor, TaskRunner(), ChangeBus(), load_settings(store))
    catcher = _MessageCatcher()

    def settle() -> None:
        for _ in range(3):  # a task's answer may submit another one
            app.processEvents()
            ctx.runner.wait(20_000)
            app.processEvents()

    window = MainWindow(ctx)
    try:
        window.show()
        settle()
        for row in range(window.nav.count()):
            window.nav.setCurrentRow(row)
            settle()
    finally:
        window.close()
        settle()
        catcher.timer.stop()
    if catcher.messages:
        raise RuntimeError(" / ".join(catcher.messages))
    if window.isVisible():
        raise RuntimeError("la fenêtre principale ne s'est pas fermée")
    return f"{window.nav.count()} écrans ouverts puis fermés"
