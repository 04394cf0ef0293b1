"""The « Portail des familles » screen: the documents parents sent, still to process, and the
mairie's messages shown on the portal's accueil."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from eticket_desk.ui.admin.forms import make_tabs, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.portal.documents_panel import DocumentsPanel
from eticket_desk.ui.portal.messages_section import MessagesSection


class PortalScreen(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.documents = DocumentsPanel(ctx, None)
        self.messages = MessagesSection(ctx)
        self.tabs = make_tabs()
        self.tabs.addTab(self.documents, self.tr("&Documents à traiter"))
        self.tabs.addTab(self.messages, self.tr("&Messages de la mairie"))
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(self.tr("Portail des familles")))
        layout.addWidget(self.tabs, 1)
