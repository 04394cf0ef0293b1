"""The "Journal des opérations" screen: who did what and when, filtered, with details."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError, PermissionDenied
from eticket_desk.services.access import users
from eticket_desk.services.access.users import UserInfo
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.organisation import SchoolInfo
from eticket_desk.services.core import audit
from eticket_desk.services.core.audit import AuditLine
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages
from eticket_desk.ui.admin.audit_export import write_audit_csv
from eticket_desk.ui.admin.audit_model import AuditColumn, AuditTableModel, describe_line
from eticket_desk.ui.admin.forms import compact_rows, french_locale, note_label, title_label
from eticket_desk.ui.context import AppContext

LIMIT = 500
SEARCH_DELAY_MS = 250
DEFAULT_DAYS = 30


def school_names(schools: list[SchoolInfo]) -> dict[str, str]:
    """What the journal shows for a school's or a class's id."""
    names = {}
    for school in schools:
        names[str(school.id)] = school.name
        for school_class in school.classes:
            names[str(school_class.id)] = f"{school_class.name} ({school.name})"
    return names


class AuditScreen(QWidget):
    """The audit log for the profiles allowed to read it; others see why they cannot."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._names: dict[str, str] = {}
        self._asked = 0  # searches sent to the runner; only the latest one's answer shows
        self.model = AuditTableModel(self)

        today = ctx.store.clock.today()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Rechercher (nom, identifiant, détail…)"))
        self.search_edit.setClearButtonEnabled(True)
        self.user_combo = QComboBox()
        self.since_edit = self._date_edit(today - timedelta(days=DEFAULT_DAYS))
        self.until_edit = self._date_edit(today)
        self.export_button = QPushButton(self.tr("Exporter…"))
        self.count_label = QLabel()

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 3)
        filters.addWidget(QLabel(self.tr("Utilisateur :")))
        filters.addWidget(self.user_combo, 2)
        filters.addWidget(QLabel(self.tr("Du")))
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel(self.tr("au")))
        filters.addWidget(self.until_edit)
        filters.addWidget(self.export_button)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        compact_rows(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(AuditColumn.SUMMARY, QHeaderView.ResizeMode.Stretch)

        self.details_edit = QPlainTextEdit()
        self.details_edit.setReadOnly(True)
        self.details_edit.setPlaceholderText(
            self.tr("Sélectionnez une ligne pour voir le détail de l'opération.")
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details_edit)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(filters)
        content_layout.addWidget(splitter, 1)
        content_layout.addWidget(self.count_label)

        self.denied_label = note_label()
        self.denied_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.denied_label)

        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Journal des opérations")))
        layout.addWidget(self.stack, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.user_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.since_edit.dateChanged.connect(self._on_since_edit_date_changed)
        self.until_edit.dateChanged.connect(self._on_until_edit_date_changed)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        ctx.bus.changed.connect(self._on_bus_changed)

        self._fill_users()
        self.refresh()

    def _date_edit(self, value) -> QDateEdit:
        edit = QDateEdit(QDate(value.year, value.month, value.day))
        edit.setLocale(french_locale())
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        return edit

    def _fill_users(self) -> None:
        """Reads the accounts on the task runner for the « Utilisateur » filter."""
        store, actor = self._ctx.store, self._ctx.actor

        def read() -> list[UserInfo]:
            try:
                return users.list_users(store, actor)
            except PermissionDenied:  # the screen itself says so, once refreshed
                return []

        self._ctx.runner.submit(read, self._on_users_read, self._on_read_failed)

    def _on_users_read(self, accounts: list[UserInfo]) -> None:
        current = self.user_combo.currentData()
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        self.user_combo.addItem(self.tr("Tous"), "")
        for account in sorted(accounts, key=lambda a: a.full_name.casefold()):
            self.user_combo.addItem(f"{account.full_name} ({account.login})", account.login)
        index = self.user_combo.findData(current) if current else 0
        self.user_combo.setCurrentIndex(max(index, 0))
        self.user_combo.blockSignals(False)

    # -- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the journal (and the school names it shows) on the task runner; of searches
        typed faster than their answers, only the latest one's lines are shown."""
        self._search_timer.stop()
        self._asked += 1
        asked, store, actor = self._asked, self._ctx.store, self._ctx.actor
        criteria = {
            "text": self.search_edit.text().strip(),
            "user_login": self.user_combo.currentData() or "",
            "since": self.since_edit.date().toPython(),
            "until": self.until_edit.date().toPython(),
            "limit": LIMIT,
        }

        def read() -> tuple[list[AuditLine], dict[str, str]]:
            lines = audit.list_audit(store, actor, **criteria)
            return lines, school_names(organisation.list_schools(store))

        self._ctx.runner.submit(
            read,
            lambda answer: self._on_read(asked, *answer),
            lambda exc: self._on_read_failed(exc) if asked == self._asked else None,
        )

    def _on_read_failed(self, exc: Exception) -> None:
        if not isinstance(exc, PermissionDenied):
            messages.show_error(self, exc, self.tr("Lecture du journal impossible"))
            return
        self.denied_label.setText(exc.message)
        self.stack.setCurrentWidget(self.denied_label)

    def _on_read(self, asked: int, lines: list[AuditLine], names: dict[str, str]) -> None:
        if asked != self._asked:
            return  # a later search is on its way
        self.stack.setCurrentIndex(0)
        self._names = names
        self.model.set_lines(lines)
        self.details_edit.clear()
        self.export_button.setEnabled(bool(lines))
        self._show_count(len(lines))
        self.table.resizeColumnsToContents()

    def _show_count(self, count: int) -> None:
        if count == 0:
            text = self.tr("Aucune opération ne correspond à ces critères.")
        elif count == 1:
            text = self.tr("1 opération.")
        elif count >= LIMIT:
            text = self.tr(
                "Les {n} opérations les plus récentes : précisez la recherche "
                "pour voir les plus anciennes."
            ).format(n=LIMIT)
        else:
            text = self.tr("{n} opérations.").format(n=count)
        self.count_label.setText(text)

    def lines(self) -> list[AuditLine]:
        return self.model.lines()

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def export_to(self, path: Path | str) -> int:
        """Writes the lines now shown to a CSV file; returns how many."""
        return write_audit_csv(self.model.lines(), path, self._names)

    # -- slots -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_users()
        self.refresh()  # logins and other desks' work are not announced on the bus

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.USERS in topics:
            self._fill_users()
        if self.isVisible():
            self.refresh()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_filter_changed(self, *_args: object) -> None:
        self.refresh()

    def _on_since_edit_date_changed(self, value: QDate) -> None:
        if value > self.until_edit.date():
            self.until_edit.setDate(value)  # refreshes through its own signal
        else:
            self.refresh()

    def _on_until_edit_date_changed(self, value: QDate) -> None:
        if value < self.since_edit.date():
            self.since_edit.setDate(value)
        else:
            self.refresh()

    def _on_selection_changed(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.details_edit.setPlainText(
                describe_line(self.model.line_at(rows[0].row()), self._names)
            )
        else:
            self.details_edit.clear()

    def _on_export_button_clicked(self) -> None:
        today = self._ctx.store.clock.today()
        path, _filter = QFileDialog.getSaveFileName(
            self,
            self.tr("Exporter le journal des opérations"),
            str(Path.home() / f"journal-operations-{today.isoformat()}.csv"),
            self.tr("Fichiers CSV (*.csv)"),
        )
        if not path:
            return
        try:
            count = self.export_to(path)
        except OSError as exc:
            messages.show_error(
                self,
                DomainError(
                    self.tr("Le fichier n'a pas pu être écrit : {error}").format(error=exc.strerror)
                ),
            )
            return
        self.count_label.setText(
            self.tr("{n} lignes exportées dans {file}.").format(n=count, file=Path(path).name)
        )
