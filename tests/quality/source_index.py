"""A static index of the integration's Python sources, built with `ast` (nothing is imported).

The quality checks read code the other engineers are still writing, so they must never depend on
it importing cleanly: they parse every module, resolve class bases by name across the package and
look up module-level string constants, then answer questions such as "does this entity class, or
one of its ancestors, set `_attr_unique_id`?".
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .ast_names import (
    COLLECTION_CALLS,
    HA_CONSTANTS,
    PACKAGE_IMPORT,
    PLATFORMS,
    base_name,
    call_name,
    is_external_entity_base,
    keyword,
    platform_of_external_base,
    snake_case,
)

__all__ = [
    "PLATFORMS",
    "ClassInfo",
    "ModuleInfo",
    "PackageIndex",
    "call_name",
    "is_external_entity_base",
    "keyword",
    "module_string_constants",
    "nothing_found",
    "platform_of_external_base",
    "snake_case",
    "where",
]


def module_string_constants(
    module: ModuleInfo, prefix: str = ""
) -> list[tuple[str, str, ast.stmt]]:
    """Module-level `NAME = "text"` / `NAME: Final = "text"`: (name, text, statement)."""
    found: list[tuple[str, str, ast.stmt]] = []
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign):
            targets, value = stmt.targets, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets, value = [stmt.target], stmt.value
        else:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            found.extend(
                (t.id, value.value, stmt)
                for t in targets
                if isinstance(t, ast.Name) and t.id.startswith(prefix)
            )
    return found


def where(module: ModuleInfo, node: ast.AST) -> str:
    """`module:line` of a node, for violation messages (`__init__` for the package root)."""
    return f"{module.name or '__init__'}:{getattr(node, 'lineno', 0)}"


def nothing_found(what: str) -> list[str]:
    """The problem a check reports when it found nothing to check: a check must never pass on
    nothing (a renamed function or moved module would otherwise silence it)."""
    return [f"found no {what} to check"]


@dataclass
class ModuleInfo:
    """One parsed module; `name` is dotted and relative to the package (`ttlock.lock`)."""

    name: str
    tree: ast.Module
    source: str
    # Local name -> dotted package-relative module it was imported from (relative imports only).
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def stem(self) -> str:
        """Last part of the module name (`lock` for `ttlock.lock`, `ttlock` for its `__init__`)."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def package_parts(self) -> list[str]:
        """Package of the module, as parts (`["ttlock"]` for `ttlock.lock`)."""
        parts = self.name.split(".") if self.name else []
        return parts if self.is_package else parts[:-1]

    is_package: bool = False


@dataclass
class ClassInfo:
    """One class definition and what it assigns."""

    module: ModuleInfo
    node: ast.ClassDef
    # Attribute name -> value nodes, from the class body and from `self.<name> = ...` in methods.
    assigned: dict[str, list[ast.expr]] = field(default_factory=dict)
    methods: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        """The class name."""
        return self.node.name

    @property
    def qualname(self) -> str:
        """`module:Class`, unique in the package."""
        return f"{self.module.name}:{self.name}"


def _collect_class(module: ModuleInfo, node: ast.ClassDef) -> ClassInfo:
    info = ClassInfo(module, node)
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    info.assigned.setdefault(target.id, []).append(stmt.value)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if stmt.value is not None:
                info.assigned.setdefault(stmt.target.id, []).append(stmt.value)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            info.methods.add(stmt.name)
            for sub in ast.walk(stmt):
                targets: list[ast.expr] = []
                value: ast.expr | None = None
                if isinstance(sub, ast.Assign):
                    targets, value = sub.targets, sub.value
                elif isinstance(sub, ast.AnnAssign) and sub.value is not None:
                    targets, value = [sub.target], sub.value
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                        and value is not None
                    ):
                        info.assigned.setdefault(target.attr, []).append(value)
    return info


