"""The right side of the « Tarifs » screen: the dated tariffs of what is selected (a ticket
type, a per-day activity, or one fare option of a fare activity), the brackets of the tariff
chosen, and a price simulator for a quotient familial."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.money import format_cents
from eticket_desk.rules.pricing import unit_price
from eticket_desk.ui.admin.forms import compact_rows, format_date, note_label


def read_only_table(rows: int, headers: list[str]) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    compact_rows(table)
    return table


def table_item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def in_force(tariffs: list, day: date):
    """Of tariffs sorted newest start first, the one that applies on `day` (None before)."""
    return next((t for t in tariffs if t.valid_from <= day), None)


class TariffPane(QGroupBox):
    """Shows a list of tariffs (anything with `valid_from` and `brackets`, newest first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Tarifs"), parent)
        self._tariffs: list = []
        self._today = date.today()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.fare_combo = QComboBox()
        self.fare_combo.setVisible(False)
        self.new_tariff_button = QPushButton(self.tr("Nouveau tarif…"))
        self.tariffs_list = QListWidget()
        self.tariffs_list.setMaximumHeight(90)
        self.brackets_table = read_only_table(
            0, [self.tr("QF jusqu'à"), self.tr("Prix"), self.tr("Hors commune")]
        )
        self.brackets_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.brackets_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)

        self.qf_edit = QLineEdit()
        self.qf_edit.setPlaceholderText(self.tr("QF en €"))
        self.qf_edit.setMaximumWidth(110)
        self.outside_check = QCheckBox(self.tr("hors commune"))
        self.simulated_label = QLabel()
        self.simulated_label.setWordWrap(True)
        simulator = QHBoxLayout()
        simulator.addWidget(QLabel(self.tr("Simulateur :")))
        simulator.addWidget(self.qf_edit)
        simulator.addWidget(self.outside_check)
        simulator.addWidget(self.simulated_label, 1)
        self.note = note_label()

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.fare_combo)
        head.addWidget(self.new_tariff_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.tariffs_list)
        layout.addWidget(self.brackets_table, 1)
        layout.addLayout(simulator)
        layout.addWidget(self.note)

        self.qf_edit.textChanged.connect(self._on_qf_edit_text_changed)
        self.outside_check.toggled.connect(self._on_outside_check_toggled)
        self.tariffs_list.currentRowChanged.connect(self._on_tariffs_list_current_row_changed)

    def show_tariffs(self, title: str, tariffs: list, today: date, note: str) -> None:
        """Lists `tariffs` and selects the one in force today (or the first one to come)."""
        self._today = today
        self._tariffs = list(tariffs)
        self.title.setText(title)
        self.note.setText(note)
        current_tariff = in_force(self._tariffs, today)
        self.tariffs_list.blockSignals(True)
        self.tariffs_list.clear()
        for tariff in self._tariffs:
            text = self.tr("à partir du {day}").format(day=format_date(tariff.valid_from))
            if tariff is current_tariff:
                text += self.tr(" — en vigueur")
            elif tariff.valid_from > today:
                text += self.tr(" — à venir")
            self.tariffs_list.addItem(QListWidgetItem(text))
        self.tariffs_list.blockSignals(False)
        if current_tariff is not None:
            current = self._tariffs.index(current_tariff)
        else:
            current = 0 if self._tariffs else -1
        self.tariffs_list.setCurrentRow(current)
        self._on_tariffs_list_current_row_changed(current)

    def tariffs(self) -> list:
        return list(self._tariffs)

    def current_or_latest(self):
        """The tariff a new one starts from: the one in force, or else the newest."""
        return in_force(self._tariffs, self._today) or (self._tariffs[0] if self._tariffs else None)

    def selected_tariff(self):
        row = self.tariffs_list.currentRow()
        return self._tariffs[row] if 0 <= row < len(self._tariffs) else None

    def select(self, tariff_id: object) -> None:
        for row, tariff in enumerate(self._tariffs):
            if tariff.id == tariff_id:
                self.tariffs_list.setCurrentRow(row)

    def _show_brackets(self, tariff) -> None:
        brackets = tariff.brackets if tariff else ()
        self.brackets_table.setRowCount(len(brackets))
        for row, bracket in enumerate(brackets):
            ceiling = (
                self.tr("et au-delà")
                if bracket.qf_max is None
                else self.tr("{qf} €").format(qf=bracket.qf_max)
            )
            self.brackets_table.setItem(row, 0, table_item(ceiling))
            self.brackets_table.setItem(
                row, 1, table_item(format_cents(bracket.price_cents), right=True)
            )
            self.brackets_table.setItem(
                row, 2, table_item(format_cents(bracket.outside_price_cents), right=True)
            )
        self._simulate()

    def _simulate(self) -> None:
        tariff = self.selected_tariff()
        if tariff is None:
            self.simulated_label.setText("")
            return
        text = self.qf_edit.text().strip()
        if text and not text.isdigit():
            self.simulated_label.setText(self.tr("Le quotient est un nombre entier d'euros."))
            return
        today = self._today
        qf = int(text) if text else None
        price = unit_price(
            list(tariff.brackets),
            qf,
            today if qf is not None else None,
            today,
            outside=self.outside_check.isChecked(),
        )
        self.simulated_label.setText(f"{format_cents(price.unit_cents)} — {price.note}")

    def _on_tariffs_list_current_row_changed(self, _row: int) -> None:
        self._show_brackets(self.selected_tariff())

    def _on_qf_edit_text_changed(self, _text: str) -> None:
        self._simulate()

    def _on_outside_check_toggled(self, _checked: bool) -> None:
        self._simulate()
