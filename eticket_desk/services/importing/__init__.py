"""Import of families and registrations from a spreadsheet (CSV or XLSX), all or nothing.

Read the file, guess the column mapping from French headers, preview the first rows, dry run
(every bad row with its line and a French reason, duplicates of children already in the
base), then import in one write transaction: dossiers, merges and subscriptions together.
"""

from eticket_desk.services.importing.reading import Table, UnreadableFile
from eticket_desk.services.importing.report import (
    DECISION_LABELS,
    Decision,
    Decisions,
    DryRunReport,
    DuplicateRow,
    ImportCounts,
    ImportRefused,
    ImportResult,
    RowProblem,
    save_problems_csv,
)
from eticket_desk.services.importing.service import (
    ImportPreview,
    PreviewCell,
    dry_run_import,
    guess_import_mapping,
    import_families,
    import_file,
    known_activities,
    preview_import,
    read_import_file,
)
from eticket_desk.services.importing.targets import TARGETS, ImportMapping, TargetField

__all__ = [
    "DECISION_LABELS",
    "TARGETS",
    "Decision",
    "Decisions",
    "DryRunReport",
    "DuplicateRow",
    "ImportCounts",
    "ImportMapping",
    "ImportPreview",
    "ImportRefused",
    "ImportResult",
    "PreviewCell",
    "RowProblem",
    "Table",
    "TargetField",
    "UnreadableFile",
    "dry_run_import",
    "guess_import_mapping",
    "import_families",
    "import_file",
    "known_activities",
    "preview_import",
    "read_import_file",
    "save_problems_csv",
]
