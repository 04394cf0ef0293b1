"""Reading the first sheet of an Excel workbook (.xlsx) that may have been made to hurt.

A workbook is a zip of XML parts, and openpyxl trusts what they declare: a sheet whose
dimension says A1:XFD1048576 is walked cell by cell over 17 billion cells, a shared strings
part of millions of entries is loaded whole before the first row, a zip member can inflate a
thousandfold. So before openpyxl opens anything, the zip's directory is checked (the size of
each part, its compression ratio), then the declared shared strings and dimension; rows are
counted while read. XML entity bombs are refused by defusedxml, which openpyxl uses when it is
installed (a project dependency). Every refusal is an UnreadableFile with a French message.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path

from eticket_desk.services.importing.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    UnreadableFile,
    megabytes,
    number,
    too_many_rows,
)

log = logging.getLogger(__name__)

MAX_PART_BYTES = 150 * 1024 * 1024  # one XML part, inflated (a 50,000-row sheet is ~60 MB)
MAX_TOTAL_BYTES = 300 * 1024 * 1024  # all parts, inflated
MAX_RATIO = 200  # inflated / compressed size of a part: real sheets stay well under 50
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress as they like
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_BYTES = 80 * 1024 * 1024  # loaded whole by openpyxl: 2 million texts fit in it
_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=\"(\d+)\"")


def _refuse(name: str, why: str) -> UnreadableFile:
    return UnreadableFile(f"« {name} » ne peut pas être importé : {why}")


def check_archive(path: Path) -> None:
    """Refuses a workbook whose zip parts would inflate beyond what a real one needs, or
    whose shared strings are declared by the million; reads nothing but the zip's directory
    and the first bytes of the shared strings."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(
            f"« {path.name} » ne peut pas être ouvert comme classeur Excel ({exc})."
        ) from None
    with archive:
        total = 0
        for member in archive.infolist():
            total += member.file_size
            if member.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise _refuse(
                    path.name,
                    f"une fois décompressé, il ferait plus de {megabytes(total)} (partie "
                    f"« {member.filename} »). Un classeur de familles n'a pas besoin d'une telle "
                    "taille : copiez les données utiles dans un nouveau classeur.",
                )
            if member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                ratio = member.file_size // max(member.compress_size, 1)
                raise _refuse(
                    path.name,
                    f"sa partie « {member.filename} » se décompresse {number(ratio)} fois plus "
                    "grande qu'elle n'est stockée (une « bombe zip »), ce qu'aucun classeur réel "
                    "ne fait.",
                )
        shared = next(
            (m for m in archive.infolist() if m.filename.lower().endswith("sharedstrings.xml")),
            None,
        )
        if shared is not None and shared.file_size > MAX_SHARED_BYTES:
            raise _refuse(
                path.name,
                f"ses textes font {megabytes(shared.file_size)} une fois décompressés (au plus "
                f"{megabytes(MAX_SHARED_BYTES)}). Copiez les données utiles dans un nouveau "
                "classeur.",
            )
        if shared is not None:
            with archive.open(shared) as part:
                head = part.read(4096)
            found = _UNIQUE_COUNT.search(head)
            if found and int(found.group(1)) > MAX_SHARED_STRINGS:
                raise _refuse(
                    path.name,
                    f"il déclare {number(int(found.group(1)))} textes différents (au plus "
                    f"{number(MAX_SHARED_STRINGS)}). Copiez les données utiles dans un nouveau "
                    "classeur.",
                )


def _check_dimension(name: str, sheet) -> None:
    """The range the sheet declares (its <dimension>), before a cell is read."""
    rows, columns = sheet.max_row, sheet.max_column
    if (rows or 0) > MAX_ROWS + 1 or (columns or 0) > MAX_COLUMNS:
        from openpyxl.utils import get_column_letter

        declared = f"A1:{get_column_letter(columns or 1)}{rows or 1}"
        raise _refuse(
            name,
            f"sa première feuille déclare la plage {declared} ({number(rows or 0)} lignes, "
            f"{number(columns or 0)} colonnes) ; au plus {number(MAX_ROWS)} lignes et "
            f"{MAX_COLUMNS} colonnes sont importées. Copiez les données utiles dans un nouveau "
            "classeur.",
        )


def read_records(path: Path, text) -> list[tuple[int, list[str]]]:
    """(line, cell texts) of the first sheet's non-empty rows; `text` turns a value into text."""
    import defusedxml.ElementTree  # noqa: F401  (named here so that the bundle has it)
    import openpyxl.xml
    from openpyxl import load_workbook

    if not openpyxl.xml.DEFUSEDXML:  # never parse a stranger's XML without it
        raise UnreadableFile("Import Excel impossible sur ce poste : défense XML absente.")
    check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # any part openpyxl cannot make sense of: the file is unreadable
        log.warning("unreadable workbook %s", path, exc_info=True)
        raise UnreadableFile(
            f"« {path.name} » ne peut pas être ouvert comme classeur Excel ({_reason(exc)})."
        ) from None
    try:
        sheet = book.worksheets[0]
        _check_dimension(path.name, sheet)
        sheet.reset_dimensions()  # rows as stored: never padded to a declared range
        records: list[tuple[int, list[str]]] = []
        for row in sheet.iter_rows():
            cells = [c for c in row if getattr(c, "row", None) is not None]
            if not cells:
                continue
            if cells[-1].column > MAX_COLUMNS:
                raise _refuse(
                    path.name,
                    f"la ligne {cells[0].row} a une cellule en colonne {cells[-1].column} "
                    f"(au plus {MAX_COLUMNS} colonnes sont importées).",
                )
            values: list[str] = []
            for cell in cells:
                values += [""] * (cell.column - 1 - len(values))
                values.append(text(cell.value))
            records.append((cells[0].row, values))
            if len(records) > MAX_ROWS + 1:
                raise too_many_rows(path.name)
        return records
    except UnreadableFile:
        raise
    except Exception as exc:  # an XML bomb, a damaged part: said in French, no traceback
        log.warning("unreadable workbook %s", path, exc_info=True)
        raise UnreadableFile(
            f"« {path.name} » ne peut pas être lu comme classeur Excel ({_reason(exc)})."
        ) from None
    finally:
        book.close()


def _reason(exc: Exception) -> str:
    """What went wrong, for the agent: an entity bomb is named, the rest said plainly."""
    kind = type(exc).__name__
    if "Entities" in kind or "DTD" in kind or "entity" in str(exc).lower():
        return "il contient des définitions d'entités XML, refusées par sécurité"
    return "fichier endommagé ou d'un autre format"
