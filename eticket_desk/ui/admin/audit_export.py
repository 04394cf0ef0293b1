"""Writing audit lines to a CSV file that Excel opens as is (';', UTF-8 with BOM)."""

from __future__ import annotations

import csv
from pathlib import Path

from eticket_desk.services.audit import AuditLine
from eticket_desk.ui.admin.audit_model import AuditColumn, cell_text, describe_details

CSV_HEADERS = ("Date", "Utilisateur", "Action", "Objet", "Résumé", "Détails")


def write_audit_csv(
    lines: list[AuditLine], path: Path | str, names: dict[str, str] | None = None
) -> int:
    """Writes the lines as shown on screen (plus their details); returns how many."""
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(CSV_HEADERS)
        for line in lines:
            cells = [cell_text(line, column) for column in AuditColumn]
            cells.append(" | ".join(describe_details(line.details, names)))
            writer.writerow(cells)
    return len(lines)
