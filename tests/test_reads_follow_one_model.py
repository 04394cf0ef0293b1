"""Reads follow one model (issue 17): a screen reads the database through the task runner
(`ctx.runner.submit`, `ctx.write`, `runner.call`), never on the GUI thread.

Checked on the source: in eticket_desk/ui, a call of a function imported from
eticket_desk.services.* that is given the store (`store`, `ctx.store`, `self._ctx.store`…) must
sit inside a lambda, or a function, handed to `submit`, `write` or `call`. The few calls that
must stay where they are are listed below, each with why.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "eticket_desk"
RUNNER_METHODS = {"submit", "write", "call"}

# (module under eticket_desk/, the call as written): why it may run where it is.
SYNCHRONOUS = {
    # Before the runner exists: the log-in, the first-launch wizard and the start-up build the
    # AppContext (and so its TaskRunner) from what they read.
    ("ui/app.py", "load_organisation"): "the log-in box's town name, before any runner",
    ("ui/app.py", "load_settings"): "the settings the AppContext is built with",
    ("ui/selftest_window.py", "load_settings"): "the same, for the self-test window",
    ("ui/login_dialog.py", "users.authenticate"): "the log-in itself, before any runner",
    ("ui/setup_wizard.py", "create_empty_town"): "the first launch creates the base it opens",
    # On a thread of their own, not the GUI's.
    ("ui/login_dialog.py", "has_users"): "StoreOpener, a QThread opening the base",
    ("ui/login_dialog.py", "load_organisation"): "StoreOpener, a QThread opening the base",
    ("ui/sync/worker.py", "run_sync"): "the sync thread; its database steps use runner.call",
    ("ui/mail/worker.py", "send_pending"): "the mail thread; its database steps use runner.call",
    ("ui/admin/mail_page.py", "send_test_message"): "a thread of its own: the SMTP exchange",
    # Builds the closure that the runner runs (returned, not handed, so not seen above).
    ("ui/family_editor/actions.py", "load_family_quietly"): "inside the lambda _reader returns",
    # The main window's closeEvent needs the answer before it returns (Qt asks at once
    # whether the window may close): the open till is read on the GUI thread.
    ("ui/counter/till_guard.py", "current_till"): "confirm_leaving, from closeEvent",
    # A file path under the documents folder, no database.
    ("ui/counter/regie_documents.py", "document_path"): "a path, no database",
    ("ui/counter/till_dialog.py", "document_path"): "a path, no database",
    ("ui/invoicing/invoices_page.py", "invoice_files.run_print_file"): "a path, no database",
    ("ui/invoicing/invoices_page.py", "invoice_files.run_folder"): "a path, no database",
}


def _service_names(tree: ast.Module) -> set[str]:
    """Names this module imports from eticket_desk.services (functions and modules)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.startswith("eticket_desk.services")
        for alias in node.names
    }


def _is_store(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "store") or (
        isinstance(node, ast.Attribute) and node.attr == "store"
    )


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None  # self._read


def _handed(tree: ast.Module) -> tuple[set[ast.Lambda], set[str]]:
    """The lambdas given to submit / write / call, and the names of this module's functions
    that run on the runner: given to it, or called from a lambda given to it."""
    lambdas: set[ast.Lambda] = set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in RUNNER_METHODS:
            continue
        for arg in [*node.args, *(keyword.value for keyword in node.keywords)]:
            if isinstance(arg, ast.Lambda):
                lambdas.add(arg)
                names.update(
                    name
                    for call in ast.walk(arg.body)
                    if isinstance(call, ast.Call) and (name := _called_name(call.func))
                )
            elif name := _called_name(arg):
                names.add(name)
    return lambdas, names


def direct_reads(source: str) -> list[tuple[int, str]]:
    """(line, call) of each service call given the store outside the runner."""
    tree = ast.parse(source)
    services = _service_names(tree)
    lambdas, handed_names = _handed(tree)
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, on_runner: bool) -> None:
        if isinstance(node, ast.Lambda) and node in lambdas:
            on_runner = True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in handed_names:
            on_runner = True
        if isinstance(node, ast.Call) and not on_runner:
            func = node.func
            base = func.value if isinstance(func, ast.Attribute) else func
            given_store = any(map(_is_store, node.args)) or any(
                _is_store(keyword.value) for keyword in node.keywords
            )
            if isinstance(base, ast.Name) and base.id in services and given_store:
                found.append((node.lineno, ast.unparse(func)))
        for child in ast.iter_child_nodes(node):
            visit(child, on_runner)

    visit(tree, False)
    return found


def _ui_reads() -> dict[tuple[str, str], list[int]]:
    reads: dict[tuple[str, str], list[int]] = {}
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        for line, call in direct_reads(path.read_text(encoding="utf-8")):
            reads.setdefault((module, call), []).append(line)
    return reads


def test_screens_read_through_the_runner():
    reads = _ui_reads()
    outside = {key: lines for key, lines in reads.items() if key not in SYNCHRONOUS}
    assert outside == {}, "read on the GUI thread: hand it to ctx.runner.submit"


def test_every_allowance_is_still_needed():
    assert sorted(set(SYNCHRONOUS) - set(_ui_reads())) == []


def test_the_check_sees_a_read_on_the_gui_thread():
    source = """
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.tariffs import list_ticket_types

class Page:
    def refresh(self):
        self.schools = organisation.list_schools(self._ctx.store)
        store = self._ctx.store
        self._ctx.runner.submit(lambda: list_ticket_types(store), self._show)
        self._ctx.runner.submit(self._read, self._show)
        self.types = list_ticket_types(store=store)

        self._ctx.runner.submit(lambda: _both(store), self._show)

    def _read(self):
        return organisation.list_schools(self._ctx.store)


def _both(store):
    return organisation.list_schools(store), list_ticket_types(store)


def not_handed(store):
    return list_ticket_types(store)
"""
    assert direct_reads(source) == [
        (7, "organisation.list_schools"),
        (11, "list_ticket_types"),
        (24, "list_ticket_types"),
    ]
