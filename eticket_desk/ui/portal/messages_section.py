"""The mairie's messages for the portal's accueil: written here (to every family or to one,
with a title, a text and a last day), listed with what the families see of them, withdrawn."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.families.mairie_messages import (
    MessageDraft,
    MessageRow,
    family_by_reference,
    list_messages,
    withdraw_message,
    write_message,
)
from eticket_desk.ui.admin.forms import compact_rows, error_label, format_date, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text


class MessagesSection(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[MessageRow] = []
        self._build()
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    def _build(self) -> None:
        box = QGroupBox(self.tr("Nouveau message"))
        form = QFormLayout(box)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 5)
        self.until_edit = QDateEdit()
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("dd/MM/yyyy")
        today = self.ctx.store.clock.today()
        self.until_edit.setDate(QDate(today.year, today.month, today.day).addDays(14))
        self.audience_combo = QComboBox()
        self.audience_combo.addItems([self.tr("Toutes les familles"), self.tr("Une famille")])
        self.reference_edit = QLineEdit()
        self.reference_edit.setPlaceholderText(self.tr("n° de dossier"))
        self.reference_edit.setEnabled(False)
        audience = QHBoxLayout()
        audience.addWidget(self.audience_combo)
        audience.addWidget(self.reference_edit, 1)
        form.addRow(self.tr("&Titre :"), self.title_edit)
        form.addRow(self.tr("Te&xte :"), self.text_edit)
        form.addRow(self.tr("Affiché &jusqu'au :"), self.until_edit)
        audience_label = QLabel(self.tr("&Pour :"))
        audience_label.setBuddy(self.audience_combo)
        form.addRow(audience_label, audience)
        self.error = error_label()
        form.addRow(self.error)
        self.publish_button = QPushButton(self.tr("P&ublier sur le portail"))
        form.addRow(self.publish_button)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Titre"), self.tr("Pour"), self.tr("Jusqu'au"), self.tr("État"), "Par"]
        )
        self.table.setAccessibleName(self.tr("Messages de la mairie"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        compact_rows(self.table)
        self.withdraw_button = QPushButton(self.tr("&Retirer du portail"))
        self.status_label = note_label()
        bar = QHBoxLayout()
        bar.addWidget(self.status_label, 1)
        bar.addWidget(self.withdraw_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(box)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        can = self.ctx.actor.can(Permission.FAMILY_EDIT)
        box.setEnabled(can)
        self.audience_combo.currentIndexChanged.connect(self._on_audience_combo_changed)
        self.publish_button.clicked.connect(self._on_publish_button_clicked)
        self.withdraw_button.clicked.connect(self._on_withdraw_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self._on_table_selection_changed()

    def reload(self) -> None:
        store = self.ctx.store
        self.ctx.runner.submit(lambda: list_messages(store), self.show_rows)

    def show_rows(self, rows: list[MessageRow]) -> None:
        self.rows = rows
        today = self.ctx.store.clock.today()
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            values = [
                row.title,
                row.audience,
                format_date(row.valid_until),
                row.status(today),
                row.written_by,
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(row.text if column == 0 else value)
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        self._on_table_selection_changed()

    def selected(self) -> MessageRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _on_table_selection_changed(self) -> None:
        row = self.selected()
        can = self.ctx.actor.can(Permission.FAMILY_EDIT)
        self.withdraw_button.setEnabled(can and row is not None and not row.withdrawn)

    def _on_audience_combo_changed(self, index: int) -> None:
        self.reference_edit.setEnabled(index == 1)

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & {Topic.ORGANISATION, Topic.SYNC}:
            self.reload()

    def _on_publish_button_clicked(self) -> None:
        self.error.hide()
        if self.audience_combo.currentIndex() == 0:
            self._publish(None)
            return
        store, reference = self.ctx.store, self.reference_edit.text()
        self.ctx.runner.submit(
            lambda: family_by_reference(store, reference), self._publish, self._show_error
        )

    def _publish(self, family: tuple | None) -> None:
        if self.audience_combo.currentIndex() == 1 and family is None:
            self._show_error(NotFound("Aucune famille n'a ce numéro de dossier."))
            return
        draft = MessageDraft(
            self.title_edit.text(),
            self.text_edit.toPlainText(),
            self.until_edit.date().toPython(),
            family[0] if family else None,
        )
        self.publish_button.setEnabled(False)
        self.ctx.write(write_message, draft, on_done=self._on_published, on_error=self._show_error)

    def _on_published(self, _message_id) -> None:
        self.publish_button.setEnabled(True)
        self.title_edit.clear()
        self.text_edit.clear()
        self.status_label.setText(
            self.tr("Message enregistré : il paraîtra sur le portail après la synchronisation.")
        )

    def _show_error(self, exc: BaseException) -> None:
        self.publish_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()

    def _on_withdraw_button_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.ctx.write(
            withdraw_message,
            row.id,
            on_done=lambda _: self.status_label.setText(
                self.tr("Message retiré du portail (à la prochaine synchronisation).")
            ),
            on_error=self._show_error,
        )
