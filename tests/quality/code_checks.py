"""Mechanical checks of the integration's Python code, one function per quality rule.

Each check takes a `PackageIndex` (the Home Assistant side, `clients/` excluded, or the clients
alone) and returns human-readable violations; an empty list means the rule holds.
"""

from __future__ import annotations

import ast
import re
import sys

from .source_index import PLATFORMS, ClassInfo, ModuleInfo, PackageIndex, call_name, keyword

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
CLIENT_THIRD_PARTY_ALLOWED = {"aiohttp"}
BLOCKING_MODULES = {"requests", "urllib.request", "http.client", "urllib3", "httpx"}
LISTENER_CALLS = re.compile(
    r"^(async_dispatcher_connect|async_track_\w+|async_listen(_once)?|async_add_listener|"
    r"async_call_later|async_subscribe)$"
)
SETUP_FAILURES = {"ConfigEntryNotReady", "ConfigEntryAuthFailed", "ConfigEntryError"}


def _where(module: ModuleInfo, node: ast.AST) -> str:
    return f"{module.name or '__init__'}:{getattr(node, 'lineno', 0)}"


def _top_level_names(module: ModuleInfo) -> set[str]:
    names: set[str] = set()
    for stmt in module.tree.body:
        if isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(stmt.name)
    return names


def _called(index: PackageIndex, modules: list[ModuleInfo], names: set[str]) -> bool:
    return any(call_name(call) in names for module in modules for _, call in index.calls(module))


def _vendor_packages(index: PackageIndex) -> dict[str, list[ModuleInfo]]:
    """First-level sub-packages (`milesight`, `ttlock`) and their modules."""
    vendors: dict[str, list[ModuleInfo]] = {}
    for name, module in index.modules.items():
        if "." in name:
            vendors.setdefault(name.split(".", 1)[0], [])
        elif module.is_package and name:
            vendors.setdefault(name, [])
    for name, module in index.modules.items():
        head = name.split(".", 1)[0]
        if head in vendors:
            vendors[head].append(module)
    return vendors


# --- parallel-updates, has-entity-name, entity-unique-id, devices, icon-translations ---------


def check_parallel_updates(index: PackageIndex) -> list[str]:
    """Every platform module at the package top sets PARALLEL_UPDATES."""
    return [
        f"{name}.py: no module-level PARALLEL_UPDATES"
        for name, module in sorted(index.modules.items())
        if name in PLATFORMS and "PARALLEL_UPDATES" not in _top_level_names(module)
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
        f"{_where(module, call)}: {call_name(call)}(icon=...)"
        for module, call in index.calls()
        if keyword(call, "icon") is not None
    ]
    return problems


# --- runtime-data ----------------------------------------------------------------------------


def _typed_entry_aliases(index: PackageIndex) -> dict[str, str]:
    """`type XConfigEntry = ConfigEntry[XData]` aliases: name -> where."""
    aliases: dict[str, str] = {}
    for module in index.modules.values():
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.TypeAlias) and isinstance(node.value, ast.Subscript)):
                continue
            generic = node.value.value
            name = generic.attr if isinstance(generic, ast.Attribute) else None
            if isinstance(generic, ast.Name):
                name = generic.id
            if name == "ConfigEntry":
                aliases[node.name.id] = _where(module, node)
    return aliases


def _annotation_names(index: PackageIndex) -> set[str]:
    names: set[str] = set()
    for module in index.modules.values():
        for node in ast.walk(module.tree):
            annotations: list[ast.expr | None] = []
            if isinstance(node, ast.arg | ast.AnnAssign):
                annotations.append(node.annotation)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                annotations.append(node.returns)
            for annotation in annotations:
                if annotation is None:
                    continue
                for sub in ast.walk(annotation):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
                    elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        names.update(re.findall(r"\w+", sub.value))
    return names


def check_runtime_data(index: PackageIndex) -> list[str]:
    """Runtime objects live in a typed `entry.runtime_data` (`type X = ConfigEntry[...]`)."""
    problems: list[str] = []
    aliases = _typed_entry_aliases(index)
    stores = [
        _where(module, node)
        for module in index.modules.values()
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Attribute) and t.attr == "runtime_data" for t in node.targets)
    ]
    if not stores:
        problems.append("nothing is stored in entry.runtime_data")
    if not aliases:
        problems.append("no typed alias `type XConfigEntry = ConfigEntry[XData]`")
    used = _annotation_names(index)
    problems += [
        f"{where}: alias {name} is never used in an annotation"
        for name, where in sorted(aliases.items())
        if name not in used
    ]
    problems += _untyped_runtime_data_reads(index)
    return problems


def _untyped_runtime_data_reads(index: PackageIndex) -> list[str]:
    """`entry.runtime_data` read through a parameter annotated with the plain `ConfigEntry`."""
    problems: list[str] = []
    for module in index.modules.values():
        for func in ast.walk(module.tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            plain = {
                arg.arg
                for arg in [*func.args.args, *func.args.kwonlyargs]
                if isinstance(arg.annotation, ast.Name) and arg.annotation.id == "ConfigEntry"
            }
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr == "runtime_data"
                    and isinstance(node.value, ast.Name)
                    and node.value.id in plain
                    and isinstance(node.ctx, ast.Load)
                ):
                    problems.append(
                        f"{_where(module, node)}: {node.value.id}.runtime_data read through an "
                        "untyped ConfigEntry"
                    )
    return problems


