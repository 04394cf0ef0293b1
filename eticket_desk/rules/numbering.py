"""Formats of the human reference numbers (their series are gapless, see services).

Several desks of one commune number their new dossiers each in a block of its own: the
first desk F00001…F99999, the second F100001…, the third F200001… (the central server gives
each desk its number), so two desks offline never give the same number.
"""

from __future__ import annotations

import re

FAMILY_SERIES = "family"
FAMILY_BLOCK = 100_000
DESK_NUMBER = "sync.desk_number"  # the setting holding this desk's number (1 when alone)


def family_reference(number: int) -> str:
    """Family 42 -> 'F00042' (also what the family card's barcode encodes)."""
    return f"F{number:05d}"


def family_number(reference: str) -> int | None:
    """'F00042' -> 42; None when it is not a family reference."""
    match = re.fullmatch(r"F(\d{5,})", reference.strip().upper())
    return int(match.group(1)) if match else None


def family_series(desk: int) -> tuple[str, int]:
    """(series name, offset) of a desk's dossier numbers: number = offset + nth."""
    if desk <= 1:
        return FAMILY_SERIES, 0
    return f"{FAMILY_SERIES}-desk-{desk}", (desk - 1) * FAMILY_BLOCK
