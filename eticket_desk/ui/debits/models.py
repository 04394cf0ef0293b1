"""The tables of « Prélèvements »: the batches, the items of one batch, and a batch's preview
(totals per sequence type, invoices left out) — Qt models, tested without widgets."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from eticket_desk.rules.sepa_rejects import reject_label
from eticket_desk.services.invoicing.debit_preview import LeftOut, SequenceTotal
from eticket_desk.services.invoicing.debit_queries import BatchSummary, ItemRow
from eticket_desk.ui.admin.forms import format_date, format_datetime
from eticket_desk.ui.invoicing.common import count, money
from eticket_desk.ui.invoicing.invoices_model import _ListModel

REJECTED = QColor("#b91c1c")


class BatchColumn(IntEnum):
    CREATED = 0
    RUN = 1
    COLLECTION = 2
    COUNT = 3
    TOTAL = 4
    REJECTED = 5
    FILE = 6


class BatchesModel(_ListModel):
    columns = BatchColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Exporté le"),
            self.tr("Facturation"),
            self.tr("Prélevé le"),
            self.tr("Factures"),
            self.tr("Montant"),
            self.tr("Rejets"),
            self.tr("Fichier"),
        ]

    def text(self, batch: BatchSummary, column: BatchColumn) -> str:
        return {
            BatchColumn.CREATED: lambda: format_datetime(batch.created_at),
            BatchColumn.RUN: lambda: batch.run_label,
            BatchColumn.COLLECTION: lambda: format_date(batch.collection_date),
            BatchColumn.COUNT: lambda: count(batch.count),
            BatchColumn.TOTAL: lambda: money(batch.total_cents),
            BatchColumn.REJECTED: lambda: count(batch.rejected) if batch.rejected else "—",
            BatchColumn.FILE: lambda: f"{batch.file_name} ({batch.message_id})",
        }[column]()

    def sort_key(self, batch: BatchSummary, column: BatchColumn) -> object:
        if column == BatchColumn.CREATED:
            return batch.created_at.isoformat()
        if column in (BatchColumn.COUNT, BatchColumn.TOTAL, BatchColumn.REJECTED):
            return (batch.count, batch.total_cents, batch.rejected)[column - BatchColumn.COUNT]
        return super().sort_key(batch, column)

    def right_columns(self) -> set:
        return {BatchColumn.COUNT, BatchColumn.TOTAL, BatchColumn.REJECTED}


class ItemColumn(IntEnum):
    INVOICE = 0
    FAMILY = 1
    RUM = 2
    ACCOUNT = 3
    SEQUENCE = 4
    AMOUNT = 5
    STATE = 6


class ItemsModel(_ListModel):
    columns = ItemColumn

    def headers(self) -> list[str]:
        return [
            self.tr("Facture"),
            self.tr("Famille"),
            self.tr("RUM"),
            self.tr("Compte"),
            self.tr("Type"),
            self.tr("Montant"),
            self.tr("État"),
        ]

    def text(self, item: ItemRow, column: ItemColumn) -> str:
        if column == ItemColumn.STATE:  # the remark typed with it is in the tooltip
            code = f" : {reject_label(item.reject_code)}" if item.reject_code else ""
            return item.state_label + code
        return {
            ItemColumn.INVOICE: item.invoice_number,
            ItemColumn.FAMILY: item.family_label,
            ItemColumn.RUM: item.rum,
            ItemColumn.ACCOUNT: item.account,
            ItemColumn.SEQUENCE: item.sequence_type,
            ItemColumn.AMOUNT: money(item.amount_cents),
        }[column]

    def sort_key(self, item: ItemRow, column: ItemColumn) -> object:
        if column == ItemColumn.AMOUNT:
            return item.amount_cents
        return super().sort_key(item, column)

    def right_columns(self) -> set:
        return {ItemColumn.AMOUNT}

    def decoration(self, item: ItemRow, column: ItemColumn, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and item.state == "rejete":
            return QBrush(REJECTED)
        if role == Qt.ItemDataRole.ToolTipRole and item.reject_reason:
            return item.reject_reason
        return None


class TotalColumn(IntEnum):
    KIND = 0
    COUNT = 1
    TOTAL = 2


class TotalsModel(_ListModel):
    columns = TotalColumn

    def headers(self) -> list[str]:
        return [self.tr("Type de prélèvement"), self.tr("Factures"), self.tr("Montant")]

    def text(self, total: SequenceTotal, column: TotalColumn) -> str:
        if column == TotalColumn.KIND:
            return total.label
        if column == TotalColumn.COUNT:
            return count(total.count)
        return money(total.total_cents)

    def right_columns(self) -> set:
        return {TotalColumn.COUNT, TotalColumn.TOTAL}


class LeftOutColumn(IntEnum):
    INVOICE = 0
    FAMILY = 1
    AMOUNT = 2
    REASON = 3


class LeftOutModel(_ListModel):
    columns = LeftOutColumn

    def headers(self) -> list[str]:
        return [self.tr("Facture"), self.tr("Famille"), self.tr("Reste dû"), self.tr("Écartée car")]

    def text(self, row: LeftOut, column: LeftOutColumn) -> str:
        if column == LeftOutColumn.AMOUNT:
            return money(row.amount_cents)
        return {
            LeftOutColumn.INVOICE: row.invoice_number,
            LeftOutColumn.FAMILY: row.family_label,
            LeftOutColumn.REASON: row.reason,
        }[column]

    def right_columns(self) -> set:
        return {LeftOutColumn.AMOUNT}
