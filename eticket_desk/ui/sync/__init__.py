"""The desk's sync in the UI: the status bar widget, the 60-second worker, the issues panel
and the « Serveur central » settings box."""

from eticket_desk.ui.sync.issues_screen import SyncIssuesScreen
from eticket_desk.ui.sync.server_box import ServerBox
from eticket_desk.ui.sync.status_widget import SyncStatusWidget
from eticket_desk.ui.sync.worker import SyncWorker

__all__ = ["ServerBox", "SyncIssuesScreen", "SyncStatusWidget", "SyncWorker"]
