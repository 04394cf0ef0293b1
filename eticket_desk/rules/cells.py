"""The five cell states of the weekly planning grid (seed 002), as the portal shows them."""

from __future__ import annotations

from enum import StrEnum


class CellState(StrEnum):
    OPEN_FREE = "open_free"  # open, not booked: click to book
    OPEN_BOOKED = "open_booked"  # open, booked: click to cancel
    LOCKED_FREE = "locked_free"  # not booked, booking no longer allowed
    LOCKED_BOOKED = "locked_booked"  # booked, cancelling no longer allowed
    CLOSED = "closed"  # activity closed (holidays, closed weekday…)


CELL_LABELS = {
    CellState.OPEN_FREE: "Ouvert — non réservé",
    CellState.OPEN_BOOKED: "Ouvert — réservé",
    CellState.LOCKED_FREE: "Verrouillé — non réservé",
    CellState.LOCKED_BOOKED: "Verrouillé — réservé",
    CellState.CLOSED: "Fermé",
}


def cell_state(closed: bool, booked: bool, editable: bool) -> CellState:
    if closed:
        return CellState.CLOSED
    if editable:
        return CellState.OPEN_BOOKED if booked else CellState.OPEN_FREE
    return CellState.LOCKED_BOOKED if booked else CellState.LOCKED_FREE
