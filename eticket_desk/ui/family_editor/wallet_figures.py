"""How the wallet's figures read on the tab and in the correction dialog: signed quantities
and balances with a real minus sign, in the counter's colours."""

from __future__ import annotations

from eticket_desk.ui.counter.widgets import ALERT_COLOUR, OK_COLOUR


def signed(quantity: int) -> str:
    """+10, −1 (a real minus sign), 0."""
    if quantity > 0:
        return f"+{quantity}"
    return f"−{-quantity}" if quantity < 0 else "0"


def balance_text(tickets: int) -> str:
    return f"−{-tickets}" if tickets < 0 else str(tickets)


def balance_colour(tickets: int) -> str:
    """The counter's colours: red when nothing is left (or less), green otherwise."""
    return ALERT_COLOUR if tickets <= 0 else OK_COLOUR
