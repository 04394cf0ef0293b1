"""The weekly planning grid of a family (seed 002's five cell states)."""

from eticket_desk.ui.planning.week_grid import WeekGrid

__all__ = ["WeekGrid"]
