"""Collect, from the code, every key that needs English text in strings.json or an icon.

Only literal strings (and module-level string constants) are collected: a key computed at run
time cannot be checked statically, and the runtime tests of each vendor cover those.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .flow_keys import FlowStrings, collect_flow, collect_module_level_errors, flow_section
from .source_index import (
    PLATFORMS,
    ClassInfo,
    ModuleInfo,
    PackageIndex,
    call_name,
    keyword,
    module_string_constants,
    snake_case,
    where,
)

_ISSUE_CALLS = {"async_create_issue", "create_issue"}
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Failed", "NotReady", "Invalid")


@dataclass
class EntityKey:
    """An entity translation key and what its strings/icons need."""

    platform: str | None
    key: str
    where: str
    has_device_class: bool = False
    name_is_none: bool = False
    event_types: list[str] | None = None
    options: list[str] | None = None


@dataclass
class IssueKey:
    """A repair issue translation key."""

    key: str
    where: str
    fixable: bool = False


@dataclass
class CodeKeys:
    """Every translation key found in the code."""

    entities: list[EntityKey] = field(default_factory=list)
    exceptions: dict[str, str] = field(default_factory=dict)  # key -> where
    issues: list[IssueKey] = field(default_factory=list)
    flows: dict[str, FlowStrings] = field(
        default_factory=lambda: {"config": FlowStrings(), "options": FlowStrings()}
    )
    services: dict[str, str] = field(default_factory=dict)  # service -> where
    # selector translation key -> literal options (None when computed at run time)
    selectors: dict[str, list[str] | None] = field(default_factory=dict)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _classify_translation_call(call: ast.Call) -> str:
    name = call_name(call)
    if name in _ISSUE_CALLS:
        return "issue"
    if name.endswith("SelectorConfig"):
        return "selector"
    if keyword(call, "translation_domain") is not None or name.endswith(_EXCEPTION_SUFFIXES):
        return "exception"
    return "entity"


def _entity_key_from_call(
    index: PackageIndex, module: ModuleInfo, call: ast.Call, key: str
) -> EntityKey:
    platform = index.description_platform(call, module)
    if platform is None and module.stem in PLATFORMS:
        platform = module.stem
    name = keyword(call, "name")
    device_class = keyword(call, "device_class")
    return EntityKey(
        platform=platform,
        key=key,
        where=where(module, call),
        has_device_class=device_class is not None
        and not (isinstance(device_class, ast.Constant) and device_class.value is None),
        name_is_none=isinstance(name, ast.Constant) and name.value is None,
        event_types=index.resolve_strings(keyword(call, "event_types"), module),
        options=index.resolve_strings(keyword(call, "options"), module),
    )


def _dataclass_fields(cls: ClassInfo) -> list[ast.AnnAssign]:
    return [
        stmt
        for stmt in cls.node.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
    ]


def _entity_keys_from_rule_tables(index: PackageIndex) -> list[EntityKey]:
    """Rows of package tables like `_SensorRule(pattern, "light_level", None, ...)`.

    Any call of a package class (not an entity description) that has `translation_key` and
    `device_class` fields counts; positional arguments follow the field order, and the platform
    comes from the annotation of `device_class` (`BinarySensorDeviceClass` -> binary_sensor).
    """
    keys: list[EntityKey] = []
    for module, call in index.calls():
        cls = index.resolve_class(call_name(call), module)
        if cls is None or index.description_platform(call, module) is not None:
            continue
        fields = _dataclass_fields(cls)
        names = [f.target.id for f in fields if isinstance(f.target, ast.Name)]
        if not {"translation_key", "device_class"} <= set(names):
            continue
        values: dict[str, ast.expr] = dict(zip(names, call.args, strict=False))
        values.update({kw.arg: kw.value for kw in call.keywords if kw.arg})
        key = index.string_value(values.get("translation_key"))
        if key is None:
            continue
        annotation = ast.unparse(fields[names.index("device_class")].annotation)
        platform = next(
            (
                snake_case(word.removesuffix("DeviceClass"))
                for word in annotation.replace("|", " ").split()
                if word.endswith("DeviceClass") and word != "DeviceClass"
            ),
            None,
        )
        device_class = values.get("device_class")
        keys.append(
            EntityKey(
                platform=platform if platform in PLATFORMS else None,
                key=key,
                where=where(module, call),
                has_device_class=device_class is not None
                and not (isinstance(device_class, ast.Constant) and device_class.value is None),
            )
        )
    return keys


def _entity_keys_from_classes(index: PackageIndex) -> list[EntityKey]:
    keys: list[EntityKey] = []
    for cls in index.entity_classes():
        for value in cls.assigned.get("_attr_translation_key", []):
            key = index.string_value(value)
            if key is None:
                continue
            platforms = index.entity_platforms(cls)
            device_classes = index.ancestors_assign(cls, "_attr_device_class")
            event_types = [
                found
                for node in index.ancestors_assign(cls, "_attr_event_types")
                if (found := index.resolve_strings(node, cls.module)) is not None
            ]
            keys.append(
                EntityKey(
                    platform=next(iter(platforms)) if len(platforms) == 1 else None,
                    key=key,
                    where=where(cls.module, value),
                    has_device_class=any(
                        not (isinstance(v, ast.Constant) and v.value is None)
                        for v in device_classes
                    ),
                    event_types=event_types[0] if event_types else None,
                )
            )
    return keys


def _service_names(index: PackageIndex, module: ModuleInfo, call: ast.Call) -> list[str]:
    """Actions registered by `call`; a name computed in a loop means the module's SERVICE_*."""
    name = call_name(call)
    func = call.func
    argument: ast.expr | None = None
    if (
        name == "async_register"
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "services"
        and len(call.args) >= 2
    ):
        argument = call.args[1]
    elif name == "async_register_entity_service" and call.args:
        argument = call.args[0]
    elif name in {"async_register_platform_entity_service", "async_register_admin_service"}:
        argument = call.args[2] if len(call.args) >= 3 else None
    if argument is None:
        return []
    if (service := index.string_value(argument)) is not None:
        return [service]
    return [value for _, value, _ in module_string_constants(module, "SERVICE_")]


