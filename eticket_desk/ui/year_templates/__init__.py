"""Applying every saved week template over a period, with a progress bar."""

from eticket_desk.ui.year_templates.apply_dialog import ApplyTemplatesDialog

__all__ = ["ApplyTemplatesDialog"]
