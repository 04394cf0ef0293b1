"""eticket-desk: the counter program of a municipality's school services."""

__version__ = "0.1.0"
