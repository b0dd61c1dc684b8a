"""Mechanical checks of the entities: icons, categories, defaults, subscriptions.

Each check takes a `PackageIndex` of the Home Assistant side and returns human-readable
violations; an empty list means the rule holds, and a check that finds nothing to look at
reports it. What every entity looks like once set up (entity name, unique id, device, device
class, no own icon) is checked at run time on the snapshots of both vendors' entities
(tests/plugins/snapshots.py); what runs before an entity exists is read here.
"""

from __future__ import annotations

import ast
import re

from .source_index import ModuleInfo, PackageIndex, call_name, keyword, nothing_found, where

# Keys of entities that are diagnostic by nature, and of those too noisy to enable by default.
DIAGNOSTIC_KEY = re.compile(
    r"battery|rssi|snr|signal|firmware|hardware|version|api_call|call_count|last_push|"
    r"push_delay|webhook",
    re.IGNORECASE,
)


DISABLED_KEY = re.compile(
    r"rssi|snr|signal|firmware|hardware|version|api_call|call_count|push_delay", re.IGNORECASE
)


# Calls that subscribe and return the unsubscribe; `listen` / `listen_new` are the shared
# per-device dispatcher's (device_updates.DeviceUpdates).
LISTENER_CALLS = re.compile(
    r"^(async_dispatcher_connect|async_track_\w+|async_listen(_once)?|async_add_listener|"
    r"async_call_later|async_subscribe|listen(_new)?)$"
)


def check_no_hardcoded_icons(index: PackageIndex) -> list[str]:
    """Icons come from icons.json: no `_attr_icon`, no `icon` property, no `icon=` argument."""
    if not index.entity_classes():
        return nothing_found("entity class")
    problems = [
        f"{cls.qualname}: sets _attr_icon"
        for cls in index.classes.values()
        if "_attr_icon" in cls.assigned
    ]
    problems += [
        f"{cls.qualname}: defines an icon property"
        for cls in index.entity_classes()
        if "icon" in cls.methods
    ]
    problems += [
        f"{where(module, call)}: {call_name(call)}(icon=...)"
        for module, call in index.calls()
        if keyword(call, "icon") is not None
    ]
    return problems


def _description_calls(index: PackageIndex) -> list[tuple[ModuleInfo, ast.Call, str]]:
    """Entity description constructor calls with their literal key (or translation key)."""
    found: list[tuple[ModuleInfo, ast.Call, str]] = []
    for module, call in index.calls():
        name = call_name(call)
        is_description = name.endswith("EntityDescription") or (
            index.resolve_class(name, module) is not None
            and index.description_platform(call, module) is not None
        )
        if not is_description:
            continue
        key = index.string_value(keyword(call, "key")) or index.string_value(
            keyword(call, "translation_key")
        )
        if key is not None:
            found.append((module, call, key))
    return found


def _is_attr(node: ast.expr | None, attr: str) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == attr


def check_entity_category(index: PackageIndex) -> list[str]:
    """Battery, signal, version and bookkeeping entities are EntityCategory.DIAGNOSTIC."""
    problems: list[str] = []
    descriptions = _description_calls(index)
    if not descriptions:
        problems += nothing_found("entity description")
    for module, call, key in descriptions:
        if DIAGNOSTIC_KEY.search(key) and not _is_attr(
            keyword(call, "entity_category"), "DIAGNOSTIC"
        ):
            problems.append(f"{where(module, call)}: '{key}' is not EntityCategory.DIAGNOSTIC")
    has_diagnostic = any(
        _is_attr(keyword(call, "entity_category"), "DIAGNOSTIC") for _, call, _ in descriptions
    ) or any(
        _is_attr(value, "DIAGNOSTIC")
        for cls in index.entity_classes()
        for value in cls.assigned.get("_attr_entity_category", [])
    )
    if index.entity_classes() and not has_diagnostic:
        problems.append("no entity is EntityCategory.DIAGNOSTIC")
    return problems


def check_disabled_by_default(index: PackageIndex) -> list[str]:
    """Noisy entities (signal, versions, call counters) are disabled by default."""
    noisy = [found for found in _description_calls(index) if DISABLED_KEY.search(found[2])]
    if not noisy:
        return nothing_found("description of a noisy key")
    return [
        f"{where(module, call)}: '{key}' is enabled by default"
        for module, call, key in noisy
        if not (
            isinstance(v := keyword(call, "entity_registry_enabled_default"), ast.Constant)
            and v.value is False
        )
    ]


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def check_entity_event_setup(index: PackageIndex) -> list[str]:
    """Entities subscribe in async_added_to_hass and hand the unsubscribe to async_on_remove."""
    problems: list[str] = []
    found = 0
    for cls in index.entity_classes():
        for method in cls.node.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            parents = _parents(method)
            for node in ast.walk(method):
                if not (isinstance(node, ast.Call) and LISTENER_CALLS.match(call_name(node))):
                    continue
                found += 1
                if method.name == "__init__":
                    problems.append(f"{where(cls.module, node)}: subscribes in __init__")
                    continue
                parent = parents.get(node)
                kept = isinstance(parent, ast.Assign | ast.AnnAssign | ast.Return) or (
                    isinstance(parent, ast.Call)
                    and call_name(parent) in {"async_on_remove", "async_on_unload"}
                )
                if not kept:
                    problems.append(
                        f"{where(cls.module, node)}: {call_name(node)} result is dropped "
                        "(wrap it in self.async_on_remove)"
                    )
    return problems if found else nothing_found("subscription made by an entity")
