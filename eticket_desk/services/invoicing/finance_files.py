"""The files of the finance exports: a table written as CSV (semicolons, UTF-8 with a BOM,
decimal comma: what French Excel and finance software read) or as an Excel workbook (dates as
dates, amounts as numbers in euros, not text), chosen by the file's extension."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from eticket_desk.reports.csv_export import NumberText, write_csv_file
from eticket_desk.rules.errors import InvalidInput

EURO_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str  # "text", "date", "money" (integer cents), "int"
    width: int = 12  # in Excel characters


def french_amount(cents: int) -> NumberText:
    """-1250 → « -12,50 »: no thousands separator, a decimal comma."""
    sign = "-" if cents < 0 else ""
    return NumberText(f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}")


def _csv_cell(kind: str, value: object) -> object:
    if value is None or value == "":
        return ""
    if kind == "money":
        return french_amount(value)
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "int":
        return NumberText(str(value))
    return value


def _excel_cell(kind: str, value: object) -> object:
    if value is None or value == "":
        return None
    if kind == "money":
        return Decimal(value) / 100  # a number, never a float's 0.1 + 0.2
    return value


def write_table(path: Path, title: str, columns: Sequence[Column], rows: Sequence[tuple]) -> Path:
    """`rows` under the columns' titles in `path` (.csv or .xlsx); InvalidInput (French) for
    another extension."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidInput(
            f"« {path.name} » : choisissez un fichier .csv (tableur, logiciel financier) ou "
            ".xlsx (Excel)."
        )
    header = [column.title for column in columns]
    if suffix == ".csv":
        cells = (
            [_csv_cell(column.kind, value) for column, value in zip(columns, row, strict=True)]
            for row in rows
        )
        return write_csv_file(path, header, cells)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [_excel_cell(column.kind, value) for column, value in zip(columns, row, strict=True)]
        )
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, len(column.title) + 2)
        style = {"money": EURO_FORMAT, "date": DATE_FORMAT}.get(column.kind)
        if style:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = style
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
