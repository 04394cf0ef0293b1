"""ruff (lint + format) and the import-linter layer contracts, run with the test suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The folders ruff keeps clean: the desk, its tests, benchmarks, scripts and dev tooling.
LINTED = ("eticket_desk", "tests", "benchmarks", "scripts", "devtools")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed in the test environment")
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_lint_is_clean():
    result = _run(_tool("ruff"), "check", *LINTED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _run(_tool("ruff"), "format", "--check", *LINTED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_linter_contracts_hold():
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr
