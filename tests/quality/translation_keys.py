"""Collect, from the code, every key that needs English text in strings.json or an icon.

Only literal strings (and module-level string constants) are collected: a key computed at run
time cannot be checked statically, and the runtime tests of each vendor cover those.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .source_index import PLATFORMS, ClassInfo, ModuleInfo, PackageIndex, call_name, keyword

_ISSUE_CALLS = {"async_create_issue", "create_issue"}
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Failed", "NotReady", "Invalid")
_FLOW_BASES = {
    "ConfigFlow",
    "AbstractOAuth2FlowHandler",
    "OptionsFlow",
    "OptionsFlowWithReload",
    "OptionsFlowWithConfigEntry",
    "FlowHandler",
}
_STEP_CALLS = {"async_show_form", "async_show_menu", "async_external_step", "async_show_progress"}


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
class FlowStrings:
    """What one flow section (`config` or `options`) needs in strings.json."""

    steps: dict[str, str] = field(default_factory=dict)  # step id -> where
    menu_options: dict[str, set[str]] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)  # step id -> form field names
    errors: dict[str, str] = field(default_factory=dict)
    aborts: dict[str, str] = field(default_factory=dict)


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


def _where(module: ModuleInfo, node: ast.AST) -> str:
    return f"{module.name or '__init__'}:{getattr(node, 'lineno', 0)}"


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
        where=_where(module, call),
        has_device_class=device_class is not None
        and not (isinstance(device_class, ast.Constant) and device_class.value is None),
        name_is_none=isinstance(name, ast.Constant) and name.value is None,
        event_types=index.string_list(keyword(call, "event_types")),
        options=index.string_list(keyword(call, "options")),
    )


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
                if (found := index.string_list(node)) is not None
            ]
            keys.append(
                EntityKey(
                    platform=next(iter(platforms)) if len(platforms) == 1 else None,
                    key=key,
                    where=_where(cls.module, value),
                    has_device_class=any(
                        not (isinstance(v, ast.Constant) and v.value is None)
                        for v in device_classes
                    ),
                    event_types=event_types[0] if event_types else None,
                )
            )
    return keys


def _flow_section(index: PackageIndex, cls: ClassInfo) -> str | None:
    _, external = index.ancestry(cls)
    if not external & _FLOW_BASES:
        return None
    return "options" if any(name.startswith("OptionsFlow") for name in external) else "config"


def _schema_fields(index: PackageIndex, module: ModuleInfo, node: ast.expr | None) -> set[str]:
    """Field names of a voluptuous schema expression, following module-level names/functions."""
    if node is None:
        return set()
    fields: set[str] = set()
    pending: list[ast.AST] = [node]
    visited: set[str] = set()
    definitions: dict[str, ast.AST] = {
        stmt.name: stmt
        for stmt in module.tree.body
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    definitions[target.id] = stmt
    while pending:
        current = pending.pop()
        for sub in ast.walk(current):
            if isinstance(sub, ast.Call) and call_name(sub) in {"Required", "Optional"}:
                field_name = index.string_value(sub.args[0]) if sub.args else None
                if field_name is not None:
                    fields.add(field_name)
            name = None
            if isinstance(sub, ast.Name):
                name = sub.id
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                name = sub.func.id
            if name is not None and name in definitions and name not in visited:
                visited.add(name)
                pending.append(definitions[name])
    return fields


def _collect_flow(index: PackageIndex, cls: ClassInfo, flow: FlowStrings) -> None:
    module = cls.module
    for method in cls.node.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(method):
            if isinstance(node, ast.Call):
                _collect_flow_call(index, module, method.name, node, flow)
            elif isinstance(node, ast.Assign):
                _collect_error_assign(index, module, node, flow)


def _collect_flow_call(
    index: PackageIndex, module: ModuleInfo, method: str, call: ast.Call, flow: FlowStrings
) -> None:
    name = call_name(call)
    where = _where(module, call)
    if name in _STEP_CALLS:
        step = index.string_value(keyword(call, "step_id"))
        if step is not None:
            flow.steps.setdefault(step, where)
            options = index.string_list(keyword(call, "menu_options"))
            if options is not None:
                flow.menu_options.setdefault(step, set()).update(options)
            fields = _schema_fields(index, module, keyword(call, "data_schema"))
            if fields:
                flow.fields.setdefault(step, set()).update(fields)
        errors = keyword(call, "errors")
        if isinstance(errors, ast.Dict):
            for value in errors.values:
                if (error := index.string_value(value)) is not None:
                    flow.errors.setdefault(error, where)
    elif name == "async_abort":
        reason = index.string_value(keyword(call, "reason"))
        if reason is not None:
            flow.aborts.setdefault(reason, where)
    elif name in {"_abort_if_unique_id_configured", "_async_abort_entries_match"}:
        flow.aborts.setdefault("already_configured", where)
    elif name == "_abort_if_unique_id_mismatch":
        reason = index.string_value(keyword(call, "reason")) or "unique_id_mismatch"
        flow.aborts.setdefault(reason, where)
    elif name == "async_update_reload_and_abort":
        reason = index.string_value(keyword(call, "reason"))
        if reason is None and "reauth" in method:
            reason = "reauth_successful"
        elif reason is None and "reconfigure" in method:
            reason = "reconfigure_successful"
        if reason is not None:
            flow.aborts.setdefault(reason, where)


def _collect_error_assign(
    index: PackageIndex, module: ModuleInfo, node: ast.Assign, flow: FlowStrings
) -> None:
    for target in node.targets:
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "errors"
            and (error := index.string_value(node.value)) is not None
        ):
            flow.errors.setdefault(error, _where(module, node))
        if (
            isinstance(target, ast.Name)
            and target.id == "errors"
            and isinstance(node.value, ast.Dict)
        ):
            for value in node.value.values:
                if (error := index.string_value(value)) is not None:
                    flow.errors.setdefault(error, _where(module, node))


def _collect_module_level_errors(index: PackageIndex, module: ModuleInfo, flow: FlowStrings) -> None:
    """`{"base": "invalid_auth"}` built by helper functions of a flow module."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and index.string_value(key) == "base":
                    if (error := index.string_value(value)) is not None:
                        flow.errors.setdefault(error, _where(module, node))


