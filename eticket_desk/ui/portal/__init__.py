"""What the families' portal brings to the desk and what the desk writes for it: the parents'
documents to process, and the mairie's messages."""

from eticket_desk.ui.portal.documents_panel import DocumentsPanel
from eticket_desk.ui.portal.portal_screen import PortalScreen

__all__ = ["DocumentsPanel", "PortalScreen"]
