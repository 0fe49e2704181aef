"""The shape of the code: imports that point one way, a pure core, no file cycles.

The layers themselves are import-linter contracts (pyproject.toml, run by `make test`);
these tests prove what a contract cannot say as directly.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import milestones.core

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "ats_milestones",
    "tenants",
    "audit",
    "notifications",
    "recruiting",
    "milestones",
    "approvals",
    "integrations",
    "reporting",
    "compliance",
    "demo",
]
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
        for target in graph.find_modules_directly_imported_by(node) & modules:
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


def test_no_import_cycles_between_the_files_of_an_app():
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*APPS)
    cycles = []
    for app in APPS:
        # A package's __init__ that re-exports its modules is not a file of logic.
        modules = {
            m
            for m in graph.find_descendants(app) | {app}
            if ".migrations" not in m and not _is_reexporting_package(m)
        }
        cycles += _cycles(graph, modules)
    assert cycles == []


def _is_reexporting_package(module: str) -> bool:
    path = ROOT / module.replace(".", "/") / "__init__.py"
    return path.exists()


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
    too_long = {
        str(path.relative_to(ROOT)): lines
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > 420
    }
    assert too_long == {}
