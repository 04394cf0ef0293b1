"""The « Présences » tab: the day's children of one activity, marked from the keyboard —
P présent, A absent, C (or J) absent with a medical certificate, Espace « non pointé » —
then saved in one go (Ctrl+S)."""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.attendance.presence import (
    PresenceSaved,
    PresenceSheet,
    count_text,
    presence_sheet,
    save_presence,
)
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import compact_rows, note_label
from eticket_desk.ui.attendance.presence_model import ABSENT, Column, PresenceModel
from eticket_desk.ui.context import AppContext

KEYS = {
    Qt.Key.Key_P: BookingState.PRESENT,
    Qt.Key.Key_A: BookingState.ABSENT_UNJUSTIFIED,
    Qt.Key.Key_J: BookingState.ABSENT_JUSTIFIED,
    Qt.Key.Key_Space: BookingState.BOOKED,
    Qt.Key.Key_Delete: BookingState.BOOKED,
    Qt.Key.Key_Backspace: BookingState.BOOKED,
}


class PresenceTab(QWidget):
    """Marks kept on screen (yellow) until « Enregistrer »; one save is one transaction."""

    presence_saved = Signal(object)  # PresenceSaved

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._request = 0
        self.with_health = False  # diets, allergies and PAI asked for (and allowed)
        self.model = PresenceModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.CHILD, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnHidden(Column.HEALTH, True)
        self.table.installEventFilter(self)

        self.keys_label = note_label(
            self.tr(
                "Clavier : ↑ ↓ pour choisir l'enfant, P présent, A absent, C absent avec "
                "certificat médical (non facturé), Espace pour effacer ; Ctrl+S enregistre."
            )
        )
        self.counts_label = QLabel()
        self.all_present_button = QPushButton(self.tr("Tous les autres présents"))
        self.all_present_button.setToolTip(
            self.tr("Marque présents les enfants qui ne sont pas encore pointés")
        )
        self.save_button = QPushButton(self.tr("&Enregistrer le pointage"))
        self.save_button.setEnabled(False)
        self.all_present_button.clicked.connect(self._on_all_present_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_button_clicked)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.model.modelReset.connect(self._on_model_data_changed)

        buttons = QHBoxLayout()
        buttons.addWidget(self.counts_label, 1)
        buttons.addWidget(self.all_present_button)
        buttons.addWidget(self.save_button)
        self.status_label = note_label()
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.saved_label)

    # -- loading and saving ------------------------------------------------------------------

    @property
    def has_changes(self) -> bool:
        return bool(self.model.pending)

    def load(self, activity_id: uuid.UUID | None, day: date, keep_marks: bool = False) -> None:
        """Loads the list of `activity_id` on `day`; `keep_marks` keeps the marks not saved
        yet (the same list shown again)."""
        self._request += 1
        request, sheet = self._request, self.model.sheet
        if sheet is None or (sheet.activity_id, sheet.day) != (activity_id, day):
            self.saved_label.setText("")  # the last save was about another list
        if activity_id is None:
            self.model.set_sheet(None)
            self.status_label.setText(self.tr("Aucune activité n'a lieu ce jour-là."))
            return
        store, actor, health = self._ctx.store, self._ctx.actor, self.with_health
        self._ctx.runner.submit(
            lambda: presence_sheet(store, actor, activity_id, day, with_health=health),
            lambda sheet: self._on_sheet_loaded(request, sheet, keep_marks),
            self._on_failed,
        )

    def set_health(self, shown: bool) -> None:
        """Shows the diet, allergies and PAI column or not, the marks not saved kept."""
        if shown == self.with_health:
            return
        self.with_health = shown
        sheet = self.model.sheet
        if sheet is not None:
            self.load(sheet.activity_id, sheet.day, keep_marks=True)

    def save(self) -> None:
        sheet = self.model.sheet
        changes = self.model.changes()
        if sheet is None or not changes:
            return
        request = self._request
        self.save_button.setEnabled(False)
        self._ctx.write(
            save_presence,
            sheet.activity_id,
            sheet.day,
            changes,
            on_done=lambda saved: self._on_saved(request, saved),
            on_error=self._on_failed,
        )

    def focus_table(self) -> None:
        self.table.setFocus()
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, Column.MARK))

    # -- keyboard ----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        plain = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Home, Qt.Key.Key_End) and not event.modifiers() & ~plain:
            return self._go_to_end(key == Qt.Key.Key_End)  # the first or the last child
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Ctrl+S and the like go on to their shortcuts
        row = self.table.currentIndex().row()
        if row < 0 or not self.model.editable:
            return False
        if key == Qt.Key.Key_C:  # the certificate of an absence, on or off
            if self.model.state(row) in ABSENT:
                self.model.toggle_certificate(row)
            else:
                self.model.mark(row, BookingState.ABSENT_JUSTIFIED)
        elif key in KEYS:
            self.model.mark(row, KEYS[key])
        else:
            return False
        if row + 1 < self.model.rowCount():  # on to the next child
            self.table.setCurrentIndex(self.model.index(row + 1, Column.MARK))
        return True

    def _show_health_column(self, shown: bool) -> None:
        """The diets column takes the room left (a long allergy is cut, whole in its tooltip);
        without it, the names do."""
        header, modes = self.table.horizontalHeader(), QHeaderView.ResizeMode
        self.table.setColumnHidden(Column.HEALTH, not shown)
        header.setSectionResizeMode(Column.CHILD, modes.Stretch)
        if shown:
            header.setSectionResizeMode(Column.CHILD, modes.ResizeToContents)
        header.setSectionResizeMode(Column.HEALTH, modes.Stretch)
        header.setSectionResizeMode(Column.SCHOOL, modes.Interactive)  # a long name is cut
        self.table.resizeColumnToContents(Column.SCHOOL)
        wide = self.table.fontMetrics().horizontalAdvance("École maternelle Jules")
        self.table.setColumnWidth(Column.SCHOOL, min(self.table.columnWidth(Column.SCHOOL), wide))

    def _go_to_end(self, last: bool) -> bool:
        rows = self.model.rowCount()
        if rows:
            column = max(self.table.currentIndex().column(), 0)
            self.table.setCurrentIndex(self.model.index(rows - 1 if last else 0, column))
        return True

    # -- slots -------------------------------------------------------------------------------

    def _on_sheet_loaded(self, request: int, sheet: PresenceSheet, keep_marks: bool) -> None:
        if request != self._request:
            return
        current = self.table.currentIndex()
        self.model.set_sheet(sheet, keep_marks)
        self._show_health_column(sheet.show_health)
        if not sheet.rows:
            note = self.tr("Aucun enfant inscrit à {activity} ce jour-là.")
        elif not sheet.editable:
            note = self.tr(
                "Ce jour n'est pas encore passé : la présence se pointe le jour même ou après."
            )
        else:
            note = ""
        if sheet.invoiced:
            note += " " + self.tr(
                "Le mois est déjà facturé pour {count} famille(s) de cette liste : leur "
                "facture ne changera pas (un avoir la corrige)."
            ).format(count=sheet.invoiced)
        self.status_label.setText(note.format(activity=sheet.activity_name).strip())
        if self.model.rowCount():
            row = current.row() if keep_marks and current.row() < self.model.rowCount() else 0
            self.table.setCurrentIndex(self.model.index(max(row, 0), Column.MARK))

    def _on_saved(self, request: int, saved: PresenceSaved) -> None:
        self.presence_saved.emit(saved)
        sheet = self.model.sheet
        if request == self._request and sheet is not None:  # still the list that was saved
            self.load(sheet.activity_id, sheet.day)
        self.saved_label.setText(saved.message)

    def _on_failed(self, exc: Exception) -> None:
        self._on_model_data_changed()
        messages.show_error(self, exc)

    def _on_model_data_changed(self, *_args) -> None:
        editable = self.model.editable
        self.save_button.setEnabled(editable and self.has_changes)
        self.all_present_button.setEnabled(
            editable and self.model.counts()[BookingState.BOOKED] > 0
        )
        rows = self.model.rowCount()
        if self.model.sheet is None or not rows:
            self.counts_label.setText("")
            return
        booked = self.tr("{n} inscrit") if rows == 1 else self.tr("{n} inscrits")
        text = f"{booked.format(n=rows)} : {count_text(self.model.counts())}"
        pending = len(self.model.pending)
        if pending:
            waiting = self.tr("{n} pointage à enregistrer")
            if pending > 1:
                waiting = self.tr("{n} pointages à enregistrer")
            text += " — " + waiting.format(n=pending)
        self.counts_label.setText(text)

    def _on_all_present_button_clicked(self) -> None:
        self.model.mark_unmarked_present()
        self.table.setFocus()

    def _on_save_button_clicked(self) -> None:
        self.save()
