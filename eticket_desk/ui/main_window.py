"""The main window: navigation between screens, menus, status bar and the idle lock."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk import __version__
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.services.core.settings import AppSettings, load_settings
from eticket_desk.services.maintenance.backups import automatic_backup
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.till_guard import confirm_leaving
from eticket_desk.ui.family_search import FamilySearchScreen
from eticket_desk.ui.idle_lock import ScreenLocker
from eticket_desk.ui.mail.worker import MailWorker
from eticket_desk.ui.screens import SCREENS, build_screen
from eticket_desk.ui.sync import SyncStatusWidget, SyncWorker
from eticket_desk.ui.sync.restored_banner import RestoredBanner


class MainWindow(QMainWindow):
    """One window; each screen is a page of the central stack, chosen on the left."""

    logout_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.logged_out = False
        self.logging_out = False  # closing to log out, not to quit
        self.editors: dict[uuid.UUID | None, QWidget] = {}
        self.setWindowTitle(self.tr("eTicket Guichet"))
        store = ctx.store
        ctx.runner.submit(lambda: load_organisation(store), self._on_organisation_loaded)
        self.resize(1200, 760)

        self.nav = QListWidget()
        self.nav.setFixedWidth(190)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        # A desk restored from a backup: said above every screen until the sync reloads it.
        self.restored_banner = RestoredBanner(ctx)
        pages = QVBoxLayout()
        pages.setContentsMargins(0, 0, 0, 0)
        pages.addWidget(self.restored_banner)
        pages.addWidget(self.stack, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addLayout(pages, 1)
        self.setCentralWidget(central)

        self.search_screen = FamilySearchScreen(ctx)
        self.search_screen.family_requested.connect(self.open_family)
        self.search_screen.new_family_requested.connect(self.new_family)
        self._pages: dict[str, QWidget] = {}
        self._add_page("families", self.tr("Familles"), self.search_screen)
        for screen in SCREENS[1:]:
            if screen.permission is None or ctx.actor.can(screen.permission):
                self._add_page(screen.key, self.tr(screen.title), None)
        self.nav.currentRowChanged.connect(self._on_nav_current_row_changed)
        self.nav.setCurrentRow(0)

        self._build_menus()
        self._build_status_bar()
        self.locker = ScreenLocker(ctx, self)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.setStyleSheet(
            "#screenTitle { font-size: 16pt; font-weight: bold; padding: 4px 0 8px 0; }"
            "#navigation { font-size: 11pt; } #navigation::item { padding: 8px 6px; }"
        )
        self.search_screen.focus_search()

    # ------------------------------------------------------------ pages

    def _add_page(self, key: str, label: str, widget: QWidget | None) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.nav.addItem(item)
        self._pages[key] = widget
        if widget is not None:
            self.stack.addWidget(self._held(widget))

    def _page(self, key: str) -> QWidget:
        """Screens other than the search are built the first time they are shown."""
        widget = self._pages.get(key)
        if widget is None:
            widget = build_screen(key, self.ctx)
            if key == "attendance":
                widget.family_requested.connect(self.open_family)
            if key == "mail":
                widget.attach_worker(self.mail_worker)
            self._pages[key] = widget
            self.stack.addWidget(self._held(widget))
        return widget

    @staticmethod
    def _held(screen: QWidget) -> QScrollArea:
        """A screen in a frameless scroll area: a screen wider than the window (a long
        summary, a big font) scrolls inside it; the window never widens itself."""
        holder = QScrollArea()
        holder.setFrameShape(QFrame.Shape.NoFrame)
        holder.setWidgetResizable(True)
        holder.setWidget(screen)
        return holder

    def current_screen(self) -> QWidget | None:
        holder = self.stack.currentWidget()
        return holder.widget() if isinstance(holder, QScrollArea) else holder

    def _show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen.parentWidget().parentWidget())  # its scroll area

    def show_page(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return

    def current_page(self) -> str | None:
        item = self.nav.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _on_nav_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.nav.item(row).data(Qt.ItemDataRole.UserRole)
        self._show_screen(self._page(key))
        if key == "families":
            self.search_screen.focus_search()

    # ------------------------------------------------------------ dossiers

    def open_family(self, family_id: uuid.UUID | None) -> QWidget:
        """Opens (or brings to front) the dossier editor of a family; None for a new one."""
        from eticket_desk.ui.family_editor import FamilyEditorDialog

        existing = self.editors.get(family_id) if family_id is not None else None
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = FamilyEditorDialog(self.ctx, family_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.family_saved.connect(self._on_editor_family_saved)
        dialog.destroyed.connect(lambda _=None, key=family_id: self.editors.pop(key, None))
        if family_id is not None:
            self.editors[family_id] = dialog
        dialog.show()
        return dialog

    def new_family(self) -> QWidget:
        return self.open_family(None)

    def _on_editor_family_saved(self, family_id: uuid.UUID) -> None:
        sender = self.sender()
        if sender is not None and family_id not in self.editors:
            self.editors[family_id] = sender

    # ------------------------------------------------------------ menus

    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&Fichier"))
        file_menu.addAction(
            self._action(self.tr("&Nouveau dossier famille"), self.new_family, "Ctrl+N")
        )
        file_menu.addAction(
            self._action(self.tr("&Rechercher une famille"), self._on_find_triggered, "Ctrl+F")
        )
        file_menu.addAction(
            self._action(self.tr("S&ynchroniser maintenant"), self._on_sync_triggered, "F5")
        )
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(self.tr("&Verrouiller l'écran"), self._on_lock_triggered, "Ctrl+L")
        )
        file_menu.addAction(
            self._action(self.tr("&Changer mon mot de passe…"), self._on_password_triggered)
        )
        file_menu.addAction(self._action(self.tr("Se &déconnecter"), self._on_logout_triggered))
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("&Quitter"), self.close, "Ctrl+Q"))
        bookings_menu = self.menuBar().addMenu(self.tr("&Inscriptions"))
        bookings_menu.addAction(
            self._action(self.tr("&Saisie des inscriptions papier"), self._on_batch_triggered)
        )
        bookings_menu.addAction(
            self._action(self.tr("&Appliquer les semaines types…"), self._on_templates_triggered)
        )
        bookings_menu.addAction(
            self._action(self.tr("&Importer des familles (CSV, Excel)…"), self._on_import_triggered)
        )
        go_menu = self.menuBar().addMenu(self.tr("&Aller à"))
        for screen in SCREENS:
            if screen.key in self._pages:  # the screens this agent may open
                go_menu.addAction(
                    self._action(
                        self.tr(screen.menu_text),
                        lambda _=False, k=screen.key: self._go(k),
                        screen.shortcut,
                    )
                )
        help_menu = self.menuBar().addMenu(self.tr("Ai&de"))
        help_menu.addAction(
            self._action(self.tr("&Guide de l'utilisateur"), self._on_guide_triggered, "F1")
        )
        help_menu.addAction(
            self._action(self.tr("&Raccourcis clavier"), self._on_shortcuts_triggered, "Shift+F1")
        )
        help_menu.addSeparator()
        help_menu.addAction(
            self._action(self.tr("À &propos d'eTicket Guichet"), self._on_about_triggered)
        )

    def _go(self, key: str) -> None:
        self.show_page(key)
        self.raise_()
        self.activateWindow()
        if key == "families":
            self.search_screen.focus_search()
            return
        page = self.current_screen()
        focus = getattr(page, "focus_search", None) or getattr(page, "focus_first", None)
        if focus is not None:
            focus()
            return
        widget = page.nextInFocusChain()  # else the first field of the screen
        while widget is not page and widget is not None:
            if (
                page.isAncestorOf(widget)
                and widget.isVisibleTo(page)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()

    def _on_guide_triggered(self) -> None:
        from eticket_desk.ui.help_dialogs import GuideDialog

        GuideDialog(self.ctx.actor.role, self).exec()

    def _on_shortcuts_triggered(self) -> None:
        from eticket_desk.ui.help_dialogs import ShortcutsDialog

        ShortcutsDialog(self.menuBar(), self).exec()

    def _build_status_bar(self) -> None:
        who = QLabel(
            self.tr("Connecté : %1 — %2")
            .replace("%1", self.ctx.actor.full_name)
            .replace("%2", self.ctx.actor.role_label)
        )
        where = QLabel(self.tr("Base : %1").replace("%1", self.ctx.store.path.name))
        where.setToolTip(str(self.ctx.store.path.resolve()))  # the name says which base
        where.setStyleSheet("color: #6b7280;")
        self.statusBar().addWidget(who)
        self.sync_status = SyncStatusWidget(self.ctx)
        self.sync_status.issues_requested.connect(self._on_sync_status_issues_requested)
        self.statusBar().addWidget(self.sync_status)
        self.sync_worker = SyncWorker(self.ctx, self)
        self.sync_worker.start()
        self.mail_worker = MailWorker(self.ctx, self)
        self.mail_worker.start()
        self.restored_banner.sync_requested.connect(self._on_sync_triggered)
        self.statusBar().addPermanentWidget(where)

    def _on_sync_triggered(self) -> None:
        self.sync_worker.sync_now()

    def _on_sync_status_issues_requested(self) -> None:
        """The issues panel: its nav entry when there is one, else the page alone."""
        if not self.ctx.actor.can(Permission.BOOKING_EDIT):
            return
        self.show_page("sync")
        if self._pages.get("sync") is not self.current_screen():
            self.nav.setCurrentRow(-1)
            self._show_screen(self._page("sync"))

    def _on_find_triggered(self) -> None:
        """Ctrl+F searches where the agent is: in the Guichet on the Guichet, else Familles."""
        self.raise_()
        self.activateWindow()
        if self.current_page() == "counter":
            self.current_screen().focus_search()
            return
        self.show_page("families")
        self.search_screen.focus_search()

    def _on_batch_triggered(self) -> None:
        self.show_page("batch")

    def _on_templates_triggered(self) -> None:
        from eticket_desk.ui.year_templates import ApplyTemplatesDialog

        ApplyTemplatesDialog(self.ctx, self).exec()

    def _on_import_triggered(self) -> None:
        from eticket_desk.ui.import_wizard import ImportWizard

        ImportWizard(self.ctx, self).exec()

    def _on_lock_triggered(self) -> None:
        self.locker.lock()

    def _on_password_triggered(self) -> None:
        from eticket_desk.ui.admin.change_password_dialog import ChangePasswordDialog

        ChangePasswordDialog(self.ctx, parent=self).exec()

    def _on_logout_triggered(self) -> None:
        self.logging_out = True
        if self.close():
            self.logged_out = True
            self.logout_requested.emit()
        self.logging_out = False

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            self.tr("À propos d'eTicket Guichet"),
            self.tr(
                "eTicket Guichet %1\nGuichet des services périscolaires : cantine, garderie, "
                "bus, TAP.\nFonctionne hors ligne sur une base locale."
            ).replace("%1", __version__),
        )

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SETTINGS in topics:  # saved here or elsewhere: read through the runner
            store = self.ctx.store
            self.ctx.runner.submit(lambda: load_settings(store), self._on_settings_loaded)

    def _on_settings_loaded(self, loaded: AppSettings) -> None:
        self.ctx.settings = loaded
        self.locker.set_minutes(loaded.idle_lock_minutes)

    def _on_organisation_loaded(self, organisation) -> None:
        name = organisation.name or self.tr("sans nom")
        self.setWindowTitle(self.tr("eTicket Guichet — %1").replace("%1", name))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # The one read left on the GUI thread (confirm_leaving reads this agent's open till):
        # a close event is accepted or ignored as it arrives, and logging out reads close()'s
        # answer at once; it is one row, read when the agent leaves, never while working.
        if self.isVisible() and not confirm_leaving(self.ctx, self, not self.logging_out):
            event.ignore()  # « Annuler », or the till dialog left without closing
            return
        for editor in list(self.editors.values()):
            if editor.isVisible() and not editor.close():
                event.ignore()
                return
        self.sync_worker.stop()
        self.mail_worker.stop()
        store = self.ctx.store
        self.ctx.runner.submit(lambda: automatic_backup(store))  # run_gui waits for it
        event.accept()
