"""What the import reads at most, and the refusal of a file it cannot read (in French)."""

from __future__ import annotations

from eticket_desk.rules.errors import DomainError

MAX_ROWS = 50_000
MAX_COLUMNS = 500
MAX_CSV_BYTES = 40 * 1024 * 1024  # 50,000 rows of a wide family sheet stay well under it
MAX_CELL_CHARS = 10_000  # a cell longer than this is no name, address or date


class UnreadableFile(DomainError):
    """The file is not a spreadsheet the import can read."""


def number(value: int) -> str:
    """« 1 048 576 », as French writes big numbers (a narrow no-break space)."""
    return f"{value:,}".replace(",", "\u202f")


def megabytes(size: int) -> str:
    return f"{number(round(size / (1024 * 1024)))} Mo"


def too_many_rows(name: str, rows: int | None = None) -> UnreadableFile:
    had = f"a {number(rows)} lignes" if rows is not None else f"a plus de {number(MAX_ROWS)} lignes"
    return UnreadableFile(
        f"Le fichier « {name} » {had} : importez-le en plusieurs fois "
        f"(au plus {number(MAX_ROWS)} lignes)."
    )
