"""The list-and-form page shared by adults, children and other third parties."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.ui.family_editor.checks import Entry
from eticket_desk.ui.family_editor.signals import emit
from eticket_desk.ui.family_editor.widgets import NOTE_STYLE, plain_button
from eticket_desk.ui.messages import ask_yes_no

_ERROR_COLOUR = QColor("#c62828")


class PersonForm(Protocol):
    """What a page needs from the form on its right (AdultForm, ChildForm)."""

    edited: Signal  # (field name)
    errors_changed: Signal

    def load(self, entry: Entry | None) -> None: ...
    def show_errors(self) -> None: ...
    def focus_field(self, name: str) -> None: ...
    def set_read_only(self, read_only: bool) -> None: ...


class PeoplePage(QWidget):
    """People on the left (name and role), the selected one's form on the right."""

    edited = Signal()  # any person added, removed or changed
    current_changed = Signal(int)  # the selected row (-1 when none)

    def __init__(
        self,
        form: QWidget,
        *,
        add_text: str,
        empty_text: str,
        new_item: Callable[[], Any],
        describe: Callable[[Any], list[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.entries: list[Entry] = []
        self._new_item = new_item
        self._describe = describe
        self._read_only = False

        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setMinimumWidth(240)
        self.list.setMaximumWidth(300)
        self.list.setSpacing(2)
        self.list.setWordWrap(True)  # « GS · École maternelle et élémentaire Jules Ferry »
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.add_button = plain_button(add_text)
        self.remove_button = plain_button(self.tr("&Supprimer"))
        self.remove_button.setToolTip(self.tr("Retirer la personne sélectionnée du dossier"))

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(buttons)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(form)
        self.placeholder = QLabel(empty_text)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet(NOTE_STYLE)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(scroll)

        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.list, self.add_button)
        self.setTabOrder(self.add_button, self.remove_button)

        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        form.edited.connect(self._on_form_edited)
        form.errors_changed.connect(self._on_form_errors_changed)
        self._update_buttons()

    # ------------------------------------------------------------ data

    def set_items(self, items: list[Any], row: int = 0) -> None:
        self.entries = [Entry(item) for item in items]
        self.list.blockSignals(True)
        self.list.clear()
        for entry in self.entries:
            self.list.addItem(self._make_item(entry))
        self.list.blockSignals(False)
        self.select(min(row, len(self.entries) - 1))

    def items(self) -> list[Any]:
        return [entry.data for entry in self.entries]

    def current_row(self) -> int:
        return self.list.currentRow()

    def current_entry(self) -> Entry | None:
        row = self.current_row()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, row: int) -> None:
        if row < 0:
            self.list.setCurrentRow(-1)
            self._on_list_current_row_changed(-1)
        elif row == self.list.currentRow():
            self._on_list_current_row_changed(row)
        else:
            self.list.setCurrentRow(row)

    def has_errors(self) -> bool:
        return any(entry.errors for entry in self.entries)

    def first_error(self) -> tuple[int, str] | None:
        for row, entry in enumerate(self.entries):
            if entry.errors:
                return row, next(iter(entry.errors))
        return None

    def show_error(self, row: int, name: str) -> None:
        """Select the person and put the cursor in the wrong field."""
        self.select(row)
        self.form.focus_field(name)

    def refresh(self) -> None:
        """Redraw the list rows and the current form's messages after a change of errors."""
        for row, entry in enumerate(self.entries):
            self._fill_item(self.list.item(row), entry)
        self.form.show_errors()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.form.set_read_only(read_only)
        self._update_buttons()

    # ------------------------------------------------------------ list rows

    def _make_item(self, entry: Entry) -> QListWidgetItem:
        item = QListWidgetItem()
        self._fill_item(item, entry)
        return item

    def _fill_item(self, item: QListWidgetItem, entry: Entry) -> None:
        lines = self._describe(entry.data)
        tooltip = list(lines)
        if entry.errors:
            lines = ["⚠ " + lines[0], *lines[1:]]
            item.setForeground(QBrush(_ERROR_COLOUR))
            tooltip += ["", *entry.errors.values()]
        else:
            item.setForeground(self.list.palette().text())
        item.setText("\n".join(lines))
        item.setToolTip("\n".join(tooltip))

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(not self._read_only)
        self.remove_button.setEnabled(not self._read_only and self.current_entry() is not None)

    # ------------------------------------------------------------ slots

    def _on_list_current_row_changed(self, row: int) -> None:
        entry = self.entries[row] if 0 <= row < len(self.entries) else None
        self.form.load(entry)
        self.stack.setCurrentIndex(1 if entry is not None else 0)
        self._update_buttons()
        emit(self.current_changed, row if entry is not None else -1)

    def _on_add_button_clicked(self) -> None:
        entry = Entry(self._new_item())
        self.entries.append(entry)
        self.list.addItem(self._make_item(entry))
        self.select(len(self.entries) - 1)
        self.form.focus_field("")
        emit(self.edited)

    def _on_remove_button_clicked(self) -> None:
        row = self.current_row()
        entry = self.current_entry()
        if entry is None:
            return
        name = self._describe(entry.data)[0]
        if entry.data.id is not None and not ask_yes_no(
            self,
            self.tr("Supprimer"),
            self.tr(
                "Retirer « %s » du dossier ?\nLa suppression sera effective à l'enregistrement."
            )
            % name,
        ):
            return
        del self.entries[row]
        self.list.blockSignals(True)
        self.list.takeItem(row)
        self.list.blockSignals(False)
        self.select(min(row, len(self.entries) - 1))
        emit(self.edited)

    def _on_form_edited(self, _name: str) -> None:
        row = self.current_row()
        if 0 <= row < len(self.entries):
            self._fill_item(self.list.item(row), self.entries[row])
        emit(self.edited)

    def _on_form_errors_changed(self) -> None:
        row = self.current_row()
        if 0 <= row < len(self.entries):
            self._fill_item(self.list.item(row), self.entries[row])
        emit(self.edited)
