"""Locks the whole program after N idle minutes; unlocking keeps every open window as it was."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.access import users
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    """Restarts a timer on every key press or mouse move anywhere in the application."""

    idle_elapsed = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle_elapsed)
        self.set_minutes(minutes)
        self.paused = False
        QApplication.instance().installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, minutes) * 60_000)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.paused and event.type() in _ACTIVITY:
            self.timer.start()
        return False


class LockDialog(QDialog):
    """A full-screen opaque dialog over everything, until the agent types their password."""

    unlocked = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Session verrouillée"))
        self.setModal(True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setObjectName("lockScreen")
        self.setStyleSheet(
            "#lockScreen { background: #1f2937; } #lockCard { background: white; border-radius: 8px; }"
        )
        card = QFrame()
        card.setObjectName("lockCard")
        card.setFixedWidth(420)
        title = QLabel(self.tr("Session verrouillée"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        who = QLabel(
            self.tr("Session de %1 (%2).\nVos fenêtres et la saisie en cours sont conservées.")
            .replace("%1", ctx.actor.full_name)
            .replace("%2", ctx.actor.role.label)
        )
        who.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Mot de passe"))
        self.password_edit.returnPressed.connect(self._on_unlock_clicked)
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #b91c1c;")
        self.unlock_button = QPushButton(self.tr("&Déverrouiller"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        for widget in (title, who, self.password_edit, self.error_label, self.unlock_button):
            inner.addWidget(widget)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def show_locked(self) -> None:
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())
        self.password_edit.clear()
        self.error_label.clear()
        self.show()
        self.raise_()
        self.activateWindow()
        self.password_edit.setFocus()

    def reject(self) -> None:  # Esc must not unlock
        pass

    def _on_unlock_clicked(self) -> None:
        """The password check and its audit line run on the writer, as every database call."""
        if not self.unlock_button.isEnabled():
            return  # the previous attempt is still being checked
        store, actor, password = self.ctx.store, self.ctx.actor, self.password_edit.text()

        def attempt() -> bool:
            ok = users.check_password(store, actor, password)
            users.record_unlock(store, actor, ok)
            return ok

        self.unlock_button.setEnabled(False)
        self.ctx.runner.submit(attempt, self._on_attempt_done, self._on_attempt_failed)

    def _on_attempt_failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.error_label.setText(error_text(exc))

    def _on_attempt_done(self, ok: bool) -> None:
        self.unlock_button.setEnabled(True)
        if not ok:
            self.error_label.setText(self.tr("Mot de passe incorrect."))
            self.password_edit.selectAll()
            return
        self.hide()
        self.unlocked.emit()


class ScreenLocker(QObject):
    """Ties the idle watcher to the lock dialog; the main window owns one."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.watcher = IdleWatcher(ctx.settings.idle_lock_minutes, self)
        self.watcher.idle_elapsed.connect(self.lock)
        self.dialog = LockDialog(ctx, parent)
        self.dialog.unlocked.connect(self._on_dialog_unlocked)

    @property
    def is_locked(self) -> bool:
        return self.dialog.isVisible()

    def lock(self) -> None:
        if self.is_locked:
            return
        self.watcher.paused = True
        self.dialog.show_locked()
        self.locked.emit()

    def set_minutes(self, minutes: int) -> None:
        self.watcher.set_minutes(minutes)

    def _on_dialog_unlocked(self) -> None:
        self.watcher.paused = False
        self.watcher.timer.start()
        self.unlocked.emit()
