"""The shape of the code: imports that point one way, a pure core, no file cycles.

The layers themselves are import-linter contracts (pyproject.toml, run by `make test`);
these tests prove what a contract cannot say as directly.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

import milestones.core

ROOT = Path(__file__).resolve().parents[2]
# The apps and the project kernel: the same list import-linter reads.
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
# Directories of code that are not packages yet, and why. grimp (and so lint-imports and the
# cycle test below) sees no module in a directory without __init__.py.
NOT_YET_PACKAGES: set[str] = set()
# Modules over ~400 lines that another session is splitting (see docs/architecture.md).
NOT_YET_SPLIT = {"bench/harness.py"}
CORE_MODULES = sorted(
    f"milestones.core.{m.name}" for m in pkgutil.iter_modules(milestones.core.__path__)
)

# Imports the core must not make, directly or through anything it imports.
_BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"django", "rest_framework", "psycopg", "celery", "redis"}:
            raise ImportError(f"the milestone core imported {name}")
sys.meta_path.insert(0, Block())
import importlib
importlib.import_module(sys.argv[1])
"""


def test_the_core_has_modules():
    assert {"milestones.core.engine", "milestones.core.simulation"} <= set(CORE_MODULES)


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_django_orm_or_io(module):
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKER, module], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.find_modules_directly_imported_by(node) & modules):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def _app_cycles(graph, apps) -> list[str]:
    """Each cycle between the modules of one app, with the imports that close it. Packages
    count as modules (a cycle through a re-exporting __init__ is one), lazy imports inside
    functions too (grimp reads every import statement); migrations are left out."""
    found = []
    for app in apps:
        modules = {m for m in graph.find_descendants(app) | {app} if ".migrations" not in m}
        for cycle in _cycles(graph, modules):
            members = set(cycle)
            lines = [
                f"  {d['importer']}:{d['line_number']} {d['line_contents']}"
                for importer in cycle
                for imported in sorted(graph.find_modules_directly_imported_by(importer) & members)
                for d in graph.get_import_details(importer=importer, imported=imported)
            ]
            found.append("\n".join([" <-> ".join(cycle), *lines]))
    return found


def test_no_import_cycles_between_the_files_of_an_app():
    sys.path.insert(0, str(ROOT))
    # No cache: a cached graph keeps the imports of unchanged files as they were resolved,
    # so a directory that just became a package would still look empty.
    graph = grimp.build_graph(*APPS, cache_dir=None)
    cycles = _app_cycles(graph, APPS)
    assert not cycles, "import cycles between files of an app:\n" + "\n".join(cycles)


def test_the_cycle_check_sees_a_cycle_through_a_package_and_a_lazy_import():
    """The check above can fail: a re-exporting __init__ in the loop is still a loop."""
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.tasks", imported="app.services")  # package __init__
    graph.add_import(importer="app.services", imported="app.services.orders")
    graph.add_import(importer="app.services.orders", imported="app.tasks")  # a lazy import
    graph.add_import(importer="app.views", imported="app.services")
    assert _cycles(graph, set(graph.modules)) == [
        ["app.services", "app.services.orders", "app.tasks"]
    ]


def test_every_directory_of_code_is_a_package():
    """A directory without __init__.py is a namespace package that grimp skips: its modules
    escape lint-imports and the cycle check (integrations/services did until now)."""
    missing = sorted(
        str(directory.relative_to(ROOT))
        for app in APPS
        for directory in {path.parent for path in (ROOT / app).rglob("*.py")}
        if not (directory / "__init__.py").exists()
    )
    assert missing == sorted(NOT_YET_PACKAGES), "add an __init__.py to: " + ", ".join(
        sorted(set(missing) - NOT_YET_PACKAGES)
    )


def test_no_test_module_imports_another():
    """What two test modules share lives in a support or factories module."""
    offenders = []
    for path in (ROOT / "tests").rglob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("from ", "import ")) and (
                ".test_" in stripped.split(" import ")[0] or stripped.startswith("from .test_")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_no_module_outside_migrations_is_longer_than_about_400_lines():
    """Apps, tests, scripts and benches alike: a module past ~400 lines becomes modules by
    subject (a package re-exporting them, or test files named for what they test)."""
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for top in [*APPS, "tests", "scripts", "bench"]
        for path in (ROOT / top).rglob("*.py")
        if "migrations" not in path.parts
    }
    too_long = {name: lines for name, lines in lengths.items() if lines > 420}
    assert set(too_long) == NOT_YET_SPLIT, too_long


def _python_files(tops):
    for top in tops:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text())


def test_audit_rows_are_built_in_one_place():
    """One row builder (`audit.services.audit_event_build`): an `AuditEvent(...)` anywhere
    else skips the request columns and the actor rules it applies."""
    builders = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _python_files(APPS)
        if path != ROOT / "audit" / "services.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "AuditEvent"
    )
    assert builders == []


def test_no_module_imports_another_module_s_private_names():
    """What another module calls has a public name (issue #10)."""
    private = {
        f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
        for path, tree in _python_files(APPS)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    }
    assert private == set()


def test_the_name_people_read_comes_from_one_helper():
    """`tenants.people` says what a user is called (the full name, else the username): a
    `get_full_name` anywhere else in the apps or the templates is a second way to say it."""
    elsewhere = sorted(
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _python_files(APPS)
        if path != ROOT / "tenants" / "people.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "get_full_name"
    )
    elsewhere += sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if "get_full_name" in path.read_text()
    )
    assert elsewhere == []
