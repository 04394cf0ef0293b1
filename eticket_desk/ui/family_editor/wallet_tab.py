"""The « Porte-monnaie » tab of the dossier: balances per ticket type, the ledger with its
running balance, and the way to the counter and to a régisseur's correction."""

from __future__ import annotations

import uuid
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.permissions import PERMISSION_LABELS, Permission
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.counter.wallet import Balance, LedgerLine, WalletView, wallet_view
from eticket_desk.ui.admin.forms import compact_rows, format_datetime, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.counter_window import open_counter
from eticket_desk.ui.counter.widgets import ALERT_COLOUR, OK_COLOUR, big_label
from eticket_desk.ui.family_editor.wallet_correction import WalletCorrectionDialog
from eticket_desk.ui.family_editor.wallet_figures import balance_colour, balance_text, signed
from eticket_desk.ui.messages import show_error

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TOPICS = {Topic.SALES, Topic.BOOKINGS, Topic.TARIFFS}  # besides FamilyTopic(family_id)


class LedgerColumn(IntEnum):
    AT = 0
    TICKET = 1
    KIND = 2
    QUANTITY = 3
    BALANCE = 4
    DETAIL = 5
    BY = 6


class LedgerModel(QAbstractTableModel):
    """The wallet's movements, newest first, of every ticket type or of one."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: tuple[LedgerLine, ...] = ()
        self._lines: list[LedgerLine] = []
        self._ticket_type_id: uuid.UUID | None = None
        self._red, self._green = QBrush(QColor(ALERT_COLOUR)), QBrush(QColor(OK_COLOUR))

    def headers(self) -> dict[LedgerColumn, str]:
        return {
            LedgerColumn.AT: self.tr("Date et heure"),
            LedgerColumn.TICKET: self.tr("Ticket"),
            LedgerColumn.KIND: self.tr("Mouvement"),
            LedgerColumn.QUANTITY: self.tr("Quantité"),
            LedgerColumn.BALANCE: self.tr("Solde après"),
            LedgerColumn.DETAIL: self.tr("Détail"),
            LedgerColumn.BY: self.tr("Par"),
        }

    def set_lines(self, lines: tuple[LedgerLine, ...]) -> None:
        self._all = lines
        self._filter()

    def set_ticket_type(self, ticket_type_id: uuid.UUID | None) -> None:
        """Only the movements of this ticket type (None: all of them)."""
        self._ticket_type_id = ticket_type_id
        self._filter()

    def _filter(self) -> None:
        self.beginResetModel()
        wanted = self._ticket_type_id
        self._lines = [x for x in self._all if wanted is None or x.ticket_type_id == wanted]
        self.endResetModel()

    def line_at(self, row: int) -> LedgerLine:
        return self._lines[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt)
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 (Qt)
        return 0 if parent.isValid() else len(LedgerColumn)

    def headerData(  # noqa: N802 (Qt)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[LedgerColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line, column = self._lines[index.row()], LedgerColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            LedgerColumn.QUANTITY,
            LedgerColumn.BALANCE,
        ):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == LedgerColumn.QUANTITY:
                return self._green if line.quantity > 0 else self._red
            if column == LedgerColumn.BALANCE and line.balance_after <= 0:
                return self._red
        if role == Qt.ItemDataRole.ToolTipRole and column in (LedgerColumn.DETAIL, LedgerColumn.BY):
            return self.text(line, column) or None
        return None

    @staticmethod
    def text(line: LedgerLine, column: LedgerColumn) -> str:
        if column == LedgerColumn.AT:
            return format_datetime(line.at)
        if column == LedgerColumn.TICKET:
            return line.ticket_name
        if column == LedgerColumn.KIND:
            return line.kind
        if column == LedgerColumn.QUANTITY:
            return signed(line.quantity)
        if column == LedgerColumn.BALANCE:
            return balance_text(line.balance_after)
        if column == LedgerColumn.DETAIL:
            return line.detail
        return line.by_name or line.by


class WalletTab(QWidget):
    """The family's tickets: how many are left of each type, and every movement since."""

    def __init__(
        self,
        ctx: AppContext,
        family_id: uuid.UUID,
        tabs: QTabWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.family_id = family_id
        self._tabs = tabs  # the tab is added there once the family turns out to have a wallet
        self.view: WalletView | None = None
        self._stale = False
        self.counter_dialog: QDialog | None = None  # open while « Vendre des tickets » is
        self.correction_dialog: QDialog | None = None
        self.balance_labels: dict[str, QLabel] = {}  # ticket code -> its big number
        self._build()
        ctx.bus.changed.connect(self._on_bus_changed)
        self.reload()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        self.balances_box = QFrame()
        self.balances_box.setFrameShape(QFrame.Shape.StyledPanel)
        self._balances = QGridLayout(self.balances_box)
        self._balances.setHorizontalSpacing(36)
        self._balances.addWidget(QLabel(self.tr("Tickets restants")), 0, 0, 1, -1)
        self._balance_widgets: list[QWidget] = []
        self.sell_button = QPushButton(self.tr("Vendre des tic&kets…"))
        self.correct_button = QPushButton(self.tr("Corri&ger…"))
        can_sell = self.ctx.actor.can(Permission.SALE)
        self.sell_button.setEnabled(can_sell)
        self.sell_button.setToolTip(
            self.tr("Ouvrir le guichet sur cette famille")
            if can_sell
            else self._refused(Permission.SALE)
        )
        can_correct = self.ctx.actor.can(Permission.WALLET_CORRECT)
        self.correct_button.setEnabled(can_correct)
        self.correct_button.setToolTip(
            self.tr("Ajouter ou retirer des tickets, avec un motif (inscrit au journal)")
            if can_correct
            else self._refused(Permission.WALLET_CORRECT)
            + " "
            + self.tr("Adressez-vous au régisseur.")
        )
        buttons = QVBoxLayout()
        buttons.addWidget(self.sell_button)
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.balances_box, 1)
        top.addLayout(buttons)
        self.refund_note = note_label(
            self.tr(
                "Les tickets achetés et non utilisés ne sont pas remboursés. "
                "Une annulation dans les délais rend le ticket ; une annulation tardive ne le "
                "rend pas."
            )
        )

        self.filter_combo = QComboBox()
        self.filter_combo.setMinimumContentsLength(16)
        filter_label = QLabel(self.tr("T&ype de ticket :"))
        filter_label.setBuddy(self.filter_combo)
        self.count_label = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(filter_label)
        bar.addWidget(self.filter_combo)
        bar.addSpacing(12)
        bar.addWidget(self.count_label, 1)

        self.model = LedgerModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Mouvements du porte-monnaie"))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        compact_rows(self.table)
        self._size_columns()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.refund_note)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.sell_button.clicked.connect(self._on_sell_button_clicked)
        self.correct_button.clicked.connect(self._on_correct_button_clicked)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_combo_changed)

    def _refused(self, permission: Permission) -> str:
        return (
            self.tr("Votre profil (%1) ne permet pas de %2.")
            .replace("%1", self.ctx.actor.role.label)
            .replace("%2", PERMISSION_LABELS[permission])
        )

    def _size_columns(self) -> None:
        """Widths from the text they hold (measuring every row would cost on a long ledger)."""
        metrics, header = self.table.fontMetrics(), self.table.horizontalHeader()
        samples = {
            LedgerColumn.AT: "00/00/0000 00:00",
            LedgerColumn.TICKET: "Garderie",
            LedgerColumn.KIND: "Annulation dans les délais",
            LedgerColumn.QUANTITY: "Quantité",
            LedgerColumn.BALANCE: "Solde après",
            LedgerColumn.BY: "Anne-Sophie Martin",
        }
        for column, sample in samples.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        header.setSectionResizeMode(LedgerColumn.DETAIL, QHeaderView.ResizeMode.Stretch)

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        ctx, family_id = self.ctx, self.family_id
        self._stale = False
        ctx.runner.submit(
            lambda: wallet_view(ctx.store, ctx.actor, family_id),
            self.show_view,
            lambda exc: show_error(self, exc, self.tr("Porte-monnaie indisponible")),
        )

    def show_view(self, view: WalletView) -> None:
        self.view = view
        if self._tabs is not None and self._tabs.indexOf(self) < 0 and view.balances:
            self._tabs.addTab(self, self.tr("P&orte-monnaie"))
        self._show_balances(view.balances)
        self._fill_filter(view.balances)
        self.model.set_lines(view.lines)
        self._show_count()

    def _show_balances(self, balances: tuple[Balance, ...]) -> None:
        for widget in self._balance_widgets:
            widget.hide()
            widget.deleteLater()
        self._balance_widgets, self.balance_labels = [], {}
        if not balances:
            balances_note = note_label(self.tr("Aucun type de ticket n'est en vente."))
            self._balances.addWidget(balances_note, 1, 0)
            self._balance_widgets.append(balances_note)
        for column, balance in enumerate(balances):
            number = big_label(balance_text(balance.tickets), factor=2.4)
            number.setStyleSheet(f"color: {balance_colour(balance.tickets)};")
            number.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            name = QLabel(balance.name)
            name.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            number.setToolTip(
                self.tr("Plus aucun ticket : vendez-en avant de réserver.")
                if balance.tickets <= 0
                else ""
            )
            self._balances.addWidget(number, 1, column)
            self._balances.addWidget(name, 2, column)
            self._balance_widgets += [number, name]
            self.balance_labels[balance.code] = number
        for column in range(self._balances.columnCount()):
            self._balances.setColumnStretch(column, 0)
        self._balances.setColumnStretch(max(len(balances), 1), 1)  # the numbers to the left

    def _fill_filter(self, balances: tuple[Balance, ...]) -> None:
        current = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem(self.tr("Tous les types"), None)
        for balance in balances:
            self.filter_combo.addItem(balance.name, balance.ticket_type_id)
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData(current), 0))
        self.filter_combo.blockSignals(False)
        self.filter_combo.setEnabled(len(balances) > 1)
        self.model.set_ticket_type(self.filter_combo.currentData())

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            text = self.tr("Aucun mouvement dans le porte-monnaie.")
        elif rows == 1:
            text = self.tr("1 mouvement, du plus récent au plus ancien")
        else:
            text = self.tr("%1 mouvements, du plus récent au plus ancien").replace("%1", str(rows))
        self.count_label.setText(text)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if not (topics & (_TOPICS | {FamilyTopic(self.family_id)})):
            return
        if self.isVisible() or (self._tabs is not None and self._tabs.indexOf(self) < 0):
            self.reload()
        else:
            self._stale = True  # reloaded when the agent comes back to the tab

    # ------------------------------------------------------------ actions

    def _on_filter_combo_changed(self, _index: int) -> None:
        self.model.set_ticket_type(self.filter_combo.currentData())
        self._show_count()

    def _on_sell_button_clicked(self) -> None:
        self.counter_dialog = open_counter(self.ctx, self.family_id, self)
        self.counter_dialog.finished.connect(self._on_counter_dialog_finished)

    def _on_counter_dialog_finished(self, _result: int) -> None:
        self.counter_dialog = None
        self.reload()

    def _on_correct_button_clicked(self) -> None:
        if self.view is None or not self.view.balances:
            return
        self.correction_dialog = WalletCorrectionDialog(
            self.ctx, self.family_id, self.view.balances, self.filter_combo.currentData(), self
        )
        self.correction_dialog.finished.connect(self._on_correction_dialog_finished)
        self.correction_dialog.open()

    def _on_correction_dialog_finished(self, _result: int) -> None:
        self.correction_dialog = None
