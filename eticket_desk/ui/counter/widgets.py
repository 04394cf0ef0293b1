"""Small look helpers of the counter: big numbers, coloured messages, buttons that Enter
presses, the tab order of a form."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

ALERT_COLOUR = "#b3261e"
WARNING_COLOUR = "#c05a00"
OK_COLOUR = "#1b6e20"


def scaled(label: QLabel, factor: float, bold: bool = True) -> QLabel:
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    label.setFont(font)
    return label


def big_label(text: str = "", parent: QWidget | None = None, factor: float = 2.0) -> QLabel:
    """A number the agent reads from a step away (balances, change to give back)."""
    return scaled(QLabel(text, parent), factor)


def coloured(label: QLabel, colour: str) -> QLabel:
    label.setStyleSheet(f"color: {colour};")
    label.setWordWrap(True)
    return label


class KeyButton(QPushButton):
    """A button that Enter presses when it has the focus, like Space (a plain QPushButton
    outside a dialog ignores Enter, and an auto-default one would steal Enter from the
    fields of a dialog the screen sits in)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAutoDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            event.accept()
            return
        super().keyPressEvent(event)


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Tab goes from each widget to the next (hidden or disabled ones are skipped by Qt)."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)
