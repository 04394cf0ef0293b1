"""Files made to hurt the import (huge declared ranges, zip and XML bombs, a megabyte cell) are
refused in French before they are loaded; odd but honest files (UTF-16 from Excel, a header
alone) are read or explained. Every file is built here, on disk, the way an attacker or Excel
would write it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from eticket_desk.cli import main
from eticket_desk.services import importing
from tests.services.test_import import GOOD, HEADERS


def _workbook(path: Path, rows: list[list[str]] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for values in rows if rows is not None else [GOOD]:
        sheet.append(values)
    book.save(path)
    return path


SHARED = "xl/sharedStrings.xml"


def _rewrite(path: Path, member: str, change, *, level: int = 6) -> Path:
    """The workbook at `path` with one XML part changed (the others copied as they are); the
    shared strings part is added and declared, as Excel writes one, when it is the one."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if member == SHARED and SHARED not in parts:
        parts[SHARED] = b""
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(importing.UnreadableFile) as refused:
        importing.read_import_file(path)
    return refused.value.message


def test_a_workbook_declaring_the_whole_sheet_is_refused_before_its_cells_are_read(tmp_path):
    path = _workbook(tmp_path / "plage.xlsx")
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb'<dimension ref="A1:P2" ?/>', b'<dimension ref="A1:XFD1048576"/>', xml
        ),
    )

    message = _refusal(path)

    assert "déclare la plage A1:XFD1048576" in message
    assert "1\u202f048\u202f576 lignes" in message and "au plus 50\u202f000 lignes" in message


def test_a_workbook_of_millions_of_shared_strings_is_refused_before_they_are_loaded(tmp_path):
    path = _workbook(tmp_path / "textes.xlsx")
    count = 2_500_000
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(count))
    header = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">' % (count, count)
    )
    _rewrite(path, SHARED, lambda _xml: header + strings + b"</sst>", level=1)

    message = _refusal(path)

    assert (
        "2\u202f500\u202f000 textes différents" in message
        and "au plus 2\u202f000\u202f000" in message
    )


def test_shared_strings_too_big_to_load_are_refused_whatever_count_they_declare(tmp_path):
    path = _workbook(tmp_path / "textes-muets.xlsx")
    strings = b"".join(b"<si><t>Famille n\xc2\xb0 %d</t></si>" % i for i in range(3_500_000))
    header = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    _rewrite(path, SHARED, lambda _xml: header + strings + b"</sst>", level=1)

    message = _refusal(path)

    assert "ses textes font 116 Mo une fois décompressés (au plus 80 Mo)" in message


def test_a_zip_bomb_part_is_refused_from_the_zip_directory(tmp_path):
    path = _workbook(tmp_path / "bombe.xlsx")
    padding = b" " * (30 * 1024 * 1024)  # 30 MB of blanks: a few kilobytes once deflated
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + padding, 1),
    )
    assert path.stat().st_size < 200_000

    message = _refusal(path)

    assert "« xl/worksheets/sheet1.xml »" in message and "bombe zip" in message


def test_an_xml_entity_bomb_is_refused_in_french_without_a_traceback(store, tmp_path, capsys):
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        + b"".join(
            b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b"]>\n"
    )
    path = _workbook(tmp_path / "rires.xlsx")
    _rewrite(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: laughs + xml.replace(b"<t>", b"<t>&lol9;", 1),
    )
    assert b"&lol9;" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")

    message = _refusal(path)
    assert "entités XML, refusées par sécurité" in message

    store.close()
    assert main(["--db", str(store.path), "import", str(path), "--dry-run"]) == 1
    printed = capsys.readouterr()
    assert "rires.xlsx" in printed.err and "Traceback" not in printed.err + printed.out


def test_a_megabyte_cell_in_a_csv_is_refused_with_its_line(tmp_path):
    quoted = tmp_path / "guillemet.csv"
    quoted.write_bytes(b'Nom;Pr\xe9nom\r\nMoreau;Jules\r\n"' + b"a" * 1_000_000 + b'";x\r\n')
    bare = tmp_path / "une-cellule.csv"
    bare.write_bytes(b"a" * 1_000_000)

    assert "vers la ligne 3, une cellule dépasse 10\u202f000 caractères" in _refusal(quoted)
    assert "une cellule dépasse" in _refusal(bare)


def test_a_utf16_text_file_from_excel_is_read_with_its_accents_and_tabs(tmp_path):
    path = tmp_path / "familles.txt"  # Excel: « Texte Unicode (*.txt) »
    lines = ["\t".join(HEADERS), "\t".join(GOOD), "\t".join(["Bérénice", "Zoé"] + GOOD[2:])]
    path.write_bytes("\r\n".join(lines).encode("utf-16"))  # with its byte order mark
    assert path.read_bytes()[:2] == b"\xff\xfe"

    table = importing.read_import_file(path)

    assert table.encoding == "utf-16" and table.delimiter == "\t"
    assert table.headers == tuple(HEADERS)
    assert table.rows == (tuple(GOOD), tuple(["Bérénice", "Zoé"] + GOOD[2:]))
    assert table.describe() == "2 ligne(s), 16 colonne(s) (CSV, utf-16, séparateur tabulation)"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_file_with_only_its_header_says_why_nothing_is_imported(tmp_path, kind):
    path = tmp_path / f"entete.{kind}"
    if kind == "csv":
        path.write_bytes(";".join(HEADERS).encode("cp1252") + b"\r\n;;;\r\n")
    else:
        _workbook(path, rows=[])

    assert _refusal(path) == (
        f"Le fichier « entete.{kind} » ne contient que la ligne d'en-tête : "
        "aucune ligne à importer."
    )


def test_an_honest_workbook_still_reads_after_the_checks(tmp_path):
    table = importing.read_import_file(_workbook(tmp_path / "ok.xlsx", rows=[GOOD, GOOD]))
    assert table.rows == (tuple(GOOD), tuple(GOOD)) and table.lines == (2, 3)


def test_an_archive_that_is_not_a_workbook_is_refused_in_french(tmp_path):
    path = tmp_path / "faux.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bonjour.txt", "pas un classeur")
    assert "ne peut pas être ouvert comme classeur Excel" in _refusal(path)
    path.write_bytes(io.BytesIO(b"PK\x03\x04 tronque").getvalue())
    assert "ne peut pas être ouvert comme classeur Excel" in _refusal(path)


def test_a_csv_bigger_than_any_family_sheet_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "enorme.csv"
    with path.open("wb") as out:  # sparse: 41 MB said, nothing written
        out.write(";".join(HEADERS).encode("cp1252") + b"\r\n")
        out.truncate(41 * 1024 * 1024)

    assert _refusal(path) == (
        "Le fichier « enorme.csv » fait 41 Mo : un fichier de familles en fait bien moins "
        "(au plus 40 Mo). Vérifiez le fichier choisi, ou importez-le en plusieurs fois."
    )


def test_a_csv_of_more_rows_than_one_import_takes_is_refused_while_read(tmp_path):
    path = tmp_path / "commune.csv"
    path.write_bytes(b"Nom;Pr\xe9nom\r\n" + b"Moreau;Jules\r\n" * 50_001)

    assert _refusal(path) == (
        "Le fichier « commune.csv » a plus de 50\u202f000 lignes : importez-le en plusieurs "
        "fois (au plus 50\u202f000 lignes)."
    )
