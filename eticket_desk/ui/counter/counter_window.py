"""The counter in its own window, opened on one family (« Vendre des tickets » from the week
grid or the wallet tab); the sale announces FamilyTopic(family_id) and the screens reload."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.counter_screen import CounterScreen


def open_counter(ctx: AppContext, family_id: uuid.UUID, parent: QWidget) -> QDialog:
    """Opens (window-modal, not blocking) and returns the dialog; its `counter` attribute is
    the CounterScreen. Connect `finished` to reload what shows the family."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(parent.tr("Guichet — vendre des tickets"))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.resize(1100, 700)
    dialog.counter = CounterScreen(ctx, dialog)
    QVBoxLayout(dialog).addWidget(dialog.counter)
    dialog.counter.open_family(family_id)
    dialog.open()
    return dialog
