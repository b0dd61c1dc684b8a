"""Mechanical checks of the entities: naming, ids, devices, icons, categories, subscriptions.

Each check takes a `PackageIndex` of the Home Assistant side and returns human-readable
violations; an empty list means the rule holds.
"""

from __future__ import annotations

import ast
import re

from .source_index import (
    PLATFORMS,
    ClassInfo,
    ModuleInfo,
    PackageIndex,
    call_name,
    keyword,
    top_level_names,
    where,
)

# Keys of entities that are diagnostic by nature, and of those too noisy to enable by default.
DIAGNOSTIC_KEY = re.compile(
    r"battery|rssi|snr|signal|firmware|hardware|version|api_call|call_count|last_push|"
    r"push_delay|webhook",
    re.IGNORECASE,
)


DISABLED_KEY = re.compile(
    r"rssi|snr|signal|firmware|hardware|version|api_call|call_count|push_delay", re.IGNORECASE
)


# Units that always come with a Home Assistant device class.
UNITS_NEEDING_DEVICE_CLASS = {
    "UnitOfTemperature",
    "UnitOfElectricPotential",
    "UnitOfElectricCurrent",
    "UnitOfPower",
    "UnitOfEnergy",
    "UnitOfPressure",
    "LIGHT_LUX",
    "SIGNAL_STRENGTH_DECIBELS_MILLIWATT",
    "CONCENTRATION_PARTS_PER_MILLION",
}


LISTENER_CALLS = re.compile(
    r"^(async_dispatcher_connect|async_track_\w+|async_listen(_once)?|async_add_listener|"
    r"async_call_later|async_subscribe)$"
)


def check_parallel_updates(index: PackageIndex) -> list[str]:
    """Every platform module at the package top sets PARALLEL_UPDATES."""
    return [
        f"{name}.py: no module-level PARALLEL_UPDATES"
        for name, module in sorted(index.modules.items())
        if name in PLATFORMS and "PARALLEL_UPDATES" not in top_level_names(module)
    ]


def _sets_true(index: PackageIndex, cls: ClassInfo, attribute: str) -> bool:
    return any(
        isinstance(v, ast.Constant) and v.value is True
        for v in index.ancestors_assign(cls, attribute)
    )


def check_has_entity_name(index: PackageIndex) -> list[str]:
    """Every instantiated entity class has `_attr_has_entity_name = True` (itself or inherited)."""
    problems: list[str] = []
    for cls in index.leaf_entity_classes():
        if _sets_true(index, cls, "_attr_has_entity_name"):
            continue
        if index.ancestors_define(cls, "has_entity_name"):
            continue
        problems.append(f"{cls.qualname}: no _attr_has_entity_name = True")
    return problems


def check_unique_ids(index: PackageIndex) -> list[str]:
    """Every instantiated entity class sets `_attr_unique_id` or defines `unique_id`."""
    return [
        f"{cls.qualname}: no _attr_unique_id and no unique_id property"
        for cls in index.leaf_entity_classes()
        if not index.ancestors_assign(cls, "_attr_unique_id")
        and not index.ancestors_define(cls, "unique_id")
    ]


def check_device_info(index: PackageIndex) -> list[str]:
    """Every instantiated entity class belongs to a device."""
    return [
        f"{cls.qualname}: no _attr_device_info and no device_info property"
        for cls in index.leaf_entity_classes()
        if not index.ancestors_assign(cls, "_attr_device_info")
        and not index.ancestors_define(cls, "device_info")
    ]


def check_no_hardcoded_icons(index: PackageIndex) -> list[str]:
    """Icons come from icons.json: no `_attr_icon`, no `icon` property, no `icon=` argument."""
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
    return [
        f"{where(module, call)}: '{key}' is enabled by default"
        for module, call, key in _description_calls(index)
        if DISABLED_KEY.search(key)
        and not (
            isinstance(v := keyword(call, "entity_registry_enabled_default"), ast.Constant)
            and v.value is False
        )
    ]


def check_device_classes(index: PackageIndex) -> list[str]:
    """Descriptions whose unit implies a device class declare one."""
    problems: list[str] = []
    for module, call, key in _description_calls(index):
        unit = keyword(call, "native_unit_of_measurement") or keyword(call, "unit_of_measurement")
        unit_name = ""
        if isinstance(unit, ast.Attribute) and isinstance(unit.value, ast.Name):
            unit_name = unit.value.id
        elif isinstance(unit, ast.Name):
            unit_name = unit.id
        if unit_name in UNITS_NEEDING_DEVICE_CLASS and keyword(call, "device_class") is None:
            problems.append(
                f"{where(module, call)}: '{key}' has a {unit_name} unit but no device class"
            )
    return problems


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}


def check_entity_event_setup(index: PackageIndex) -> list[str]:
    """Entities subscribe in async_added_to_hass and hand the unsubscribe to async_on_remove."""
    problems: list[str] = []
    for cls in index.entity_classes():
        for method in cls.node.body:
            if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            parents = _parents(method)
            for node in ast.walk(method):
                if not (isinstance(node, ast.Call) and LISTENER_CALLS.match(call_name(node))):
                    continue
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
    return problems
