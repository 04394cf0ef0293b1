"""Writing audit lines to a CSV file that Excel opens as is (';', UTF-8 with BOM)."""

from __future__ import annotations

from pathlib import Path

from eticket_desk.reports.csv_export import write_csv_file
from eticket_desk.services.core.audit import AuditLine
from eticket_desk.ui.admin.audit_model import AuditColumn, cell_text, describe_details

CSV_HEADERS = ("Date", "Utilisateur", "Action", "Objet", "Résumé", "Détails")


def write_audit_csv(
    lines: list[AuditLine], path: Path | str, names: dict[str, str] | None = None
) -> int:
    """Writes the lines as shown on screen (plus their details); returns how many."""
    rows = (
        [
            *(cell_text(line, column) for column in AuditColumn),
            " | ".join(describe_details(line.details, names)),
        ]
        for line in lines
    )
    write_csv_file(path, CSV_HEADERS, rows)
    return len(lines)
