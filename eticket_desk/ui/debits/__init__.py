"""The « Prélèvements » screen: SEPA debit batches and their rejects."""

from eticket_desk.ui.debits.screen import DebitsScreen

__all__ = ["DebitsScreen"]