def _forwarding_functions(index: PackageIndex) -> dict[str, tuple[int, str, str]]:
    """Helpers that pass a parameter on as `translation_key`: name -> (position, param, kind).

    `def _invalid(key): return ServiceValidationError(..., translation_key=key)` makes every
    `_invalid("ttlock_not_a_lock")` call an exception key.
    """
    found: dict[str, tuple[int, str, str]] = {}
    for module in index.modules.values():
        for func in ast.walk(module.tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            params = [a.arg for a in [*func.args.posonlyargs, *func.args.args]]
            offset = 1 if params[:1] in (["self"], ["cls"]) else 0
            for call in ast.walk(func):
                value = keyword(call, "translation_key") if isinstance(call, ast.Call) else None
                if (
                    isinstance(call, ast.Call)
                    and isinstance(value, ast.Name)
                    and value.id in params
                ):
                    position = params.index(value.id) - offset
                    found[func.name] = (position, value.id, _classify_translation_call(call))
    return found


def _loop_table_keys(index: PackageIndex) -> list[tuple[str, str, str]]:
    """`for cls, key in _MESSAGES: ... Error(translation_key=key)`: (kind, key, where)."""
    found: list[tuple[str, str, str]] = []
    for module in index.modules.values():
        for loop in ast.walk(module.tree):
            if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Tuple)):
                continue
            names = [t.id if isinstance(t, ast.Name) else "" for t in loop.target.elts]
            table = index.resolve_rows(loop.iter, module)
            for call in ast.walk(loop):
                value = keyword(call, "translation_key") if isinstance(call, ast.Call) else None
                if not (isinstance(call, ast.Call) and isinstance(value, ast.Name)):
                    continue
                if value.id in names and table is not None:
                    position = names.index(value.id)
                    kind = _classify_translation_call(call)
                    for row in table:
                        cell = row[position] if position < len(row) else None
                        if cell is not None:
                            found.append((kind, cell, where(module, loop)))
    return found


def _indirect_keys(index: PackageIndex) -> list[tuple[str, str, str]]:
    """Keys reaching `translation_key` through a helper's parameter or a loop over a table."""
    found = _loop_table_keys(index)
    helpers = _forwarding_functions(index)
    for module, call in index.calls():
        helper = helpers.get(call_name(call))
        if helper is None:
            continue
        position, param, kind = helper
        argument = keyword(call, param)
        if argument is None and 0 <= position < len(call.args):
            argument = call.args[position]
        if (key := index.string_value(argument)) is not None:
            found.append((kind, key, where(module, call)))
    return found


def collect_code_keys(index: PackageIndex) -> CodeKeys:
    """Walk the package and gather every key that needs strings or icons."""
    keys = CodeKeys()
    computed_issue_keys = False
    for module, call in index.calls():
        for service in _service_names(index, module, call):
            keys.services.setdefault(service, where(module, call))
        key = index.string_value(keyword(call, "translation_key"))
        if key is None:
            if call_name(call) in _ISSUE_CALLS and keyword(call, "translation_key") is not None:
                computed_issue_keys = True
            continue
        kind = _classify_translation_call(call)
        if kind == "issue":
            keys.issues.append(
                IssueKey(key, where(module, call), fixable=_is_true(keyword(call, "is_fixable")))
            )
        elif kind == "selector":
            keys.selectors[key] = index.resolve_strings(keyword(call, "options"), module)
        elif kind == "exception":
            keys.exceptions.setdefault(key, where(module, call))
        else:
            keys.entities.append(_entity_key_from_call(index, module, call, key))
    for kind, key, location in _indirect_keys(index):
        if kind == "exception":
            keys.exceptions.setdefault(key, location)
        elif kind == "issue" and key not in {issue.key for issue in keys.issues}:
            keys.issues.append(IssueKey(key, location))
    if computed_issue_keys:
        # Issues raised through a helper (`translation_key=key`): by convention the keys are the
        # package's `ISSUE_*` constants.
        known = {issue.key for issue in keys.issues}
        for module in index.modules.values():
            for _, value, stmt in module_string_constants(module, "ISSUE_"):
                if value not in known:
                    known.add(value)
                    keys.issues.append(IssueKey(value, where(module, stmt)))
    keys.entities.extend(_entity_keys_from_classes(index))
    keys.entities.extend(_entity_keys_from_rule_tables(index))
    flow_modules: dict[str, str] = {}
    for cls in index.classes.values():
        section = flow_section(index, cls)
        if section is not None:
            collect_flow(index, cls, keys.flows[section])
            flow_modules.setdefault(cls.module.name, section)
    for name, module in index.modules.items():
        if module.stem == "validation" and name.rsplit(".", 1)[0] + ".config_flow" in flow_modules:
            flow_modules.setdefault(name, "config")
    for module_name, section in flow_modules.items():
        collect_module_level_errors(index, index.modules[module_name], keys.flows[section])
    return keys
