"""The import graph of custom_components/minerva_iot has no cycle (both vendors, every module).

Imports are read with `ast`, also those under `if TYPE_CHECKING:` and inside functions. A cycle
of run-time imports breaks (or depends on) import order; a cycle that needs a typing-only import
still ties two modules into one. The one accepted exception is a vendor's `data.py`: the typed
runtime-data alias (`type XConfigEntry = ConfigEntry[XData]`) names the coordinator that itself
takes an entry of that type, so `data.py` may import what it types under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "custom_components" / "minerva_iot"
PACKAGE = "custom_components.minerva_iot"


@dataclass(frozen=True)
class Edge:
    """`source` imports `target` (module names); `typing_only` when under TYPE_CHECKING."""

    source: str
    target: str
    typing_only: bool


def module_name(path: Path, root: Path) -> str:
    """`<root>/custom_components/minerva_iot/ttlock/data.py` -> `custom_components....ttlock.data`."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, typing_only: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement, with whether it only runs for type checkers."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, typing_only
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), typing_only)
        else:
            yield from _imports(node, typing_only)


class ImportGraph:
    """Edges between the package's own modules."""

    def __init__(self, root: Path, package_dir: Path) -> None:
        """Parse every module under `package_dir` (module names relative to `root`)."""
        self.paths = {module_name(path, root): path for path in sorted(package_dir.rglob("*.py"))}
        self.edges = [edge for name in self.paths for edge in self._edges_of(name)]

    def _resolve(self, name: str) -> str | None:
        """The package module `name` is, or None when it is not one of ours."""
        return name if name in self.paths else None

    def _edges_of(self, source: str) -> Iterator[Edge]:
        path = self.paths[source]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node, typing_only in _imports(tree):
            for target in self._targets(node, package):
                if target != source:
                    yield Edge(source, target, typing_only)

    def _targets(self, node: ast.stmt, package: str) -> Iterator[str]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if (target := self._resolve(alias.name)) is not None:
                    yield target
            return
        assert isinstance(node, ast.ImportFrom)
        base = node.module or ""
        if node.level:
            anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            base = f"{anchor}.{base}" if base else anchor
        for alias in node.names:
            # `from pkg import module` imports the module; `from pkg import name` the package.
            target = self._resolve(f"{base}.{alias.name}") or self._resolve(base)
            if target is not None:
                yield target

    def cycles(self, edges: list[Edge]) -> list[list[str]]:
        """The strongly connected components with more than one module (Tarjan)."""
        graph: dict[str, set[str]] = {name: set() for name in self.paths}
        for edge in edges:
            graph[edge.source].add(edge.target)
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(node: str) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            for successor in sorted(graph[node]):
                if successor not in index:
                    visit(successor)
                    low[node] = min(low[node], low[successor])
                elif successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

        for node in sorted(graph):
            if node not in index:
                visit(node)
        return found


def is_runtime_data_alias(edge: Edge) -> bool:
    """A vendor's `data.py` typing what its runtime data holds (the accepted exception)."""
    return edge.typing_only and edge.source.endswith(".data")


@pytest.fixture(scope="module")
def graph() -> ImportGraph:
    """The package's import graph."""
    return ImportGraph(ROOT, PACKAGE_DIR)


def test_graph_sees_the_imports(graph: ImportGraph) -> None:
    """The parser finds run-time, relative, package and typing-only imports of both vendors."""
    edges = {(edge.source, edge.target, edge.typing_only) for edge in graph.edges}
    assert (f"{PACKAGE}.vendors", f"{PACKAGE}.ttlock.vendor", False) in edges
    assert (f"{PACKAGE}.vendors", f"{PACKAGE}.milesight.vendor", False) in edges
    assert (f"{PACKAGE}.ttlock.coordinator", f"{PACKAGE}.ttlock.data", True) in edges
    assert (f"{PACKAGE}.ttlock.data", f"{PACKAGE}.ttlock.coordinator", True) in edges
    assert (f"{PACKAGE}.ttlock.platforms", f"{PACKAGE}.ttlock.lock", False) in edges
    assert (f"{PACKAGE}.ttlock.auth", f"{PACKAGE}.clients.ttlock", False) in edges


