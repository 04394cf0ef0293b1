"""The tables of the « Factures » tab: the runs, and the invoices and credit notes with what
was paid and what is left (Qt models, tested without widgets)."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from eticket_desk.rules.billing import InvoiceStatus
from eticket_desk.rules.text import first_upper, fold
from eticket_desk.services.invoicing.queries import InvoiceSummary, RunSummary
from eticket_desk.ui.admin.forms import format_date, format_datetime
from eticket_desk.ui.invoicing.common import RIGHT, SORT_ROLE, count, money

_Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {
    InvoiceStatus.ISSUED: QColor("#1f2937"),
    InvoiceStatus.PARTLY_PAID: QColor("#c05a00"),
    InvoiceStatus.PAID: QColor("#1b6e20"),
    InvoiceStatus.CANCELLED: QColor("#8a8a8a"),
}
CREDIT_NOTE_COLOUR = QColor("#6d28d9")


class _ListModel(QAbstractTableModel):
    """Rows of one dataclass; subclasses give the headers, texts and sort keys."""

    columns: type[IntEnum]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def rows(self) -> list:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = self.columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.right_columns():
            return RIGHT
        return self.decoration(row, column, role)

    def headers(self) -> list[str]:
        raise NotImplementedError

    def text(self, row, column) -> str:
        raise NotImplementedError

    def sort_key(self, row, column) -> object:
        return fold(self.text(row, column))

    def right_columns(self) -> set:
        return set()

    def decoration(self, row, column, role: int):
        return None


class RunColumn(IntEnum):
    PERIOD = 0
    ISSUED = 1
    BY = 2
    INVOICES = 3
    TOTAL = 4


class RunsModel(_ListModel):
    """One row per invoice run, newest first."""

    columns = RunColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Période facturée"),
            self.tr("Émise le"),
            self.tr("Par"),
            self.tr("Factures"),
            self.tr("Montant"),
        ]

    def text(self, run: RunSummary, column: RunColumn) -> str:
        if column == RunColumn.PERIOD:
            kind = self.tr("forfaits") if run.kind == "fare" else self.tr("au mois")
            return f"{first_upper(run.period_label)} ({kind})"
        if column == RunColumn.ISSUED:
            return format_datetime(run.issued_at)
        if column == RunColumn.BY:
            return run.by
        if column == RunColumn.INVOICES:
            return count(run.invoices)
        return money(run.total_cents)

    def sort_key(self, run: RunSummary, column: RunColumn) -> object:
        if column == RunColumn.ISSUED:
            return run.issued_at.isoformat()
        if column == RunColumn.INVOICES:
            return run.invoices
        if column == RunColumn.TOTAL:
            return run.total_cents
        return super().sort_key(run, column)

    def right_columns(self) -> set:
        return {RunColumn.INVOICES, RunColumn.TOTAL}


class InvoiceColumn(IntEnum):
    NUMBER = 0
    FAMILY = 1
    PERIOD = 2
    ISSUED = 3
    DUE = 4
    TOTAL = 5
    PAID = 6
    LEFT = 7
    STATUS = 8


class InvoicesModel(_ListModel):
    """Invoices and credit notes; a credit note's amount is shown negative."""

    columns = InvoiceColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Numéro"),
            self.tr("Famille"),
            self.tr("Période"),
            self.tr("Émise le"),
            self.tr("Échéance"),
            self.tr("Montant"),
            self.tr("Réglé"),
            self.tr("Reste dû"),
            self.tr("Statut"),
        ]

    def text(self, invoice: InvoiceSummary, column: InvoiceColumn) -> str:
        note = invoice.kind == "credit_note"
        if column == InvoiceColumn.NUMBER:
            return invoice.number
        if column == InvoiceColumn.FAMILY:
            return f"{invoice.family_reference} — {invoice.family_name}"
        if column == InvoiceColumn.PERIOD:
            return first_upper(invoice.period_label)
        if column == InvoiceColumn.ISSUED:
            return format_date(invoice.issued_at.date())
        if column == InvoiceColumn.DUE:
            return "" if note else format_date(invoice.due_date)
        if column == InvoiceColumn.TOTAL:
            return ("−" if note else "") + money(invoice.total_cents)
        if column == InvoiceColumn.PAID:
            return "" if note else money(min(invoice.settled_cents, invoice.total_cents))
        if column == InvoiceColumn.LEFT:
            return "" if note else money(invoice.left_cents)
        status = invoice.status_label
        if invoice.credit_note:
            status += f" ({invoice.credit_note})"
        return status

    def sort_key(self, invoice: InvoiceSummary, column: InvoiceColumn) -> object:
        if column == InvoiceColumn.ISSUED:
            return invoice.issued_at.isoformat()
        if column == InvoiceColumn.DUE:
            return invoice.due_date.isoformat()
        if column == InvoiceColumn.TOTAL:
            return -invoice.total_cents if invoice.kind == "credit_note" else invoice.total_cents
        if column == InvoiceColumn.PAID:
            return invoice.settled_cents
        if column == InvoiceColumn.LEFT:
            return invoice.left_cents
        return super().sort_key(invoice, column)

    def right_columns(self) -> set:
        return {InvoiceColumn.TOTAL, InvoiceColumn.PAID, InvoiceColumn.LEFT}

    def decoration(self, invoice: InvoiceSummary, column: InvoiceColumn, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and column == InvoiceColumn.STATUS:
            if invoice.kind == "credit_note":
                return QBrush(CREDIT_NOTE_COLOUR)
            return QBrush(STATUS_COLOURS[invoice.status])
        if role == Qt.ItemDataRole.ForegroundRole and invoice.status == InvoiceStatus.CANCELLED:
            return QBrush(STATUS_COLOURS[InvoiceStatus.CANCELLED])
        return None
