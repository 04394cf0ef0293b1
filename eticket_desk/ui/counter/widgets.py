"""Small look helpers of the counter: big numbers, coloured messages."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

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
