"""Form helpers shared by the admin screens: titles, red field errors, French formats."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProxyStyle,
    QPushButton,
    QStyle,
    QStyleOption,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#b3261e"
NOTE_STYLE = "color: #555;"


def french_locale() -> QLocale:
    return QLocale(QLocale.Language.French, QLocale.Country.France)


def format_datetime(value: datetime | None) -> str:
    """datetime(2026, 9, 14, 9, 30) -> '14/09/2026 09:30'; None -> ''."""
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def show_text_starts(root: QWidget) -> None:
    """Every line field under `root` shows the start of its text (« Commune de Val-d'Arve… »,
    not « …mmune de Val-d'Arve-les-Bains »): Qt leaves the cursor at the end of a text set
    by the program, and a narrow field then shows only its end."""
    for edit in root.findChildren(QLineEdit):
        if not edit.hasFocus():
            edit.setCursorPosition(0)


def compact_rows(table: QTableView) -> None:
    """Rows as high as the text needs, so a screen shows more of them."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)


def title_label(text: str, parent: QWidget | None = None) -> QLabel:
    """The big title at the top of a screen."""
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.5)
    font.setBold(True)
    label.setFont(font)
    return label


def note_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A grey explanatory sentence, wrapped."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    return label


def error_label(parent: QWidget | None = None) -> QLabel:
    """A red message, hidden while it is empty."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setVisible(False)
    return label


class FieldErrors:
    """The red messages beside a form's fields, keyed like `ValidationFailed.errors`."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}

    def wrap(self, key: str, editor: QWidget) -> QWidget:
        """The editor with its (hidden) error label underneath, to put in a form row."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        label = error_label(box)
        label.setObjectName(f"error_{key}")
        layout.addWidget(label)
        self._labels[key] = label
        return box

    def set(self, key: str, message: str) -> None:
        label = self._labels[key]
        label.setText(message)
        label.setVisible(bool(message))
        if message and isinstance(label.window(), QDialog):
            grow_to_fit(label.window())

    def message(self, key: str) -> str:
        label = self._labels.get(key)
        return label.text() if label is not None else ""

    def clear(self) -> None:
        for key in self._labels:
            self.set(key, "")

    def show(self, errors: dict[str, str]) -> dict[str, str]:
        """Shows the known keys beside their fields; returns the messages with no field."""
        self.clear()
        unplaced = {}
        for key, message in errors.items():
            if key in self._labels:
                self.set(key, message)
            else:
                unplaced[key] = message
        return unplaced


def grow_to_fit(window: QWidget) -> None:
    """Makes a dialog tall enough for its wrapped messages at its current width.

    Qt sizes a window from its layout's size hint, which underestimates word-wrapped labels
    shown after the fact (the field errors): without this the fields get squashed.
    """
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    if layout.hasHeightForWidth():
        needed = layout.totalHeightForWidth(window.width())
    else:
        needed = layout.totalSizeHint().height()
    if window.height() < needed:
        window.resize(window.width(), needed)


def save_cancel_buttons(
    dialog: QDialog, save_text: str, *, cancel: bool = True
) -> tuple[QDialogButtonBox, QPushButton]:
    """A button box with French texts (whatever Qt translation is loaded); Cancel rejects.

    The save button is not wired to accept(): the dialog saves first, then accepts.
    """
    buttons = QDialogButtonBox(dialog)
    save = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    save.setDefault(True)
    if cancel:
        cancel_button = buttons.addButton(
            dialog.tr("Annuler"), QDialogButtonBox.ButtonRole.RejectRole
        )
        cancel_button.setObjectName("cancel_button")
        cancel_button.clicked.connect(dialog.reject)
    return buttons, save


class _AccentSafeTabStyle(QProxyStyle):
    """The application style, but unselected tabs do not push their text down so far that the
    accent of a capital (« Écoles ») is clipped, as Fusion does."""

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        value = super().pixelMetric(metric, option, widget)
        if metric == QStyle.PixelMetric.PM_TabBarTabShiftVertical:
            return min(value, 1)
        return value


_tab_style: _AccentSafeTabStyle | None = None


def make_tabs(parent: QWidget | None = None) -> QTabWidget:
    """A QTabWidget whose French tab titles are drawn whole."""
    global _tab_style
    if _tab_style is None:
        _tab_style = _AccentSafeTabStyle()
        _tab_style.setParent(QApplication.instance())
    tabs = QTabWidget(parent)
    tabs.tabBar().setStyle(_tab_style)
    return tabs
