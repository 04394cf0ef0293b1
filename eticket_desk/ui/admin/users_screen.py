"""The "Utilisateurs" screen: the accounts table, its dialogs, and the rights by profile."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import PermissionDenied
from eticket_desk.services.access import users
from eticket_desk.services.access.users import UserInfo
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui.admin.forms import compact_rows, make_tabs, note_label, title_label
from eticket_desk.ui.admin.user_dialog import UserDialog
from eticket_desk.ui.admin.users_model import (
    SORT_ROLE,
    RightsTableModel,
    UserColumn,
    UsersTableModel,
)
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error


class UsersScreen(QWidget):
    """Who may use the program, with which profile; only for profiles that manage users."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.model = UsersTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(UserColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(UserColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_table_double_clicked)

        self.new_button = QPushButton(self.tr("Nouvel utilisateur…"))
        self.edit_button = QPushButton(self.tr("Modifier…"))
        self.reset_button = QPushButton(self.tr("Réinitialiser le mot de passe…"))
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.reset_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        accounts = QWidget()
        accounts_layout = QVBoxLayout(accounts)
        accounts_layout.addLayout(buttons)
        accounts_layout.addWidget(self.table)
        accounts_layout.addWidget(
            note_label(
                self.tr(
                    "Les comptes désactivés apparaissent en gris : ils restent dans le journal "
                    "des opérations mais ne peuvent plus se connecter."
                )
            )
        )

        self.rights_table = QTableView()
        self.rights_table.setModel(RightsTableModel(self))
        self.rights_table.verticalHeader().hide()
        compact_rows(self.rights_table)
        self.rights_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rights_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.rights_table.setAlternatingRowColors(True)
        rights_header = self.rights_table.horizontalHeader()
        rights_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rights_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        self.tabs = make_tabs()
        self.tabs.addTab(accounts, self.tr("Comptes"))
        self.tabs.addTab(self.rights_table, self.tr("Droits par profil"))

        self.denied_label = QLabel()
        self.denied_label.setWordWrap(True)
        self.denied_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.denied_label)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Utilisateurs")))
        layout.addWidget(self.stack)

        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.refresh()

    # -- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the accounts on the task runner; the table fills once they arrive."""
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: users.list_users(store, actor), self._on_read, self._on_read_failed
        )

    def _on_read_failed(self, exc: Exception) -> None:
        if not isinstance(exc, PermissionDenied):
            show_error(self, exc, self.tr("Lecture des utilisateurs impossible"))
            return
        self.denied_label.setText(exc.message)
        self.stack.setCurrentWidget(self.denied_label)

    def _on_read(self, accounts: list[UserInfo]) -> None:
        selected = self.selected_user()
        self.stack.setCurrentWidget(self.tabs)
        self.model.set_users(accounts)
        if selected is not None:
            self.select_user(selected.id)
        self._on_selection_changed()

    def selected_user(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.user_at(self.proxy.mapToSource(rows[0]).row())

    def select_user(self, user_id: object) -> None:
        row = self.model.row_of(user_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)

    def open_user_dialog(
        self, user: UserInfo | None, *, reset_password: bool = False
    ) -> UserDialog:
        dialog = UserDialog(self._ctx, user, reset_password=reset_password, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.user_saved.connect(self._on_dialog_user_saved)
        dialog.open()
        return dialog

    # -- slots -------------------------------------------------------------------------------

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.USERS in topics:
            self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        has_user = self.selected_user() is not None
        self.edit_button.setEnabled(has_user)
        self.reset_button.setEnabled(has_user)

    def _on_new_button_clicked(self) -> None:
        self.open_user_dialog(None)

    def _on_edit_button_clicked(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.open_user_dialog(user)

    def _on_reset_button_clicked(self) -> None:
        user = self.selected_user()
        if user is not None:
            self.open_user_dialog(user, reset_password=True)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_user_dialog(self.model.user_at(self.proxy.mapToSource(index).row()))

    def _on_dialog_user_saved(self, info: UserInfo) -> None:
        # The dialog's write announced Topic.USERS first, so the table already holds the saved account.
        self.select_user(info.id)
