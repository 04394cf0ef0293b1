"""Small editor widgets: a line edit with its red message, an optional date, plain buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.core.fields import InvalidInput
from eticket_desk.ui.family_editor.signals import emit

ERROR_STYLE = "color: #c62828;"
NOTE_STYLE = "color: #6b6b6b; font-style: italic;"

_NO_DATE = QDate(1900, 1, 1)


def plain_button(text: str, parent: QWidget | None = None) -> QPushButton:
    """A push button that Enter in a field never triggers (no dialog auto-default)."""
    button = QPushButton(text, parent)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def error_label(parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setObjectName("fieldError")
    label.hide()
    return label


class FieldWithError(QWidget):
    """A field above its error message; the message takes no room while there is none."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error_label = error_label(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(field)
        layout.addWidget(self.error_label)
        self.setFocusProxy(field)

    def error(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def set_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


class CheckedLineEdit(FieldWithError):
    """A line edit checked when it loses focus; a wrong value shows its message below it.

    `check` returns the value as it will be saved (a phone comes back as '06 12 34 56 78')
    or raises InvalidInput with the French message.
    """

    edited = Signal(str)  # the text, as typed or as put back by the check
    checked = Signal(str)  # the error message after a check ('' when the value is fine)

    def __init__(
        self, check: Callable[[str], str] | None = None, parent: QWidget | None = None
    ) -> None:
        self.line_edit = QLineEdit()
        super().__init__(self.line_edit, parent)
        self._check = check
        self.line_edit.textEdited.connect(self._on_line_edit_text_edited)
        self.line_edit.editingFinished.connect(self._on_line_edit_editing_finished)

    def text(self) -> str:
        return self.line_edit.text()

    def set_text(self, text: str) -> None:
        self.line_edit.setText(text)
        self.line_edit.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.line_edit.setReadOnly(read_only)

    def run_check(self) -> str:
        """Check the value now; put back its saved form; return the message ('' if fine)."""
        if self._check is None:
            return self.error()
        try:
            value = self._check(self.line_edit.text())
        except InvalidInput as exc:
            message = exc.message
        else:
            message = ""
            if value != self.line_edit.text():
                self.line_edit.setText(value)
                emit(self.edited, value)
        self.set_error(message)
        emit(self.checked, message)
        return message

    def _on_line_edit_text_edited(self, text: str) -> None:
        if self.error():
            self.set_error("")
            emit(self.checked, "")
        emit(self.edited, text)

    def _on_line_edit_editing_finished(self) -> None:
        if not self.line_edit.isReadOnly():
            self.run_check()


class DateField(FieldWithError):
    """A date that may be unknown: a checkbox says whether it is filled in."""

    edited = Signal(object)  # date | None
    editing_finished = Signal()

    def __init__(self, default: Callable[[], date], parent: QWidget | None = None) -> None:
        row = QWidget()
        self.known = QCheckBox()
        self.date_edit = QDateEdit()
        super().__init__(row, parent)
        self._default = default
        self._loading = False
        self.known.setToolTip(self.tr("Cochez pour saisir la date"))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setMinimumDate(_NO_DATE)
        self.date_edit.setSpecialValueText(self.tr("non renseignée"))
        self.date_edit.setMinimumWidth(130)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.date_edit)
        layout.addStretch(1)
        self.setFocusProxy(self.known)
        self.known.toggled.connect(self._on_known_toggled)
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.date_edit.editingFinished.connect(self.editing_finished)
        self.set_value(None)

    def value(self) -> date | None:
        if not self.known.isChecked() or self.date_edit.date() == _NO_DATE:
            return None
        return self.date_edit.date().toPython()

    def set_value(self, value: date | None) -> None:
        self._loading = True
        try:
            self.known.setChecked(value is not None)
            self.date_edit.setEnabled(value is not None and self.known.isEnabled())
            self.date_edit.setDate(QDate(value) if value is not None else _NO_DATE)
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.known.setEnabled(not read_only)
        self.date_edit.setEnabled(not read_only and self.known.isChecked())

    def _on_known_toggled(self, checked: bool) -> None:
        if self._loading:
            return
        self.date_edit.setEnabled(checked)
        self._loading = True
        self.date_edit.setDate(QDate(self._default()) if checked else _NO_DATE)
        self._loading = False
        if checked:
            self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        emit(self.edited, self.value())
        emit(self.editing_finished)

    def _on_date_edit_date_changed(self, _date: QDate) -> None:
        if not self._loading:
            if self.error():
                self.set_error("")
            emit(self.edited, self.value())
