"""Starting the GUI: Qt's French translation, first launch, login, then the main window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from eticket_desk.paths import default_database_path, resource
from eticket_desk.services.organisation import load_organisation
from eticket_desk.services.settings import load_settings
from eticket_desk.services.store import Actor, Store
from eticket_desk.services.users import has_users
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication in French (Qt's own buttons read « Annuler », « Enregistrer »)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("eTicket Guichet")
    app.setOrganizationName("eticket")
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    translator = QTranslator(app)
    if translator.load("qtbase_fr", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    icon = resource("icons", "eticket-desk.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def first_launch(path: Path) -> tuple[Store, Actor | None] | None:
    """Demo town or empty base; returns the open store and, for an empty base, its admin."""
    from eticket_desk.ui.first_launch import FirstLaunchDialog
    from eticket_desk.ui.setup_wizard import SetupWizard

    dialog = FirstLaunchDialog(path)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if dialog.choice == "demo":
        return Store(path), None
    store = Store(path)
    wizard = SetupWizard(store)
    if wizard.exec() != QDialog.DialogCode.Accepted:
        store.close()
        _remove_database(path)
        return None
    return store, wizard.actor


def login(store: Store) -> Actor | None:
    from eticket_desk.ui.admin.change_password_dialog import ChangePasswordDialog
    from eticket_desk.ui.login_dialog import LoginDialog

    dialog = LoginDialog(store, load_organisation(store).name)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    if dialog.must_change_password:
        ctx = AppContext(store, dialog.actor, TaskRunner(), ChangeBus())
        if ChangePasswordDialog(ctx, forced=True).exec() != QDialog.DialogCode.Accepted:
            return None
    return dialog.actor


def open_store(path: Path) -> tuple[Store, Actor | None] | None:
    if path.exists():
        store = Store(path)
        if has_users(store):
            return store, None
        store.close()
        _remove_database(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return first_launch(path)


def run_gui(db_path: Path | None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = make_application()
    path = db_path or default_database_path()
    opened = open_store(path)
    if opened is None:
        return 0
    store, actor = opened
    from eticket_desk.ui.main_window import MainWindow

    while True:
        if actor is None:
            actor = login(store)
            if actor is None:
                store.close()
                return 0
        ctx = AppContext(store, actor, TaskRunner(), ChangeBus(), load_settings(store))
        window = MainWindow(ctx)
        window.show()
        app.exec()
        ctx.runner.wait()
        if not window.logged_out:
            store.close()
            return 0
        actor = None
