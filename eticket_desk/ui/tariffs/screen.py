"""The « Tarifs » screen: ticket types, their tariffs by QF bracket, a price simulator and the
commune postcodes. Régisseurs and administrators edit; everyone else only reads."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.pricing import unit_price
from eticket_desk.services import tariffs
from eticket_desk.services.tariffs import TariffInfo, TicketTypeInfo
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import compact_rows, format_date, note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.tariffs.dialogs import TariffDialog, TicketTypeDialog


def _read_only_table(rows: int, headers: list[str]) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    compact_rows(table)
    return table


def _item(text: str, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class TariffsScreen(QWidget):
    """What a ticket costs, by ticket type, start date and quotient familial bracket."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._types: list[TicketTypeInfo] = []
        self._tariffs: list[TariffInfo] = []
        self.can_edit = ctx.actor.can(Permission.TARIFF_EDIT)
        can_edit_postcodes = self.can_edit or ctx.actor.can(Permission.SETTINGS_EDIT)

        # -- left: ticket types
        self.types_table = _read_only_table(0, [self.tr("Code"), self.tr("Nom"), self.tr("Actif")])
        header = self.types_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.new_type_button = QPushButton(self.tr("Nouveau type de ticket…"))
        self.toggle_button = QPushButton(self.tr("Désactiver"))
        self.new_type_button.clicked.connect(self._on_new_type_button_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_button_clicked)
        type_buttons = QHBoxLayout()
        type_buttons.addWidget(self.new_type_button)
        type_buttons.addWidget(self.toggle_button)
        type_buttons.addStretch(1)
        types_box = QGroupBox(self.tr("Types de ticket"))
        types_layout = QVBoxLayout(types_box)
        types_layout.addLayout(type_buttons)
        types_layout.addWidget(self.types_table)

        # -- right: tariffs of the selected type and brackets of the selected tariff
        self.tariffs_list = QListWidget()
        self.tariffs_list.setMaximumHeight(90)
        self.new_tariff_button = QPushButton(self.tr("Nouveau tarif…"))
        self.new_tariff_button.clicked.connect(self._on_new_tariff_button_clicked)
        self.brackets_table = _read_only_table(
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
        self.qf_edit.textChanged.connect(self._on_qf_edit_text_changed)
        self.outside_check.toggled.connect(self._on_outside_check_toggled)
        simulator = QHBoxLayout()
        simulator.addWidget(QLabel(self.tr("Simulateur :")))
        simulator.addWidget(self.qf_edit)
        simulator.addWidget(self.outside_check)
        simulator.addWidget(self.simulated_label, 1)

        tariff_head = QHBoxLayout()
        self.tariffs_title = QLabel()
        tariff_head.addWidget(self.tariffs_title, 1)
        tariff_head.addWidget(self.new_tariff_button)
        self.tariffs_box = QGroupBox(self.tr("Tarifs"))
        tariffs_layout = QVBoxLayout(self.tariffs_box)
        tariffs_layout.addLayout(tariff_head)
        tariffs_layout.addWidget(self.tariffs_list)
        tariffs_layout.addWidget(self.brackets_table, 1)
        tariffs_layout.addLayout(simulator)
        tariffs_layout.addWidget(
            note_label(
                self.tr(
                    "Une famille sans quotient familial valide paie la dernière tranche. Un "
                    "nouveau tarif ne change jamais les ventes déjà faites."
                )
            )
        )

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(types_box)
        splitter.addWidget(self.tariffs_box)
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
        self.new_tariff_button.setVisible(self.can_edit)
        self.postcodes_edit.setReadOnly(not can_edit_postcodes)
        self.save_postcodes_button.setVisible(can_edit_postcodes)

        self.types_table.itemSelectionChanged.connect(self._on_types_table_selection_changed)
        self.tariffs_list.currentRowChanged.connect(self._on_tariffs_list_current_row_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    # -- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_type()
        store = self._ctx.store
        self._types = tariffs.list_ticket_types(store, include_inactive=True)
        self.types_table.blockSignals(True)
        self.types_table.setRowCount(len(self._types))
        for row, ticket in enumerate(self._types):
            active = self.tr("oui") if ticket.active else self.tr("non")
            for column, text in enumerate((ticket.code, ticket.name, active)):
                item = _item(text)
                if not ticket.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.types_table.setItem(row, column, item)
        postcodes = tariffs.load_commune_postcodes(store)
        self.postcodes_edit.setText(", ".join(postcodes.extra))
        self.own_postcode_label.setText(
            self.tr(
                "Le code postal de la collectivité ({own}) compte toujours comme commune ; "
                "ajoutez ici les autres codes postaux dont les familles paient le prix commune."
            ).format(own=postcodes.own or "—")
        )
        ids = [t.id for t in self._types]
        if selected is not None and selected.id in ids:
            self.select_type(selected.id)
        elif self._types:
            self.types_table.selectRow(0)
        self.types_table.blockSignals(False)
        self._on_types_table_selection_changed()

    def selected_type(self) -> TicketTypeInfo | None:
        rows = self.types_table.selectionModel().selectedRows()
        return self._types[rows[0].row()] if rows else None

    def select_type(self, type_id: object) -> None:
        for row, ticket in enumerate(self._types):
            if ticket.id == type_id:
                self.types_table.selectRow(row)
                return

    def selected_tariff(self) -> TariffInfo | None:
        row = self.tariffs_list.currentRow()
        return self._tariffs[row] if 0 <= row < len(self._tariffs) else None

    def _show_tariffs(self, ticket: TicketTypeInfo | None) -> None:
        today = self._ctx.store.clock.today()
        self._tariffs = tariffs.list_tariffs(self._ctx.store, ticket.id) if ticket else []
        in_force = tariffs.tariff_in_force(self._tariffs, today)
        self.tariffs_list.blockSignals(True)
        self.tariffs_list.clear()
        for tariff in self._tariffs:
            text = self.tr("à partir du {day}").format(day=format_date(tariff.valid_from))
            if tariff is in_force:
                text += self.tr(" — en vigueur")
            elif tariff.valid_from > today:
                text += self.tr(" — à venir")
            self.tariffs_list.addItem(QListWidgetItem(text))
        self.tariffs_list.blockSignals(False)
        if ticket is None:
            self.tariffs_title.setText(self.tr("Choisissez un type de ticket."))
        elif not self._tariffs:
            self.tariffs_title.setText(
                self.tr("Aucun tarif pour « {name} » : créez-en un.").format(name=ticket.name)
            )
        else:
            self.tariffs_title.setText(self.tr("Tarifs « {name} »").format(name=ticket.name))
        self.new_tariff_button.setEnabled(ticket is not None)
        current = self._tariffs.index(in_force) if in_force else (0 if self._tariffs else -1)
        self.tariffs_list.setCurrentRow(current)
        self._on_tariffs_list_current_row_changed(current)

    def _show_brackets(self, tariff: TariffInfo | None) -> None:
        brackets = tariff.brackets if tariff else ()
        self.brackets_table.setRowCount(len(brackets))
        for row, bracket in enumerate(brackets):
            ceiling = (
                self.tr("et au-delà")
                if bracket.qf_max is None
                else self.tr("{qf} €").format(qf=bracket.qf_max)
            )
            self.brackets_table.setItem(row, 0, _item(ceiling))
            self.brackets_table.setItem(
                row, 1, _item(format_cents(bracket.price_cents), right=True)
            )
            self.brackets_table.setItem(
                row, 2, _item(format_cents(bracket.outside_price_cents), right=True)
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
        today = self._ctx.store.clock.today()
        qf = int(text) if text else None
        price = unit_price(
            list(tariff.brackets),
            qf,
            today if qf is not None else None,
            today,
            outside=self.outside_check.isChecked(),
        )
        self.simulated_label.setText(f"{format_cents(price.unit_cents)} — {price.note}")

    def open_type_dialog(self) -> TicketTypeDialog:
        dialog = TicketTypeDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.ticket_type_saved.connect(self._on_dialog_ticket_type_saved)
        dialog.open()
        return dialog

    def open_tariff_dialog(self) -> TariffDialog | None:
        ticket = self.selected_type()
        if ticket is None:
            return None
        today = self._ctx.store.clock.today()
        current = tariffs.tariff_in_force(self._tariffs, today) or (
            self._tariffs[0] if self._tariffs else None
        )
        dialog = TariffDialog(self._ctx, ticket, current, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tariff_saved.connect(self._on_dialog_tariff_saved)
        dialog.open()
        return dialog

    # -- slots -----------------------------------------------------------------------------

    def _on_bus_changed(self, topics: frozenset[str]) -> None:
        if topics & {"tariffs", "settings", "organisation"}:
            self.refresh()

    def _on_types_table_selection_changed(self) -> None:
        ticket = self.selected_type()
        self.toggle_button.setEnabled(ticket is not None)
        self.toggle_button.setText(
            self.tr("Réactiver") if ticket and not ticket.active else self.tr("Désactiver")
        )
        self._show_tariffs(ticket)

    def _on_tariffs_list_current_row_changed(self, _row: int) -> None:
        self._show_brackets(self.selected_tariff())

    def _on_qf_edit_text_changed(self, _text: str) -> None:
        self._simulate()

    def _on_outside_check_toggled(self, _checked: bool) -> None:
        self._simulate()

    def _on_new_type_button_clicked(self) -> None:
        self.open_type_dialog()

    def _on_new_tariff_button_clicked(self) -> None:
        self.open_tariff_dialog()

    def _on_toggle_button_clicked(self) -> None:
        ticket = self.selected_type()
        if ticket is None:
            return
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: tariffs.save_ticket_type(
                store, actor, ticket.code, ticket.name, active=not ticket.active
            ),
            self._on_toggle_done,
            self._on_write_failed,
        )

    def _on_toggle_done(self, _info: TicketTypeInfo) -> None:
        self._ctx.bus.announce("tariffs")

    def _on_save_postcodes_button_clicked(self) -> None:
        store, actor, text = self._ctx.store, self._ctx.actor, self.postcodes_edit.text()
        self._ctx.runner.submit(
            lambda: tariffs.save_commune_postcodes(store, actor, text),
            self._on_postcodes_saved,
            self._on_write_failed,
        )

    def _on_postcodes_saved(self, _postcodes: object) -> None:
        self._ctx.bus.announce("tariffs")

    def _on_write_failed(self, exc: BaseException) -> None:
        messages.show_error(self, exc)

    def _on_dialog_ticket_type_saved(self, info: TicketTypeInfo) -> None:
        self.select_type(info.id)

    def _on_dialog_tariff_saved(self, info: TariffInfo) -> None:
        for row, tariff in enumerate(self._tariffs):
            if tariff.id == info.id:
                self.tariffs_list.setCurrentRow(row)
