"""Every writing use case declares what it changes (`@changes`, services/core/changes.py), so
the screens showing it refresh: a public function of eticket_desk/services that opens
`store.write(` — itself, through a private helper, or through another writing use case —
and declares nothing fails here. The desk's UI runs use cases through `AppContext.write`,
which announces the declaration and refuses an undeclared function."""

from __future__ import annotations

import ast
import importlib
import textwrap
import uuid
from pathlib import Path

import pytest

import eticket_desk.services
from eticket_desk.services.core.changes import (
    Call,
    FamilyTopic,
    Topic,
    changed_by,
    changes,
    declaration,
    run_use_case,
)

SERVICES = Path(eticket_desk.services.__file__).parent


def _opens_a_write(node: ast.AST) -> bool:
    """`store.write(` or `self.store.write(`: a transaction of the desk's store."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            owner = call.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if call.func.attr == "write" and "store" in name:
                return True
    return False


def _called_names(node: ast.AST) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Name):
                names.add(call.func.id)
            elif isinstance(call.func, ast.Attribute):
                names.add(call.func.attr)
    return names


def _inside_a_write(node: ast.FunctionDef) -> bool:
    """A function given a `session` runs inside its caller's unit of work (the pulled
    changes' appliers, say): the caller is the use case that declares."""
    arguments = node.args.posonlyargs + node.args.args
    return bool(arguments) and arguments[0].arg == "session"


def writing_use_cases(sources: dict[str, str]) -> dict[str, set[str]]:
    """module -> its public functions that write, from the modules' sources: a function
    writes when it opens `store.write(` or calls a function that writes (by name, across
    the modules given; methods of classes are their class's business; a function given a
    `session` is a step of its caller's write)."""
    functions: dict[tuple[str, str], ast.FunctionDef] = {}
    for module, source in sources.items():
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and not _inside_a_write(node):
                functions[(module, node.name)] = node
    writes = {key for key, node in functions.items() if _opens_a_write(node)}
    calls = {key: _called_names(node) for key, node in functions.items()}
    while True:
        public = {name for (_m, name) in writes if not name.startswith("_")}
        more = {
            (module, name)
            for (module, name), called in calls.items()
            if (module, name) not in writes
            and (called & public or {n for (m, n) in writes if m == module} & called)
        }
        if not more:
            break
        writes |= more
    found: dict[str, set[str]] = {}
    for module, name in writes:
        if not name.startswith("_"):
            found.setdefault(module, set()).add(name)
    return found


def _services_sources() -> dict[str, str]:
    sources = {}
    for path in sorted(SERVICES.rglob("*.py")):
        dotted = ".".join(path.relative_to(SERVICES.parent.parent).with_suffix("").parts)
        sources[dotted] = path.read_text(encoding="utf-8")
    return sources


def _undeclared(found: dict[str, set[str]], namespaces: dict[str, dict]) -> list[str]:
    missing = []
    for module, names in sorted(found.items()):
        for name in sorted(names):
            try:
                declaration(namespaces[module][name])
            except TypeError:
                missing.append(f"{module}.{name}")
    return missing


def test_every_writing_use_case_declares_what_it_changes():
    found = writing_use_cases(_services_sources())
    namespaces = {module: vars(importlib.import_module(module)) for module in found}
    assert sum(len(names) for names in found.values()) > 40  # the walk sees the use cases
    assert _undeclared(found, namespaces) == []


SAMPLE = """
from eticket_desk.services.core.changes import Topic, changes

def _run(store, actor):
    with store.write(actor) as session:
        session.add(1)

@changes(Topic.BOOKINGS)
def book(store, actor):
    return _run(store, actor)

def cancel(store, actor):
    return _run(store, actor)

def many(store, actor):
    return [book(store, actor) for _ in range(2)]

@changes(unseen="an audit line")
def look(store, actor):
    with store.write(actor) as session:
        session.add(2)

def read(store):
    with store.read() as session:
        return session
"""


def test_the_walk_finds_a_use_case_that_forgets_its_topics():
    namespace: dict = {}
    exec(compile(textwrap.dedent(SAMPLE), "sample", "exec"), namespace)  # noqa: S102
    found = writing_use_cases({"sample": SAMPLE})
    assert found == {"sample": {"book", "cancel", "many", "look"}}
    assert _undeclared(found, {"sample": namespace}) == ["sample.cancel", "sample.many"]


# -- the declaration itself -------------------------------------------------------------------


@changes(Topic.SALES, lambda call: FamilyTopic(call["family_id"]), lambda call: call.result)
def _sell(store, actor, family_id, *, extra=()):
    return extra


def test_a_declaration_resolves_from_the_call_s_arguments_and_result():
    family = uuid.uuid4()
    result, changed = run_use_case(_sell, "store", "actor", family, extra=(Topic.TILL,))
    assert result == (Topic.TILL,)
    assert changed == {Topic.SALES, Topic.TILL, FamilyTopic(family)}
    assert changed_by(_sell, ("s", "a", family), {}, None) == {Topic.SALES, FamilyTopic(family)}
    assert Call({"family_id": family}, None)["family_id"] == family


def test_an_undeclared_or_empty_declaration_is_refused():
    ran = []

    def forgot(store, actor):
        ran.append(True)

    with pytest.raises(TypeError, match="forgot declares no changes"):
        run_use_case(forgot, "store", "actor")
    assert ran == []
    with pytest.raises(TypeError, match="declare the topics"):
        changes()
    with pytest.raises(TypeError, match="not a Topic"):
        changes("bookings")

    @changes(lambda call: "sales")
    def misspelt(store, actor):
        return None

    with pytest.raises(TypeError, match="not a Topic or FamilyTopic: 'sales'"):
        run_use_case(misspelt, "store", "actor")
