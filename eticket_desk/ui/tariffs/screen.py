"""The « Tarifs » screen: ticket types and the invoiced activities (a price per day, or a fare
per period for each fare option), their dated tariffs by QF bracket, a price simulator and the
commune postcodes. Régisseurs and administrators edit; everyone else only reads."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.templates import fare_labels
from eticket_desk.services.catalogue import tariffs
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.activity_tariffs import list_activity_tariffs
from eticket_desk.services.catalogue.tariffs import TariffInfo, TicketTypeInfo
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.tariffs.dialogs import ActivityTariffDialog, TariffDialog, TicketTypeDialog
from eticket_desk.ui.tariffs.tariff_pane import TariffPane, read_only_table, table_item
from eticket_desk.ui.tariffs.texts import activity_texts, billing_text, ticket_texts


class TariffsScreen(QWidget):
    """What a ticket, a day or a fare costs, by start date and quotient familial bracket."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._types: list[TicketTypeInfo] = []
        self._activities: list = []  # ActivitySpec of UNIT and FARE activities
        self._asked = 0  # tariff reads sent to the runner; only the latest one's answer shows
        self.can_edit = ctx.actor.can(Permission.TARIFF_EDIT)
        can_edit_postcodes = self.can_edit or ctx.actor.can(Permission.SETTINGS_EDIT)

        # -- left: ticket types, then the invoiced activities
        self.types_table = read_only_table(0, [self.tr("Code"), self.tr("Nom"), self.tr("Actif")])
        header = self.types_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.new_type_button = QPushButton(self.tr("Nouveau type de ticket…"))
        self.toggle_button = QPushButton(self.tr("Désactiver"))
        self.edit_type_button = QPushButton(self.tr("Modifier…"))
        self.edit_type_button.setToolTip(self.tr("Nom et part garde (crédit d’impôt)"))
        self.new_type_button.clicked.connect(self._on_new_type_button_clicked)
        self.edit_type_button.clicked.connect(self._on_edit_type_button_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_button_clicked)
        type_buttons = QHBoxLayout()
        type_buttons.addWidget(self.new_type_button)
        type_buttons.addWidget(self.edit_type_button)
        type_buttons.addWidget(self.toggle_button)
        type_buttons.addStretch(1)
        types_box = QGroupBox(self.tr("Types de ticket (activités prépayées)"))
        types_layout = QVBoxLayout(types_box)
        types_layout.addLayout(type_buttons)
        types_layout.addWidget(self.types_table)

        self.activities_table = read_only_table(0, [self.tr("Activité"), self.tr("Facturation")])
        header = self.activities_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        activities_box = QGroupBox(self.tr("Activités facturées"))
        activities_layout = QVBoxLayout(activities_box)
        activities_layout.addWidget(self.activities_table)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(types_box, 1)
        left_layout.addWidget(activities_box, 1)

        # -- right: tariffs of the selection and brackets of the selected tariff
        self.pane = TariffPane()
        self.tariffs_box = self.pane
        self.tariffs_title = self.pane.title
        self.fare_combo = self.pane.fare_combo
        self.tariffs_list = self.pane.tariffs_list
        self.brackets_table = self.pane.brackets_table
        self.new_tariff_button = self.pane.new_tariff_button
        self.qf_edit = self.pane.qf_edit
        self.outside_check = self.pane.outside_check
        self.simulated_label = self.pane.simulated_label
        self.new_tariff_button.clicked.connect(self._on_new_tariff_button_clicked)
        self.fare_combo.currentIndexChanged.connect(self._on_fare_combo_current_index_changed)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        # -- bottom: commune postcodes
        self.postcodes_edit = QLineEdit()
        self.postcodes_edit.setPlaceholderText(self.tr("ex. 74200, 74210"))
        self.save_postcodes_button = QPushButton(self.tr("Enregistrer les codes postaux"))
        self.save_postcodes_button.clicked.connect(self._on_save_postcodes_button_clicked)
        self.own_postcode_label = note_label()
        postcodes_box = QGroupBox(self.tr("Codes postaux de la commune"))
        postcodes_layout = QVBoxLayout(postcodes_box)
        row = QHBoxLayout()
        row.addWidget(self.postcodes_edit, 1)
        row.addWidget(self.save_postcodes_button)
        postcodes_layout.addLayout(row)
        postcodes_layout.addWidget(self.own_postcode_label)

        self.read_only_label = note_label(
            self.tr(
                "Consultation seule : seuls un régisseur ou un administrateur modifient les tarifs."
            )
        )
        self.read_only_label.setVisible(not self.can_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Tarifs")))
        layout.addWidget(self.read_only_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(postcodes_box)

        self.new_type_button.setVisible(self.can_edit)
        self.toggle_button.setVisible(self.can_edit)
        self.edit_type_button.setVisible(self.can_edit)
        self.new_tariff_button.setVisible(self.can_edit)
        self.postcodes_edit.setReadOnly(not can_edit_postcodes)
        self.save_postcodes_button.setVisible(can_edit_postcodes)

        self.types_table.itemSelectionChanged.connect(self._on_types_table_selection_changed)
        self.activities_table.itemSelectionChanged.connect(
            self._on_activities_table_selection_changed
        )
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    # -- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the ticket types, the activities and the postcodes on the task runner; the
        postcodes can be saved once read."""
        store = self._ctx.store
        self.save_postcodes_button.setEnabled(False)

        def read() -> tuple[list[TicketTypeInfo], list, tariffs.CommunePostcodes]:
            return (
                tariffs.list_ticket_types(store, include_inactive=True),
                [a for a in list_activities(store) if a.billing_mode != BillingMode.PREPAID],
                tariffs.load_commune_postcodes(store),
            )

        self._ctx.runner.submit(read, self._on_read, self._on_read_failed)

    def _on_read_failed(self, exc: Exception) -> None:
        messages.show_error(self, exc, self.tr("Lecture des tarifs impossible"))

    def _on_read(self, read: tuple[list[TicketTypeInfo], list, tariffs.CommunePostcodes]) -> None:
        selected_type, selected_activity = self.selected_type(), self.selected_activity()
        self._types, self._activities, postcodes = read
        for table in (self.types_table, self.activities_table):
            table.blockSignals(True)
            table.clearSelection()
        self.types_table.setRowCount(len(self._types))
        for row, ticket in enumerate(self._types):
            active = self.tr("oui") if ticket.active else self.tr("non")
            for column, text in enumerate((ticket.code, ticket.name, active)):
                item = table_item(text)
                if not ticket.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.types_table.setItem(row, column, item)
        self.activities_table.setRowCount(len(self._activities))
        for row, activity in enumerate(self._activities):
            self.activities_table.setItem(row, 0, table_item(activity.name))
            self.activities_table.setItem(row, 1, table_item(billing_text(activity)))
        self.postcodes_edit.setText(", ".join(postcodes.extra))
        self.save_postcodes_button.setEnabled(True)
        self.own_postcode_label.setText(
            self.tr(
                "Le code postal de la collectivité ({own}) compte toujours comme commune ; "
                "ajoutez ici les autres codes postaux dont les familles paient le prix commune."
            ).format(own=postcodes.own or "—")
        )
        if (
            selected_activity is not None
            and self._row_of(self._activities, selected_activity.id) >= 0
        ):
            self.activities_table.selectRow(self._row_of(self._activities, selected_activity.id))
        elif selected_type is not None and self._row_of(self._types, selected_type.id) >= 0:
            self.types_table.selectRow(self._row_of(self._types, selected_type.id))
        elif self._types:
            self.types_table.selectRow(0)
        elif self._activities:
            self.activities_table.selectRow(0)
        for table in (self.types_table, self.activities_table):
            table.blockSignals(False)
        self._show_tariffs()

    @staticmethod
    def _row_of(rows: list, wanted: object) -> int:
        return next((row for row, info in enumerate(rows) if info.id == wanted), -1)

    def selected_type(self) -> TicketTypeInfo | None:
        rows = self.types_table.selectionModel().selectedRows()
        return self._types[rows[0].row()] if rows else None

    def selected_activity(self):
        rows = self.activities_table.selectionModel().selectedRows()
        return self._activities[rows[0].row()] if rows else None

    def select_type(self, type_id: object) -> None:
        row = self._row_of(self._types, type_id)
        if row >= 0:
            self.types_table.selectRow(row)

    def select_activity(self, activity_id: object) -> None:
        row = self._row_of(self._activities, activity_id)
        if row >= 0:
            self.activities_table.selectRow(row)

    def selected_tariff(self):
        return self.pane.selected_tariff()

    def fare_option(self) -> str:
        """The fare option shown ("1" or "2"), "" for a price per day or a ticket."""
        activity = self.selected_activity()
        if activity is None or activity.billing_mode != BillingMode.FARE:
            return ""
        return self.fare_combo.currentData() or "1"

    def _show_tariffs(self) -> None:
        """The selection's tariffs, read on the task runner (« Chargement… » meanwhile, so no
        tariff of the previous selection can be opened); of selections changed faster than
        their answers, only the latest one's tariffs are shown."""
        store, today = self._ctx.store, self._ctx.store.clock.today()
        ticket, activity = self.selected_type(), self.selected_activity()
        self._fill_fare_combo(activity)
        option = self.fare_option()
        if activity is not None:
            title, empty, note = activity_texts(activity, option)
        elif ticket is not None:
            title, empty, note = ticket_texts(ticket)
        else:
            title, empty, note = "", self.tr("Choisissez un type de ticket ou une activité."), ""
        self._asked += 1
        asked = self._asked
        self.pane.show_tariffs(self.tr("Chargement…"), [], today, "")

        def read() -> list:
            if activity is not None:
                found = list_activity_tariffs(store, activity.id)
                return [t for t in found if t.fare_option == option]
            return tariffs.list_tariffs(store, ticket.id) if ticket is not None else []

        def show(found: list) -> None:
            if asked == self._asked:
                self.pane.show_tariffs(empty if not found else title, found, today, note)

        self._ctx.runner.submit(read, show, self._on_read_failed)
        self.new_tariff_button.setEnabled(ticket is not None or activity is not None)
        self.toggle_button.setEnabled(ticket is not None)
        self.toggle_button.setText(
            self.tr("Réactiver") if ticket and not ticket.active else self.tr("Désactiver")
        )

    def _fill_fare_combo(self, activity) -> None:
        fares = activity is not None and activity.billing_mode == BillingMode.FARE
        self.fare_combo.setVisible(fares)
        if not fares:
            return
        labels = fare_labels(activity.code)
        if [self.fare_combo.itemText(i) for i in range(self.fare_combo.count())] == list(
            labels.values()
        ):
            return
        self.fare_combo.blockSignals(True)
        self.fare_combo.clear()
        for option, label in labels.items():
            self.fare_combo.addItem(label, option.value)
        self.fare_combo.blockSignals(False)

    def open_type_dialog(self, ticket: TicketTypeInfo | None = None) -> TicketTypeDialog:
        """« Nouveau type de ticket », or `ticket`'s name and care share changed."""
        dialog = TicketTypeDialog(self._ctx, self, ticket)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.ticket_type_saved.connect(self._on_dialog_ticket_type_saved)
        dialog.open()
        return dialog

    def open_tariff_dialog(self) -> TariffDialog | None:
        ticket, activity = self.selected_type(), self.selected_activity()
        current = self.pane.current_or_latest()
        if activity is not None:
            dialog = ActivityTariffDialog(self._ctx, activity, self.fare_option(), current, self)
        elif ticket is not None:
            dialog = TariffDialog(self._ctx, ticket, current, self)
        else:
            return None
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tariff_saved.connect(self._on_dialog_tariff_saved)
        dialog.open()
        return dialog

    # -- slots -----------------------------------------------------------------------------

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if topics & {Topic.TARIFFS, Topic.SETTINGS, Topic.ORGANISATION, Topic.ACTIVITIES}:
            self.refresh()

    def _on_types_table_selection_changed(self) -> None:
        ticket = self.selected_type()
        if ticket is not None:
            self.activities_table.blockSignals(True)
            self.activities_table.clearSelection()
            self.activities_table.blockSignals(False)
        self._show_tariffs()

    def _on_activities_table_selection_changed(self) -> None:
        if self.selected_activity() is not None:
            self.types_table.blockSignals(True)
            self.types_table.clearSelection()
            self.types_table.blockSignals(False)
        self._show_tariffs()

    def _on_fare_combo_current_index_changed(self, _index: int) -> None:
        self._show_tariffs()

    def _on_new_type_button_clicked(self) -> None:
        self.open_type_dialog()

    def _on_edit_type_button_clicked(self) -> None:
        ticket = self.selected_type()
        if ticket is not None:
            self.open_type_dialog(ticket)

    def _on_new_tariff_button_clicked(self) -> None:
        self.open_tariff_dialog()

    def _on_toggle_button_clicked(self) -> None:
        ticket = self.selected_type()
        if ticket is None:
            return
        self._ctx.write(
            tariffs.save_ticket_type,
            ticket.code,
            ticket.name,
            active=not ticket.active,
            on_error=self._on_write_failed,
        )

    def _on_save_postcodes_button_clicked(self) -> None:
        self._ctx.write(
            tariffs.save_commune_postcodes,
            self.postcodes_edit.text(),
            on_error=self._on_write_failed,
        )

    def _on_write_failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    def _on_dialog_ticket_type_saved(self, info: TicketTypeInfo) -> None:
        self.select_type(info.id)

    def _on_dialog_tariff_saved(self, info: TariffInfo) -> None:
        self.pane.select(info.id)
