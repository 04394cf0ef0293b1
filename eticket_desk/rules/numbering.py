"""Formats of the human reference numbers (their series are gapless, see services).

Several desks of one commune number their new dossiers each in a block of its own: the
first desk F00001…F99999, the second F100001…, the third F200001… (the central server gives
each desk its number), so two desks offline never give the same number.

Receipts (quittances) are numbered per desk and per year, the desk's number in the series:
« Q2-2026-000001 » is the first receipt of 2026 at desk 2, each series gapless on its own,
so two desks selling offline never give the same number and the régie's journals name the
series they list (« Série Q2 — poste Annexe école »). What a desk issued before the server
gave it a number (a desk used alone, never synced: there is only one such desk per commune)
keeps the old series « Q-2026-000001 »; printed receipts are never renumbered.
"""

from __future__ import annotations

import re

FAMILY_SERIES = "family"
RECEIPT_SERIES = "receipt"
FAMILY_BLOCK = 100_000
DESK_NUMBER = "sync.desk_number"  # the setting holding this desk's number (1 when alone)
DESK_LABEL = "sync.desk_label"  # the desk's name on the server (« Annexe école »)
DESK_LABELS = "sync.desk_labels"  # the commune's desks' names by number ({"2": "Annexe école"})


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


def receipt_prefix(desk: int | None) -> str:
    """« Q2 » for desk 2's receipts; « Q » before the desk has a number."""
    return f"Q{desk}" if desk else "Q"


def receipt_series(desk: int | None, year: int) -> str:
    """The name of the gapless counter of a desk's receipts of one year ("receipt-2-2026");
    "receipt-2026" for the series of a desk without a number (the one it always had)."""
    return f"{RECEIPT_SERIES}-{desk}-{year}" if desk else f"{RECEIPT_SERIES}-{year}"


def receipt_reference(desk: int | None, year: int, number: int) -> str:
    """(2, 2026, 1) -> 'Q2-2026-000001'; (None, 2026, 1) -> 'Q-2026-000001'."""
    return f"{receipt_prefix(desk)}-{year}-{number:06d}"


RECEIPT_PATTERN = re.compile(r"Q(\d*)-(\d{4})-(\d+)")


def parse_receipt(reference: str) -> tuple[int | None, int, int] | None:
    """'Q2-2026-000017' -> (2, 2026, 17); 'Q-2026-000017' -> (None, 2026, 17); None when it
    is not a receipt number."""
    match = RECEIPT_PATTERN.fullmatch(reference.strip())
    if match is None:
        return None
    desk, year, number = match.groups()
    return (int(desk) if desk else None), int(year), int(number)


def receipt_series_label(desk: int | None, desk_label: str = "") -> str:
    """« Série Q2 — poste Annexe école », as the régie's journals name a desk's receipts."""
    name = f"Série {receipt_prefix(desk)}"
    if desk is None:
        return name
    return f"{name} — poste {desk_label}" if desk_label.strip() else f"{name} — poste n° {desk}"
