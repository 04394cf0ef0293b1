"""PayFiP's settings of a commune, checked alike at the desk (Paramètres › Organisation) and
on the server (the payment request): the client number (numcli) the DGFiP gives the commune
is 6 digits; the mode is the `saisie` of every request — T while testing, X for the
activation run the trésorerie asks for, W in production."""

from __future__ import annotations

import re

from eticket_desk.rules.errors import InvalidInput

MODES = {"test": "T", "activation": "X", "production": "W"}
MODE_LABELS = {"test": "Test", "activation": "Activation", "production": "Production"}


def check_numcli(value: str) -> str:
    """The client number as stored ("" when the commune has no PayFiP yet)."""
    value = value.strip()
    if value and not re.fullmatch(r"\d{6}", value):
        raise InvalidInput(
            "Le numéro client PayFiP compte 6 chiffres (il figure sur la convention signée "
            "avec la DGFiP)."
        )
    return value


def check_mode(value: str) -> str:
    if value not in MODES:
        raise InvalidInput("Choisissez le mode PayFiP : test, activation ou production.")
    return value


def saisie_of(mode: str) -> str:
    """The `saisie` field of a payment request in this mode (test when unknown)."""
    return MODES.get(mode, "T")