def _service_name(index: PackageIndex, call: ast.Call) -> str | None:
    name = call_name(call)
    func = call.func
    if (
        name == "async_register"
        and isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "services"
        and len(call.args) >= 2
    ):
        return index.string_value(call.args[1])
    if name == "async_register_entity_service" and call.args:
        return index.string_value(call.args[0])
    if name in {"async_register_platform_entity_service", "async_register_admin_service"}:
        return index.string_value(call.args[2]) if len(call.args) >= 3 else None
    return None


def collect_code_keys(index: PackageIndex) -> CodeKeys:
    """Walk the package and gather every key that needs strings or icons."""
    keys = CodeKeys()
    for module, call in index.calls():
        service = _service_name(index, call)
        if service is not None:
            keys.services.setdefault(service, _where(module, call))
        key = index.string_value(keyword(call, "translation_key"))
        if key is None:
            continue
        kind = _classify_translation_call(call)
        if kind == "issue":
            keys.issues.append(
                IssueKey(key, _where(module, call), fixable=_is_true(keyword(call, "is_fixable")))
            )
        elif kind == "selector":
            keys.selectors[key] = index.string_list(keyword(call, "options"))
        elif kind == "exception":
            keys.exceptions.setdefault(key, _where(module, call))
        else:
            keys.entities.append(_entity_key_from_call(index, module, call, key))
    keys.entities.extend(_entity_keys_from_classes(index))
    flow_modules: dict[str, str] = {}
    for cls in index.classes.values():
        section = _flow_section(index, cls)
        if section is not None:
            _collect_flow(index, cls, keys.flows[section])
            flow_modules.setdefault(cls.module.name, section)
    for module_name, section in flow_modules.items():
        _collect_module_level_errors(index, index.modules[module_name], keys.flows[section])
    return keys
