"""Formats of the human reference numbers (their series are gapless, see services)."""

from __future__ import annotations

FAMILY_SERIES = "family"


def family_reference(number: int) -> str:
    """Family 42 -> 'F00042' (also what the family card's barcode encodes)."""
    return f"F{number:05d}"