class PackageIndex:
    """All modules and classes of one package, parsed."""

    def __init__(self, sources: Mapping[str, str], packages: set[str] | None = None) -> None:
        """Index `sources`: dotted package-relative module name -> source text.

        `packages` names the modules that are packages (`__init__.py`); "" is the package root.
        """
        packages = packages if packages is not None else {""}
        self.modules: dict[str, ModuleInfo] = {}
        for name, source in sources.items():
            module = ModuleInfo(name, ast.parse(source), source, is_package=name in packages)
            self.modules[name] = module
        self.classes: dict[str, ClassInfo] = {}
        self._by_name: dict[str, list[ClassInfo]] = {}
        self.constants: dict[str, set[str]] = {}
        # (module, name) -> value of every module-level assignment, for collection look-ups.
        self._assignments: dict[tuple[str, str], ast.expr] = {}
        # Other indexes (the vendor clients) where string enums used by this package live.
        self.enum_sources: list[PackageIndex] = []
        for module in self.modules.values():
            self._index_module(module)

    @classmethod
    def from_directory(cls, root: Path, *, exclude: tuple[str, ...] = ()) -> PackageIndex:
        """Index every `.py` file under `root` except sub-directories named in `exclude`."""
        sources: dict[str, str] = {}
        packages: set[str] = set()
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root)
            if rel.parts[0] in exclude or "__pycache__" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
                packages.add(".".join(parts))
            sources[".".join(parts)] = path.read_text(encoding="utf-8")
        return cls(sources, packages)

    def _index_module(self, module: ModuleInfo) -> None:
        for stmt in module.tree.body:
            if isinstance(stmt, ast.ImportFrom) and (
                stmt.level > 0 or (stmt.module or "").startswith(PACKAGE_IMPORT)
            ):
                if stmt.level > 0:
                    base = module.package_parts
                    base = base[: len(base) - (stmt.level - 1)] if stmt.level > 1 else base
                    origin = ".".join([*base, *(stmt.module.split(".") if stmt.module else [])])
                else:
                    origin = (stmt.module or "").removeprefix(PACKAGE_IMPORT).lstrip(".")
                for alias in stmt.names:
                    module.imports[alias.asname or alias.name] = (origin, alias.name)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                value = stmt.value
                for target in targets:
                    if not isinstance(target, ast.Name) or value is None:
                        continue
                    self._assignments[(module.name, target.id)] = value
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        self.constants.setdefault(target.id, set()).add(value.value)
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ClassDef):
                info = _collect_class(module, node)
                self.classes[info.qualname] = info
                self._by_name.setdefault(info.name, []).append(info)

    # --- name resolution -------------------------------------------------------------------

    def string_value(self, node: ast.expr | None) -> str | None:
        """A literal string, or a module-level string constant referenced by name/attribute."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        name = node.id if isinstance(node, ast.Name) else None
        if isinstance(node, ast.Attribute):
            name = node.attr
        if name is not None and len(self.constants.get(name, ())) == 1:
            return next(iter(self.constants[name]))
        if name is not None and name not in self.constants:
            return HA_CONSTANTS.get(name)
        return None

    def _assigned_value(self, name: str, module: ModuleInfo) -> ast.expr | None:
        """Module-level value bound to `name` in `module`, following package imports."""
        if (module.name, name) in self._assignments:
            return self._assignments[(module.name, name)]
        if name in module.imports:
            return self._assignments.get(module.imports[name])
        return None

    def resolve_strings(
        self, node: ast.expr | None, module: ModuleInfo, depth: int = 0
    ) -> list[str] | None:
        """Strings of a collection expression: literals, constants, `*spread`, `frozenset(X)`.

        Follows module-level names across the package's imports; None when anything is
        computed at run time.
        """
        if node is None or depth > 10:
            return None
        if isinstance(node, ast.Starred):
            return self.resolve_strings(node.value, module, depth + 1)
        if (
            isinstance(node, ast.Call)
            and call_name(node) in COLLECTION_CALLS
            and len(node.args) == 1
        ):
            return self.resolve_strings(node.args[0], module, depth + 1)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            values: list[str] = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    found = self.resolve_strings(element, module, depth + 1)
                else:
                    single = self._resolve_string(element, module, depth + 1)
                    found = [single] if single is not None else None
                if found is None:
                    return None
                values.extend(found)
            return values
        if isinstance(node, ast.Name):
            value = self._assigned_value(node.id, module)
            if value is not None:
                owner = self._owner_module(node.id, module)
                return self.resolve_strings(value, owner, depth + 1)
        return self.string_list(node)

    def resolve_rows(
        self, node: ast.expr | None, module: ModuleInfo
    ) -> list[list[str | None]] | None:
        """A table of tuples (`[(ErrorClass, "key"), ...]`): the strings of each row, by column."""
        if isinstance(node, ast.Name):
            value = self._assigned_value(node.id, module)
            if value is not None:
                return self.resolve_rows(value, self._owner_module(node.id, module))
            return None
        if not isinstance(node, ast.List | ast.Tuple):
            return None
        rows: list[list[str | None]] = []
        for row in node.elts:
            if not isinstance(row, ast.Tuple):
                return None
            rows.append([self._resolve_string(cell, module, 0) for cell in row.elts])
        return rows

    def _owner_module(self, name: str, module: ModuleInfo) -> ModuleInfo:
        if (module.name, name) not in self._assignments and name in module.imports:
            return self.modules.get(module.imports[name][0], module)
        return module

    def _resolve_string(self, node: ast.expr, module: ModuleInfo, depth: int) -> str | None:
        if isinstance(node, ast.Name):
            value = self._assigned_value(node.id, module)
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
        return self.string_value(node)

    def string_list(self, node: ast.expr | None) -> list[str] | None:
        """A literal list/tuple/set of strings (constants resolved), else None."""
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            values = [self.string_value(elt) for elt in node.elts]
            if all(value is not None for value in values):
                return [value for value in values if value is not None]
        if isinstance(node, ast.ListComp) and len(node.generators) == 1:
            # `[kind.value for kind in RecordKind]`: the members of a string enum.
            iterated = node.generators[0].iter
            if isinstance(iterated, ast.Name):
                return self.enum_values(iterated.id)
        if isinstance(node, ast.Dict):  # menu_options may be a dict: option -> label
            keys = [self.string_value(key) for key in node.keys if key is not None]
            if all(key is not None for key in keys):
                return [key for key in keys if key is not None]
        return None

    def enum_values(self, class_name: str) -> list[str] | None:
        """String member values of a class named `class_name` here or in `enum_sources`."""
        for index in (self, *self.enum_sources):
            candidates = index._by_name.get(class_name, [])
            if len(candidates) == 1:
                return [
                    value.value
                    for stmt in candidates[0].node.body
                    if isinstance(stmt, ast.Assign)
                    and isinstance(value := stmt.value, ast.Constant)
                    and isinstance(value.value, str)
                ]
        return None

    def resolve_class(self, name: str, module: ModuleInfo) -> ClassInfo | None:
        """Find the package class that `name` refers to inside `module`, if it is local."""
        local = self.classes.get(f"{module.name}:{name}")
        if local is not None:
            return local
        if name in module.imports:
            target_module, target_name = module.imports[name]
            found = self.classes.get(f"{target_module}:{target_name}")
            if found is not None:
                return found
        candidates = self._by_name.get(name, [])
        return candidates[0] if len(candidates) == 1 else None

    def bases(self, cls: ClassInfo) -> tuple[list[ClassInfo], list[str]]:
        """Direct bases of `cls`: (package classes, names of external classes)."""
        local: list[ClassInfo] = []
        external: list[str] = []
        for base in cls.node.bases:
            name = base_name(base)
            found = self.resolve_class(name, cls.module) if name else None
            if found is not None and found is not cls:
                local.append(found)
            elif name:
                external.append(name)
        return local, external

    def ancestry(self, cls: ClassInfo) -> tuple[list[ClassInfo], set[str]]:
        """`cls` and all its package ancestors, plus every external base name met on the way."""
        seen: dict[str, ClassInfo] = {}
        external: set[str] = set()
        stack = [cls]
        while stack:
            current = stack.pop()
            if current.qualname in seen:
                continue
            seen[current.qualname] = current
            local, names = self.bases(current)
            external.update(names)
            stack.extend(local)
        return list(seen.values()), external

    def is_entity_class(self, cls: ClassInfo) -> bool:
        """True when the class derives from a Home Assistant entity class."""
        _, external = self.ancestry(cls)
        return any(is_external_entity_base(name) for name in external)

    def entity_platforms(self, cls: ClassInfo) -> set[str]:
        """Platforms of the entity bases of `cls` (`{"sensor"}` for a SensorEntity subclass)."""
        _, external = self.ancestry(cls)
        return {p for name in external if (p := platform_of_external_base(name)) is not None}

    def entity_classes(self) -> list[ClassInfo]:
        """Every entity class of the package."""
        return [cls for cls in self.classes.values() if self.is_entity_class(cls)]

    def leaf_entity_classes(self) -> list[ClassInfo]:
        """Entity classes no other package class derives from: the ones actually instantiated."""
        entities = self.entity_classes()
        parents = {base.qualname for cls in self.classes.values() for base in self.bases(cls)[0]}
        return [cls for cls in entities if cls.qualname not in parents]

    def ancestors_assign(self, cls: ClassInfo, attribute: str) -> list[ast.expr]:
        """Every value assigned to `attribute` by `cls` or one of its package ancestors."""
        classes, _ = self.ancestry(cls)
        return [value for c in classes for value in c.assigned.get(attribute, [])]

    def calls(self, module: ModuleInfo | None = None) -> Iterator[tuple[ModuleInfo, ast.Call]]:
        """Every call expression, in one module or in all of them."""
        modules = [module] if module is not None else list(self.modules.values())
        for mod in modules:
            for node in ast.walk(mod.tree):
                if isinstance(node, ast.Call):
                    yield mod, node

    def description_platform(self, call: ast.Call, module: ModuleInfo) -> str | None:
        """Platform of an entity-description constructor call (`SensorEntityDescription(...)`)."""
        name = call_name(call)
        found = self.resolve_class(name, module)
        if found is None:
            return platform_of_external_base(name)
        _, external = self.ancestry(found)
        platforms = {p for n in external if (p := platform_of_external_base(n)) is not None}
        return next(iter(platforms)) if len(platforms) == 1 else None
