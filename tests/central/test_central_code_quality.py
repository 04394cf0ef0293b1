"""ruff (lint + format) on the central server's package, which the repository-wide check
(tests/test_code_quality.py) does not list."""

from __future__ import annotations

from tests.test_code_quality import _run, _tool


def test_ruff_lint_is_clean_on_the_server():
    result = _run(_tool("ruff"), "check", "eticket_central")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean_on_the_server():
    result = _run(_tool("ruff"), "format", "--check", "eticket_central")
    assert result.returncode == 0, result.stdout + result.stderr
