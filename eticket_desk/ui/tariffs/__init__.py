"""The « Tarifs » screen: ticket types, their dated tariffs by QF bracket, commune postcodes."""

from eticket_desk.ui.tariffs.screen import TariffsScreen

__all__ = ["TariffsScreen"]