def test_no_import_cycle_at_run_time(graph: ImportGraph) -> None:
    """No module needs, at import or call time, a module that needs it back."""
    runtime = [edge for edge in graph.edges if not edge.typing_only]
    assert graph.cycles(runtime) == []


def test_no_typing_only_cycle_but_the_runtime_data_alias(graph: ImportGraph) -> None:
    """Type-only imports close no cycle either, except those of a vendor's data.py."""
    kept = [edge for edge in graph.edges if not is_runtime_data_alias(edge)]
    assert graph.cycles(kept) == []


def test_a_cycle_is_found(tmp_path: Path) -> None:
    """The check bites: a typing-only cycle and a run-time one in a throw-away package."""
    package = tmp_path / "custom_components" / "minerva_iot"
    (package / "vendor").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "vendor" / "__init__.py").write_text("")
    (package / "vendor" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
    )
    (package / "vendor" / "b.py").write_text("from . import a\n")
    (package / "vendor" / "c.py").write_text("def f():\n    from .d import g\n")
    (package / "vendor" / "d.py").write_text(
        "from custom_components.minerva_iot.vendor.c import f\n"
    )
    (package / "vendor" / "data.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .e import E\n"
    )
    (package / "vendor" / "e.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .data import D\n"
    )
    throwaway = ImportGraph(tmp_path, package)
    name = "custom_components.minerva_iot.vendor"
    runtime = [edge for edge in throwaway.edges if not edge.typing_only]
    assert throwaway.cycles(runtime) == [[f"{name}.c", f"{name}.d"]]
    kept = [edge for edge in throwaway.edges if not is_runtime_data_alias(edge)]
    assert sorted(throwaway.cycles(kept)) == [
        [f"{name}.a", f"{name}.b"],
        [f"{name}.c", f"{name}.d"],
    ]


VENDOR_PACKAGES = ("milesight", "ttlock")


def cross_vendor_imports(graph: ImportGraph, package: str) -> list[Edge]:
    """Imports from one vendor's HA side (or client) into the other's: shared code is top level."""

    def vendor_of(module: str) -> str | None:
        parts = module.removeprefix(f"{package}.").split(".")
        if parts[0] == "clients" and len(parts) > 1:
            parts = parts[1:]
        return parts[0] if parts[0] in VENDOR_PACKAGES else None

    return [
        edge
        for edge in graph.edges
        if (source := vendor_of(edge.source)) is not None
        and (target := vendor_of(edge.target)) is not None
        and source != target
    ]


def test_no_vendor_imports_the_other(graph: ImportGraph) -> None:
    """What both vendors use (self-test waiters, stores, stale devices...) lives at the top."""
    assert cross_vendor_imports(graph, PACKAGE) == []


def test_a_cross_vendor_import_is_found(tmp_path: Path) -> None:
    """The check bites: TTLock importing Milesight's module, and a client the other's."""
    package = tmp_path / "custom_components" / "minerva_iot"
    for folder in ("milesight", "ttlock", "clients/milesight", "clients/ttlock"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "clients" / "__init__.py").write_text("")
    (package / "milesight" / "waiters.py").write_text("")
    (package / "selftest_waiters.py").write_text("")
    (package / "ttlock" / "webhook.py").write_text(
        "from custom_components.minerva_iot.milesight.waiters import x\n"
        "from custom_components.minerva_iot.selftest_waiters import y\n"
    )
    (package / "clients" / "ttlock" / "base.py").write_text(
        "from ..milesight import z\nfrom . import w\n"
    )
    throwaway = ImportGraph(tmp_path, package)
    name = "custom_components.minerva_iot"
    assert {(edge.source, edge.target) for edge in cross_vendor_imports(throwaway, name)} == {
        (f"{name}.ttlock.webhook", f"{name}.milesight.waiters"),
        (f"{name}.clients.ttlock.base", f"{name}.clients.milesight"),
    }
