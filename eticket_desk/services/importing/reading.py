"""Reading a spreadsheet of families: CSV (delimiter and encoding guessed, UTF-16 from Excel's
« Texte Unicode » included) or XLSX (workbook.py, which refuses workbooks made to hurt).

Every cell comes back as stripped text, whatever the file held (XLSX dates become
"JJ/MM/AAAA", whole numbers lose their ".0"); each row keeps its line number in the file,
the header being line 1, so reports point to the line the agent sees in their spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from eticket_desk.services.importing import workbook
from eticket_desk.services.importing.limits import (
    MAX_CELL_CHARS,
    MAX_CSV_BYTES,
    MAX_ROWS,
    UnreadableFile,
    megabytes,
    number,
    too_many_rows,
)

ENCODINGS = ("utf-8-sig", "utf-16", "utf-8", "cp1252")
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Table:
    """The header and the data rows of the first sheet; `lines[i]` is the line of `rows[i]`."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    kind: str = "csv"  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""

    def cell(self, index: int, column: int) -> str:
        row = self.rows[index]
        return row[column] if 0 <= column < len(row) else ""

    def describe(self) -> str:
        """ "412 lignes, 24 colonnes (CSV, cp1252, séparateur point-virgule)"."""
        what = f"{len(self.rows)} ligne(s), {len(self.headers)} colonne(s)"
        if self.kind == "xlsx":
            return f"{what} (classeur Excel)"
        return f"{what} (CSV, {self.encoding}, séparateur {DELIMITER_NAMES[self.delimiter]})"


def read_table(path: Path | str) -> Table:
    """The spreadsheet at `path`, by its extension (.csv, .txt, .xlsx)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"Le fichier « {path.name} » n'existe pas (ou plus).")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise UnreadableFile(
                f"Le fichier « {path.name} » fait {megabytes(size)} : un fichier de familles "
                f"en fait bien moins (au plus {megabytes(MAX_CSV_BYTES)}). Vérifiez le fichier "
                "choisi, ou importez-le en plusieurs fois."
            )
        return read_csv_bytes(path.read_bytes(), path.name)
    if suffix == ".xls":
        raise UnreadableFile(
            "Les classeurs .xls (Excel 97-2003) ne sont pas lus : enregistrez le fichier au "
            "format .xlsx ou .csv depuis Excel ou LibreOffice."
        )
    raise UnreadableFile(f"« {path.name} » n'est ni un fichier CSV ni un classeur Excel (.xlsx).")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(_UTF16_BOMS):  # Excel's « Texte Unicode » (tab-separated)
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff(header_line: str) -> str:
    """The delimiter the header line uses most (outside quotes): ';', ',' or a tab."""
    counts = {d: 0 for d in DELIMITERS}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _finish(
    name: str, records: list[tuple[int, list[str]]], kind: str, encoding: str = "", delim: str = ""
) -> Table:
    if not records:
        raise UnreadableFile(f"Le fichier « {name} » est vide.")
    header_line, headers = records[0]
    if header_line != 1 or not any(headers):
        raise UnreadableFile(
            f"La première ligne de « {name} » doit porter les titres des colonnes "
            "(ex. « Nom responsable », « Prénom enfant »…)."
        )
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows, lines = [], []
    for line, values in records[1:]:
        values = values[:width] + [""] * (width - len(values))
        if any(values):
            rows.append(tuple(values))
            lines.append(line)
    if not rows:
        raise UnreadableFile(
            f"Le fichier « {name} » ne contient que la ligne d'en-tête : aucune ligne à importer."
        )
    if len(rows) > MAX_ROWS:
        raise too_many_rows(name, len(rows))
    names = []
    for index, header in enumerate(headers):
        names.append(header or f"Colonne {index + 1}")
    return Table(name, tuple(names), tuple(rows), tuple(lines), kind, encoding, delim)


def read_csv_bytes(data: bytes, name: str = "import.csv") -> Table:
    text, encoding = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = _sniff(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = []
    try:
        for values in reader:
            if any(len(v) > MAX_CELL_CHARS for v in values):
                raise _long_cell(name, reader.line_num)
            records.append((reader.line_num, [" ".join(v.split()) for v in values]))
            if len(records) > MAX_ROWS + 1:
                raise too_many_rows(name)
    except csv.Error:  # a field beyond the csv module's own limit (131,072 characters)
        raise _long_cell(name, reader.line_num) from None
    # csv counts physical lines; a row's line is where it starts, as a spreadsheet shows it.
    fixed, line = [], 1
    for _end, values in records:
        fixed.append((line, values))
        line = _end + 1
    return _finish(name, fixed, "csv", encoding, delimiter)


def _long_cell(name: str, line: int) -> UnreadableFile:
    return UnreadableFile(
        f"« {name} » ne peut pas être importé : vers la ligne {number(line)}, une cellule dépasse "
        f"{number(MAX_CELL_CHARS)} caractères (un guillemet jamais fermé, ou ce n'est pas un "
        "tableau de familles)."
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_xlsx(path: Path) -> Table:
    return _finish(path.name, workbook.read_records(path, _text), "xlsx")
