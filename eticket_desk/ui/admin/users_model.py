"""The users table and the rights-by-profile table (Qt models, tested without widgets)."""

from __future__ import annotations

from enum import IntEnum
from html import escape

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from eticket_desk.rules.permissions import MATRIX, PERMISSION_LABELS, Permission, Role
from eticket_desk.services.access.users import UserInfo
from eticket_desk.ui.admin.forms import format_datetime

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
INACTIVE_GREY = QColor("#8a8a8a")
CHECK = "✓"

_Index = QModelIndex | QPersistentModelIndex


class UserColumn(IntEnum):
    LOGIN = 0
    NAME = 1
    ROLE = 2
    ACTIVE = 3
    LAST_LOGIN = 4


class UsersTableModel(QAbstractTableModel):
    """One row per account: login, name, French profile, active, last login."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._users: list[UserInfo] = []

    def headers(self) -> dict[UserColumn, str]:
        return {
            UserColumn.LOGIN: self.tr("Identifiant"),
            UserColumn.NAME: self.tr("Nom"),
            UserColumn.ROLE: self.tr("Profil"),
            UserColumn.ACTIVE: self.tr("Actif"),
            UserColumn.LAST_LOGIN: self.tr("Dernière connexion"),
        }

    def set_users(self, users: list[UserInfo]) -> None:
        self.beginResetModel()
        self._users = list(users)
        self.endResetModel()

    def user_at(self, row: int) -> UserInfo:
        return self._users[row]

    def row_of(self, user_id: object) -> int:
        """The row of this user id, or -1."""
        return next((row for row, u in enumerate(self._users) if u.id == user_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._users)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(UserColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[UserColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        user = self._users[index.row()]
        column = UserColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(user, column)
        if role == SORT_ROLE:
            return self._sort_key(user, column)
        if role == Qt.ItemDataRole.ForegroundRole and not user.active:
            return QBrush(INACTIVE_GREY)
        if role == Qt.ItemDataRole.ToolTipRole and not user.active:
            return self.tr("Compte désactivé : cette personne ne peut plus se connecter.")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == UserColumn.ACTIVE:
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _text(self, user: UserInfo, column: UserColumn) -> str:
        if column == UserColumn.LOGIN:
            return user.login
        if column == UserColumn.NAME:
            return user.full_name
        if column == UserColumn.ROLE:
            return user.role_label
        if column == UserColumn.ACTIVE:
            return self.tr("Oui") if user.active else self.tr("Non")
        return format_datetime(user.last_login_at) if user.last_login_at else self.tr("Jamais")

    @staticmethod
    def _sort_key(user: UserInfo, column: UserColumn) -> object:
        if column == UserColumn.ROLE:
            return list(Role).index(Role(user.role))
        if column == UserColumn.ACTIVE:
            return int(user.active)
        if column == UserColumn.LAST_LOGIN:
            return user.last_login_at.isoformat() if user.last_login_at else ""
        return UsersTableModel._text_key(user, column)

    @staticmethod
    def _text_key(user: UserInfo, column: UserColumn) -> str:
        return (user.login if column == UserColumn.LOGIN else user.full_name).casefold()


def permission_text(permission: Permission) -> str:
    """'consulter les dossiers famille' -> 'Consulter les dossiers famille'."""
    label = PERMISSION_LABELS[permission]
    return label[:1].upper() + label[1:]


def role_summary(role: Role) -> str:
    """What a profile may do, in one French sentence built from the permission matrix."""
    allowed = role_permissions(role)
    if not allowed:
        return "Ce profil ne permet rien."
    labels = [PERMISSION_LABELS[p] for p in allowed]
    if len(labels) == 1:
        return f"Ce profil permet de {labels[0]}."
    return "Ce profil permet de " + ", ".join(labels[:-1]) + f" et de {labels[-1]}."


def role_permissions(role: Role) -> list[Permission]:
    """The permissions of a profile, in the matrix order."""
    return [p for p in Permission if p in MATRIX[role]]


def role_rights_html(role: Role, columns: int = 2) -> str:
    """A compact ✓ list of what a profile may do, in columns, for a rich-text label."""
    allowed = [permission_text(p) for p in role_permissions(role)]
    per_column = -(-len(allowed) // columns) if allowed else 0
    cells = []
    for c in range(columns):
        items = allowed[c * per_column : (c + 1) * per_column]
        cells.append("<br>".join(f"{CHECK}&nbsp;{escape(text)}" for text in items))
    row = "".join(
        f'<td style="padding-right: 18px; vertical-align: top">{cell}</td>' for cell in cells
    )
    return f"<table><tr>{row}</tr></table>"


class RightsTableModel(QAbstractTableModel):
    """Read-only matrix: one row per permission, one column per profile, ✓ where allowed."""

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Permission)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(Role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.tr("Droit") if section == 0 else list(Role)[section - 1].label

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        permission = list(Permission)[index.row()]
        if index.column() == 0:
            return permission_text(permission) if role == Qt.ItemDataRole.DisplayRole else None
        profile = list(Role)[index.column() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return CHECK if permission in MATRIX[profile] else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None