# --- entity-category, entity-disabled-by-default, entity-device-class -------------------------


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
            problems.append(f"{_where(module, call)}: '{key}' is not EntityCategory.DIAGNOSTIC")
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
        f"{_where(module, call)}: '{key}' is enabled by default"
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
                f"{_where(module, call)}: '{key}' has a {unit_name} unit but no device class"
            )
    return problems


# --- clients: no Home Assistant, async, injected session --------------------------------------


def _client_package_depth(module: ModuleInfo) -> int:
    return len(module.package_parts)


def check_clients_isolated(clients: PackageIndex) -> list[str]:
    """Client packages import only the standard library, aiohttp and their own modules."""
    problems: list[str] = []
    for module in clients.modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.ImportFrom):
                if node.level > _client_package_depth(module) or not module.package_parts:
                    problems.append(f"{_where(module, node)}: relative import leaves its package")
                continue
            else:
                continue
            for name in names:
                top = name.split(".", 1)[0]
                if top not in sys.stdlib_module_names and top not in CLIENT_THIRD_PARTY_ALLOWED:
                    problems.append(f"{_where(module, node)}: imports {name}")
    return problems


def check_clients_async(clients: PackageIndex) -> list[str]:
    """Client I/O is asyncio: no blocking HTTP library, no time.sleep."""
    problems: list[str] = []
    for module in clients.modules.values():
        for node in ast.walk(module.tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            problems += [
                f"{_where(module, node)}: imports blocking {name}"
                for name in names
                if name in BLOCKING_MODULES
            ]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "sleep"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "time"
            ):
                problems.append(f"{_where(module, node)}: time.sleep blocks the event loop")
    return problems


def check_session_injected(index: PackageIndex, clients: PackageIndex) -> list[str]:
    """Clients take the caller's aiohttp session and never open their own."""
    problems = [
        f"clients/{_where(module, call)}: creates its own ClientSession"
        for module, call in clients.calls()
        if call_name(call) == "ClientSession"
    ]
    problems += [
        f"{_where(module, call)}: creates a ClientSession instead of async_get_clientsession"
        for module, call in index.calls()
        if call_name(call) == "ClientSession"
    ]
    for vendor, modules in sorted(_vendor_packages(clients).items()):
        takes_session = any(
            arg.arg in {"session", "websession"}
            for module in modules
            for node in ast.walk(module.tree)
            if isinstance(node, ast.FunctionDef) and node.name == "__init__"
            for arg in [*node.args.args, *node.args.kwonlyargs]
        )
        if not takes_session:
            problems.append(f"clients/{vendor}: no class accepts an injected `session`")
    return problems


# --- common-modules, setup, unloading, flows, actions, diagnostics ----------------------------


def check_common_modules(index: PackageIndex) -> list[str]:
    """Coordinators live in coordinator.py, shared entity bases in entity.py."""
    problems: list[str] = []
    for cls in index.classes.values():
        _, external = index.ancestry(cls)
        if "DataUpdateCoordinator" in external and not cls.module.stem.startswith("coordinator"):
            problems.append(f"{cls.qualname}: coordinator outside coordinator.py")
    for child in index.classes.values():
        for parent in index.bases(child)[0]:
            if (
                index.is_entity_class(parent)
                and parent.module is not child.module
                and parent.module.stem != "entity"
            ):
                problems.append(
                    f"{parent.qualname}: shared entity base outside entity.py "
                    f"(used by {child.qualname})"
                )
    for vendor, modules in sorted(_vendor_packages(index).items()):
        has_entities = any(
            index.is_entity_class(cls) for cls in index.classes.values() if cls.module in modules
        )
        if has_entities and not any(module.stem == "entity" for module in modules):
            problems.append(f"{vendor}/: has entities but no entity.py")
    return list(dict.fromkeys(problems))


def check_test_before_setup(index: PackageIndex) -> list[str]:
    """Each vendor's set-up runs a first refresh or raises ConfigEntryNotReady/AuthFailed/Error."""
    problems: list[str] = []
    for vendor, modules in sorted(_vendor_packages(index).items()):
        if vendor == "clients":
            continue
        raises = any(
            isinstance(node, ast.Raise)
            and node.exc is not None
            and (
                call_name(node.exc)
                if isinstance(node.exc, ast.Call)
                else getattr(node.exc, "id", "")
            )
            in SETUP_FAILURES
            for module in modules
            for node in ast.walk(module.tree)
        )
        if not raises and not _called(index, modules, {"async_config_entry_first_refresh"}):
            problems.append(f"{vendor}/: set-up neither refreshes first nor raises ConfigEntry*")
    return problems


