"""Collect what the config and options flows need in strings.json.

Steps, menu options, form fields (from the voluptuous schemas), errors and abort reasons, found
with `ast` in every flow class and in the validation helpers of the flow modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .source_index import (
    ClassInfo,
    ModuleInfo,
    PackageIndex,
    call_name,
    keyword,
    module_string_constants,
    where,
)

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
class FlowStrings:
    """What one flow section (`config` or `options`) needs in strings.json."""

    steps: dict[str, str] = field(default_factory=dict)  # step id -> where
    menu_options: dict[str, set[str]] = field(default_factory=dict)
    fields: dict[str, set[str]] = field(default_factory=dict)  # step id -> form field names
    errors: dict[str, str] = field(default_factory=dict)
    aborts: dict[str, str] = field(default_factory=dict)


def flow_section(index: PackageIndex, cls: ClassInfo) -> str | None:
    _, external = index.ancestry(cls)
    # Compatibility aliases (`OptionsFlowBase = OptionsFlowWithReload or OptionsFlow`) count too.
    if any("OptionsFlow" in name for name in external):
        return "options"
    if external & _FLOW_BASES or any("ConfigFlow" in name for name in external):
        return "config"
    return None


def _dict_schema_keys(index: PackageIndex, node: ast.expr) -> set[str]:
    """Keys of `vol.Schema({vol.Required(KEY): ..., key_marker(KEY): ...})`."""
    if not isinstance(node, ast.Dict):
        return set()
    keys: set[str] = set()
    for key in node.keys:
        if isinstance(key, ast.Call) and key.args:
            key = key.args[0]
        if key is not None and (name := index.string_value(key)) is not None:
            keys.add(name)
    return keys


def _schema_fields(
    index: PackageIndex, module: ModuleInfo, node: ast.expr | None, scope: ast.AST | None = None
) -> set[str]:
    """Field names of a voluptuous schema expression, following names and helper functions.

    Names are looked up in `scope` (the step method) first, then at module level.
    """
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
    local = list(ast.walk(scope)) if scope is not None else []
    for stmt in [*module.tree.body, *local]:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    definitions[target.id] = stmt
    while pending:
        current = pending.pop()
        for sub in ast.walk(current):
            if isinstance(sub, ast.Call) and call_name(sub) == "Schema" and sub.args:
                fields.update(_dict_schema_keys(index, sub.args[0]))
            if (
                isinstance(sub, ast.Call)
                and call_name(sub) in {"Required", "Optional"}
                and sub.args
                and (marker := index.string_value(sub.args[0])) is not None
            ):
                fields.add(marker)
            name = None
            if isinstance(sub, ast.Name):
                name = sub.id
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                name = sub.func.id
            if name is not None and name in definitions and name not in visited:
                visited.add(name)
                pending.append(definitions[name])
    return fields


def collect_flow(index: PackageIndex, cls: ClassInfo, flow: FlowStrings) -> None:
    module = cls.module
    for method in cls.node.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(method):
            if isinstance(node, ast.Call):
                _collect_flow_call(index, module, method, node, flow)
            elif isinstance(node, ast.Assign):
                _collect_error_assign(index, module, node, flow)


def _collect_flow_call(
    index: PackageIndex,
    module: ModuleInfo,
    scope: ast.FunctionDef | ast.AsyncFunctionDef,
    call: ast.Call,
    flow: FlowStrings,
) -> None:
    name = call_name(call)
    method = scope.name
    location = where(module, call)
    # Helpers forwarding an abort reason (`_async_update_entry(..., reason="reauth_successful")`).
    forwarded = index.string_value(keyword(call, "reason"))
    if forwarded is not None:
        flow.aborts.setdefault(forwarded, location)
    if name == "async_step_pick_implementation":
        # The OAuth2 base flow aborts when no application credential exists, and asks which
        # one to use when there are several.
        flow.aborts.setdefault("missing_credentials", location)
        flow.steps.setdefault("pick_implementation", location)
    if name in _STEP_CALLS:
        step = index.string_value(keyword(call, "step_id"))
        if step is not None:
            flow.steps.setdefault(step, location)
            options = index.resolve_strings(keyword(call, "menu_options"), module)
            if options is not None:
                flow.menu_options.setdefault(step, set()).update(options)
            fields = _schema_fields(index, module, keyword(call, "data_schema"), scope)
            if fields:
                flow.fields.setdefault(step, set()).update(fields)
        errors = keyword(call, "errors")
        if isinstance(errors, ast.Dict):
            for value in errors.values:
                if (error := index.string_value(value)) is not None:
                    flow.errors.setdefault(error, location)
    elif name == "async_abort":
        reason = index.string_value(keyword(call, "reason"))
        if reason is not None:
            flow.aborts.setdefault(reason, location)
    elif name in {"_abort_if_unique_id_configured", "_async_abort_entries_match"}:
        flow.aborts.setdefault("already_configured", location)
    elif name == "_abort_if_unique_id_mismatch":
        reason = index.string_value(keyword(call, "reason")) or "unique_id_mismatch"
        flow.aborts.setdefault(reason, location)
    elif name == "async_update_reload_and_abort":
        reason = index.string_value(keyword(call, "reason"))
        if reason is None and "reauth" in method:
            reason = "reauth_successful"
        elif reason is None and "reconfigure" in method:
            reason = "reconfigure_successful"
        if reason is not None:
            flow.aborts.setdefault(reason, location)


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
            flow.errors.setdefault(error, where(module, node))
        if (
            isinstance(target, ast.Name)
            and target.id == "errors"
            and isinstance(node.value, ast.Dict)
        ):
            for value in node.value.values:
                if (error := index.string_value(value)) is not None:
                    flow.errors.setdefault(error, where(module, node))


def collect_module_level_errors(index: PackageIndex, module: ModuleInfo, flow: FlowStrings) -> None:
    """`{"base": "invalid_auth"}` and `ERROR_* = "..."` constants of flow/validation modules."""
    for _, error_key, stmt in module_string_constants(module, "ERROR_"):
        flow.errors.setdefault(error_key, where(module, stmt))
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    key is not None
                    and index.string_value(key) == "base"
                    and (error := index.string_value(value)) is not None
                ):
                    flow.errors.setdefault(error, where(module, node))
