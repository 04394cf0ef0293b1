"""Starting the GUI: Qt's French translation, first launch, login, then the main window.

The login dialog shows before the database layer is imported: the agent types while
SQLAlchemy loads and the file opens on a background thread.
"""

from __future__ import annotations

import logging
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from eticket_desk.paths import default_database_path, resource
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.login_dialog import LoginDialog, StoreOpener
from eticket_desk.ui.messages import show_error
from eticket_desk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from eticket_desk.services.core.store import Actor, Store

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
    from eticket_desk.services.core.store import Store
    from eticket_desk.ui.first_launch import FirstLaunchDialog
    from eticket_desk.ui.setup_wizard import SetupWizard

    _remove_database(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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


def login(path: Path, store: Store | None) -> tuple[Store | None, Actor | None, bool]:
    """(store, actor, no_users): actor is None when the agent gave up."""
    name = ""
    if store is not None:
        from eticket_desk.services.catalogue.organisation import load_organisation

        name = load_organisation(store).name
    dialog = LoginDialog(store, name)
    if store is None:
        opener = StoreOpener(path, dialog)
        opener.opened.connect(dialog.set_store)
        opener.failed.connect(lambda exc: (show_error(dialog, exc), dialog.reject()))
        opener.start()
    result = dialog.exec()
    store = dialog.store
    if result == LoginDialog.NO_USERS:
        return store, None, True
    if result != QDialog.DialogCode.Accepted or dialog.actor is None:
        return store, None, False
    if dialog.must_change_password:
        from eticket_desk.ui.admin.change_password_dialog import ChangePasswordDialog

        ctx = AppContext(store, dialog.actor, TaskRunner(), ChangeBus())
        if ChangePasswordDialog(ctx, forced=True).exec() != QDialog.DialogCode.Accepted:
            return store, None, False
    return store, dialog.actor, False


def run_gui(db_path: Path | None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = make_application()
    path = db_path or default_database_path()
    from eticket_desk.services.core.base_lock import BaseInUse, hold

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        held = hold(path)  # until the program ends (the system lets it go if it dies)
    except BaseInUse as taken:
        show_error(None, taken)
        return 1
    try:
        return _run(app, path)
    finally:
        held.release()


def _run(app: QApplication, path: Path) -> int:
    store: Store | None = None
    actor: Actor | None = None
    if path.exists():
        store, actor, no_users = login(path, None)
        if no_users:
            store.close()
            store = None
        elif actor is None:
            return 0
    if store is None:
        opened = first_launch(path)
        if opened is None:
            return 0
        store, actor = opened

    from eticket_desk.services.core.settings import load_settings
    from eticket_desk.services.invoicing.files import write_owed_pdfs_at_start
    from eticket_desk.services.maintenance.backups import automatic_backup
    from eticket_desk.ui.main_window import MainWindow

    while True:
        if actor is None:
            store, actor, _ = login(path, store)
            if actor is None:
                store.close()
                return 0
        ctx = AppContext(store, actor, TaskRunner(), ChangeBus(), load_settings(store))
        window = MainWindow(ctx)  # its first reads go to the writer before the slow chores
        ctx.runner.submit(partial(automatic_backup, store, only_if_due=True))  # first of the day
        ctx.runner.submit(partial(write_owed_pdfs_at_start, store))  # a run killed after commit
        window.show()
        app.exec()
        ctx.runner.wait()
        if not window.logged_out:
            store.close()
            return 0
        actor = None