def check_unloading(index: PackageIndex) -> list[str]:
    """The integration unloads entries and each vendor unloads its platforms."""
    problems: list[str] = []
    root = index.modules.get("")
    if root is None or "async_unload_entry" not in _top_level_names(root):
        problems.append("__init__.py: no async_unload_entry")
    for vendor, modules in sorted(_vendor_packages(index).items()):
        if vendor != "clients" and not _called(index, modules, {"async_unload_platforms"}):
            problems.append(f"{vendor}/: never calls async_unload_platforms")
    return problems


def _flow_modules(index: PackageIndex) -> list[ModuleInfo]:
    return [m for m in index.modules.values() if m.stem == "config_flow" or "flow" in m.stem]


def _method_names(module: ModuleInfo) -> set[str]:
    return {
        node.name
        for node in ast.walk(module.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def check_unique_config_entry(index: PackageIndex) -> list[str]:
    """Flows that create entries set a unique id and abort on duplicates."""
    problems: list[str] = []
    for module in _flow_modules(index):
        creates = _called(index, [module], {"async_create_entry"}) or (
            "async_oauth_create_entry" in _method_names(module)
        )
        options_only = all(
            "Options" in cls.name for cls in index.classes.values() if cls.module is module
        )
        if not creates or options_only:
            continue
        if not _called(index, [module], {"async_set_unique_id"}):
            problems.append(f"{module.name}: creates entries without async_set_unique_id")
        if not _called(
            index, [module], {"_abort_if_unique_id_configured", "_async_abort_entries_match"}
        ):
            problems.append(f"{module.name}: never aborts on an already configured entry")
    return problems


def _check_entry_update_flow(index: PackageIndex, word: str, getter: str) -> list[str]:
    problems: list[str] = []
    root_flow = index.modules.get("config_flow")
    if root_flow is None or f"async_step_{word}" not in _method_names(root_flow):
        problems.append(f"config_flow.py: no async_step_{word}")
    for module in _flow_modules(index):
        if not any(word in name for name in _method_names(module)) or module is root_flow:
            continue
        for needed in (getter, "async_update_reload_and_abort"):
            if not _called(index, [module], {needed}):
                problems.append(f"{module.name}: {word} never calls {needed}")
        same_account = _called(index, [module], {"_abort_if_unique_id_mismatch"}) or (
            "wrong_account" in module.source
        )
        if not same_account:
            problems.append(f"{module.name}: {word} does not check it is the same account")
    return problems


def check_reauthentication(index: PackageIndex) -> list[str]:
    """Reauth flows reach the entry, check the account and update-reload-abort."""
    return _check_entry_update_flow(index, "reauth", "_get_reauth_entry")


def check_reconfiguration(index: PackageIndex) -> list[str]:
    """Reconfigure flows reach the entry, check the account and update-reload-abort."""
    return _check_entry_update_flow(index, "reconfigure", "_get_reconfigure_entry")


def check_action_setup(index: PackageIndex) -> list[str]:
    """Actions are registered from async_setup, never per config entry."""
    problems: list[str] = []
    for module in index.modules.values():
        for func in ast.walk(module.tree):
            if isinstance(func, ast.AsyncFunctionDef) and func.name == "async_setup_entry":
                for node in ast.walk(func):
                    if (
                        isinstance(node, ast.Call)
                        and call_name(node) == "async_register"
                        and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Attribute)
                        and node.func.value.attr == "services"
                    ):
                        problems.append(f"{_where(module, node)}: action registered per entry")
    root = index.modules.get("")
    if root is None or "async_setup" not in _top_level_names(root):
        problems.append("__init__.py: no async_setup to register actions in")
    return problems


def check_diagnostics(index: PackageIndex) -> list[str]:
    """diagnostics.py exists and every vendor's diagnostics redact."""
    problems: list[str] = []
    root = index.modules.get("diagnostics")
    if root is None or "async_get_config_entry_diagnostics" not in _top_level_names(root):
        problems.append("diagnostics.py: no async_get_config_entry_diagnostics")
    for name, module in sorted(index.modules.items()):
        if name.endswith(".diagnostics") and not _called(index, [module], {"async_redact_data"}):
            problems.append(f"{name}: does not call async_redact_data")
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
                    problems.append(f"{_where(cls.module, node)}: subscribes in __init__")
                    continue
                parent = parents.get(node)
                kept = isinstance(parent, ast.Assign | ast.AnnAssign | ast.Return) or (
                    isinstance(parent, ast.Call)
                    and call_name(parent) in {"async_on_remove", "async_on_unload"}
                )
                if not kept:
                    problems.append(
                        f"{_where(cls.module, node)}: {call_name(node)} result is dropped "
                        "(wrap it in self.async_on_remove)"
                    )
    return problems


def check_stale_devices(index: PackageIndex) -> list[str]:
    """Users can remove devices the cloud no longer reports."""
    root = index.modules.get("")
    if root is None or "async_remove_config_entry_device" not in _top_level_names(root):
        return ["__init__.py: no async_remove_config_entry_device"]
    return []
