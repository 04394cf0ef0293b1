"""The régisseur's « Facturation » screen: invoice runs, invoices and credit notes, unpaid."""

from eticket_desk.ui.invoicing.screen import InvoicingScreen

__all__ = ["InvoicingScreen"]
