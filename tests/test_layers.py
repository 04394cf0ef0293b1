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


def test_the_central_server_reuses_only_rules_clock_protocol_and_reports():
    """The reports too: the portal serves the invoice PDF the desk printed, by the same
    renderer (portal/invoice_document.py)."""
    forbidden = (
        "PySide6",
        "eticket_desk.models",
        "eticket_desk.services",
        "eticket_desk.ui",
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


# ---------------------------------------------------------------- no circle, no hidden import

# The layers whose modules import each other at the top only: an import inside a function
# there hides a cycle (the UI may import lazily for start-up time, with a comment saying so).
NO_LATE_IMPORTS = ("rules", "services", "sync", "reports")


def _circles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (each sorted)."""
    reach: dict[str, set[str]] = {}
    for start in imports:
        seen, todo = set(), [start]
        while todo:
            for nxt in imports.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        reach[start] = seen
    groups = {
        tuple(sorted(m for m in reach[start] if start in reach.get(m, ())))
        for start in imports
        if start in reach[start]
    }
    return sorted(list(group) for group in groups)


def _late_imports(path: Path) -> list[int]:
    """The lines of `import eticket_desk…` statements inside a function."""
    lines = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module or ""]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                if any(name.split(".")[0] == "eticket_desk" for name in names):
                    lines.append(node.lineno)
    return sorted(set(lines))


def test_no_two_modules_of_the_desk_import_each_other():
    import grimp

    graph = grimp.build_graph("eticket_desk", exclude_type_checking_imports=True)
    imports = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert _circles(imports) == []


def test_no_import_of_the_desk_inside_a_function_below_the_ui():
    late = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line}"
        for folder in NO_LATE_IMPORTS
        for path in _modules(folder)
        for line in _late_imports(path)
    ]
    assert late == []


def test_the_circle_and_late_import_checks_see_a_violation(tmp_path):
    imports = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert _circles(imports) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []
    hidden = tmp_path / "hidden.py"
    hidden.write_text(
        "import json\n"
        "from eticket_desk.rules import money\n\n\n"
        "def f():\n"
        "    from eticket_desk.services.core import store\n"
        "    import eticket_desk.sync.client\n"
        "    import httpx\n"
    )
    assert _late_imports(hidden) == [6, 7]
