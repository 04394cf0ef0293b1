"""One table model for the messages of the queue: the « Messagerie » screen and a family's
« Courriels » tab (the family column hidden there)."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from eticket_desk.services.mail.queue import MailLine
from eticket_desk.ui.admin.forms import format_datetime

_Index = QModelIndex | QPersistentModelIndex
_FAILED = QColor("#a61b1b")


class MailColumn(IntEnum):
    QUEUED = 0
    KIND = 1
    RECIPIENT = 2
    SUBJECT = 3
    STATE = 4
    SENT = 5
    ERROR = 6


HEADERS = {
    MailColumn.QUEUED: "Mis en file",
    MailColumn.KIND: "Document",
    MailColumn.RECIPIENT: "Destinataire",
    MailColumn.SUBJECT: "Objet",
    MailColumn.STATE: "État",
    MailColumn.SENT: "Envoyé le",
    MailColumn.ERROR: "Dernière erreur",
}


class MailsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lines: list[MailLine] = []

    def set_lines(self, lines: list[MailLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(MailColumn)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[MailColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        column = MailColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                MailColumn.QUEUED: format_datetime(line.queued_at),
                MailColumn.KIND: line.kind_label,
                MailColumn.RECIPIENT: line.recipient,
                MailColumn.SUBJECT: line.subject,
                MailColumn.STATE: _state_text(line),
                MailColumn.SENT: format_datetime(line.sent_at) if line.sent_at else "",
                MailColumn.ERROR: line.last_error,
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole and column in (MailColumn.ERROR, MailColumn.SUBJECT):
            return line.last_error if column == MailColumn.ERROR else line.subject
        if role == Qt.ItemDataRole.ForegroundRole and line.can_retry:
            return QBrush(_FAILED)
        return None


def _state_text(line: MailLine) -> str:
    """« En attente (essai 2, prochain à 10:15) », « Envoyé »…"""
    if line.state == "pending" and line.attempts:
        return f"{line.state_label} (essai {line.attempts + 1} à {line.next_attempt_at:%H:%M})"
    return line.state_label
