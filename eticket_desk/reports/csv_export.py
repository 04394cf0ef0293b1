"""The one writer of every CSV file the desk hands out (meal counts, unconsumed bookings, bus
fares, import problems, the audit log, the import sample): a file Excel opens as is (UTF-8
with a BOM, semicolons, CRLF), whose text cells cannot run as formulas.

A spreadsheet runs a cell that starts with = + - @ (and, in some, a tab or a carriage return
before them) as a formula: a family named « =HYPERLINK(...) » would act in the coordinator's
Excel (OWASP « CSV injection »). Such a text cell is written behind a single quote, which
Excel shows as text. Numbers the program counts itself (ints, Decimals) are written as they
are and stay numbers, a negative one included: only text can carry a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"


class NumberText(str):
    """A number the program formatted itself the French way (« -12,50 »): written as it is,
    a leading minus included (it is not text a family typed)."""


def safe_cell(value: object) -> object:
    """The cell as written: text that a spreadsheet would run gets a leading single quote."""
    if isinstance(value, NumberText):
        return str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """The header and the rows into an open text file (newline=""); returns the rows written."""
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([safe_cell(title) for title in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count


def write_csv_file(
    path: Path | str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "utf-8-sig",
) -> Path:
    """A new CSV file at `path` (its folder made if needed); `encoding` utf-8-sig for exports
    (accents in Excel), cp1252 for the import sample (as French Excel saves one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as out:
        write_rows(out, header, rows)
    return path
