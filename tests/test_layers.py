"""The layer rule of DESIGN.md, checked on the source itself (plus import-linter in CI)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eticket_desk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path} imports {name}"
        for path in paths
        for name in sorted(_imports(path))
        if name.split(".")[0] in forbidden or name.startswith(forbidden)
    ]


def test_only_ui_imports_pyside6():
    outside_ui = [p for p in _modules() if "ui" not in p.relative_to(PACKAGE).parts[:1]]
    assert _offenders(outside_ui, ("PySide6",)) == []


def test_ui_never_touches_the_database():
    assert _offenders(_modules("ui"), ("sqlalchemy", "alembic", "eticket_desk.models")) == []


def test_rules_are_pure():
    forbidden = (
        "sqlalchemy",
        "PySide6",
        "eticket_desk.models",
        "eticket_desk.services",
        "eticket_desk.reports",
        "eticket_desk.ui",
        "eticket_desk.sync",
    )
    assert _offenders(_modules("rules"), forbidden) == []


def test_reports_hold_no_session_and_no_qt():
    assert _offenders(_modules("reports"), ("sqlalchemy", "PySide6", "eticket_desk.models")) == []


def test_the_checker_sees_a_violation(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport sqlalchemy.orm\n")
    assert _imports(bad) == {"PySide6.QtWidgets", "sqlalchemy.orm"}
    assert len(_offenders([bad], ("PySide6", "sqlalchemy"))) == 2


CENTRAL = PACKAGE.parent / "eticket_central"


def test_the_sync_protocol_is_qt_free_and_database_free():
    forbidden = (
        "PySide6",
        "sqlalchemy",
        "alembic",
        "eticket_desk.models",
        "eticket_desk.ui",
        "eticket_central",
    )
    assert _modules("sync"), "eticket_desk/sync is missing"
    assert _offenders([PACKAGE / "sync" / "protocol.py"], forbidden) == []
    assert _offenders(_modules("sync"), ("PySide6", "eticket_desk.ui", "eticket_central")) == []


def test_the_central_server_reuses_only_rules_clock_and_protocol():
    forbidden = (
        "PySide6",
        "eticket_desk.models",
        "eticket_desk.services",
        "eticket_desk.ui",
        "eticket_desk.reports",
        "eticket_desk.cli",
    )
    assert _offenders(sorted(CENTRAL.rglob("*.py")), forbidden) == []


def test_the_desk_never_imports_the_server():
    forbidden = ("eticket_central", "fastapi", "uvicorn", "psycopg")
    assert _offenders(_modules(), forbidden) == []


DEV_ONLY = ("devtools", "tests", "benchmarks", "scripts")


def _named_like_tooling(path: Path) -> bool:
    """A module named like development tooling: screenshots, sample data for PDFs."""
    return "screenshot" in path.stem or path.stem.endswith("_samples")


def test_the_product_never_imports_the_development_tooling():
    product = _modules() + sorted(CENTRAL.rglob("*.py"))
    assert _offenders(product, DEV_ONLY) == []


def test_no_screenshot_or_sample_module_lives_in_the_product():
    assert (PACKAGE.parent / "devtools" / "screenshots" / "tools.py").is_file()
    assert [str(p.relative_to(PACKAGE)) for p in _modules() if _named_like_tooling(p)] == []


def test_the_tooling_checks_see_a_violation(tmp_path):
    (tmp_path / "ui").mkdir()
    creeping = [tmp_path / "ui" / "screenshots.py", tmp_path / "invoice_samples.py"]
    for path in creeping:
        path.write_text("from devtools.samples.invoices import sample_invoice\n")
    fine = tmp_path / "sample.py"
    fine.write_text("import eticket_desk.selftest_data\n")
    assert len(_offenders([*creeping, fine], DEV_ONLY)) == 2
    assert [p.name for p in [*creeping, fine] if _named_like_tooling(p)] == [
        "screenshots.py",
        "invoice_samples.py",
    ]
