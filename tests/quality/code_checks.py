"""Mechanical checks of the integration's Python code, one function per quality rule.

Each check takes a `PackageIndex` (the Home Assistant side, `clients/` excluded, or the clients
alone) and returns human-readable violations; an empty list means the rule holds, and a check
that finds nothing to look at reports it (`nothing_found`). What ruff, mypy --strict or Home
Assistant already enforce is not checked here (see rule_checks.CHECKED_ELSEWHERE).
"""

from __future__ import annotations

import ast
import re
import sys

from .source_index import ModuleInfo, PackageIndex, call_name, keyword, nothing_found, where

CLIENT_THIRD_PARTY_ALLOWED = {"aiohttp"}
SETUP_FAILURES = {"ConfigEntryNotReady", "ConfigEntryAuthFailed", "ConfigEntryError"}


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
                aliases[node.name.id] = where(module, node)
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
        where(module, node)
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
                        f"{where(module, node)}: {node.value.id}.runtime_data read through an "
                        "untyped ConfigEntry"
                    )
    return problems


# --- clients: no Home Assistant, async, injected session --------------------------------------


def check_clients_isolated(clients: PackageIndex) -> list[str]:
    """Client packages import only the standard library and aiohttp (absolute imports).

    Relative imports cannot leave a package: ruff's TID252 rejects every `from ..` import. So
    the clients stay liftable as libraries, and their only I/O library is async (blocking calls
    in coroutines are ruff's ASYNC2xx rules, blocking calls in the event loop Home Assistant's
    own loop protection).
    """
    problems: list[str] = []
    imported: set[str] = set()
    for module in clients.modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".", 1)[0]
                imported.add(top)
                if top not in sys.stdlib_module_names and top not in CLIENT_THIRD_PARTY_ALLOWED:
                    problems.append(f"{where(module, node)}: imports {name}")
    if not CLIENT_THIRD_PARTY_ALLOWED & imported:
        problems += nothing_found("client import of aiohttp")
    return problems


def check_session_injected(index: PackageIndex, clients: PackageIndex) -> list[str]:
    """Clients take the caller's aiohttp session and never open their own."""
    problems = [
        f"clients/{where(module, call)}: creates its own ClientSession"
        for module, call in clients.calls()
        if call_name(call) == "ClientSession"
    ]
    problems += [
        f"{where(module, call)}: creates a ClientSession instead of async_get_clientsession"
        for module, call in index.calls()
        if call_name(call) == "ClientSession"
    ]
    vendors = _vendor_packages(clients)
    if not vendors:
        problems += nothing_found("client package")
    for vendor, modules in sorted(vendors.items()):
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
    coordinators = [
        cls for cls in index.classes.values() if "DataUpdateCoordinator" in index.ancestry(cls)[1]
    ]
    if not coordinators:
        problems += nothing_found("DataUpdateCoordinator subclass")
    for cls in coordinators:
        if not cls.module.stem.startswith("coordinator"):
            problems.append(f"{cls.qualname}: coordinator outside coordinator.py")
    shared_bases = [
        (parent, child)
        for child in index.classes.values()
        for parent in index.bases(child)[0]
        if index.is_entity_class(parent) and parent.module is not child.module
    ]
    if not shared_bases:
        problems += nothing_found("entity base shared across modules")
    for parent, child in shared_bases:
        if parent.module.stem != "entity":
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
    vendors = {name: mods for name, mods in _vendor_packages(index).items() if name != "clients"}
    if not vendors:
        problems += nothing_found("vendor package")
    for vendor, modules in sorted(vendors.items()):
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
    """Each vendor unloads its platforms, and whoever registers a webhook unregisters it."""
    problems: list[str] = []
    vendors = {name: mods for name, mods in _vendor_packages(index).items() if name != "clients"}
    if not vendors:
        problems += nothing_found("vendor package")
    for vendor, modules in sorted(vendors.items()):
        if not _called(index, modules, {"async_unload_platforms"}):
            problems.append(f"{vendor}/: never calls async_unload_platforms")
    registrations = [
        (module, call)
        for module, call in index.calls()
        if call_name(call) == "async_register"
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "webhook"
    ]
    if not registrations:
        problems += nothing_found("webhook.async_register call")
    for module, call in registrations:
        # A webhook id registered twice raises: whoever registers must also unregister.
        if not _called(index, [module], {"async_unregister"}):
            problems.append(f"{where(module, call)}: registers a webhook it never unregisters")
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
    creating = [
        module
        for module in _flow_modules(index)
        if (
            _called(index, [module], {"async_create_entry"})
            or "async_oauth_create_entry" in _method_names(module)
        )
        and not all("Options" in c.name for c in index.classes.values() if c.module is module)
    ]
    if not creating:
        problems += nothing_found("flow module creating entries")
    for module in creating:
        if not _called(index, [module], {"async_set_unique_id"}):
            problems.append(f"{module.name}: creates entries without async_set_unique_id")
        if not _called(
            index, [module], {"_abort_if_unique_id_configured", "_async_abort_entries_match"}
        ):
            problems.append(f"{module.name}: never aborts on an already configured entry")
    return problems


def _check_entry_update_flow(index: PackageIndex, word: str, getter: str) -> list[str]:
    """The vendor flow modules with `word` steps (the top-level step is checked at run time)."""
    problems: list[str] = []
    root_flow = index.modules.get("config_flow")
    modules = [
        module
        for module in _flow_modules(index)
        if module is not root_flow and any(word in name for name in _method_names(module))
    ]
    if not modules:
        problems += nothing_found(f"vendor {word} flow")
    for module in modules:
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


def _registers_action(node: ast.AST) -> bool:
    """`hass.services.async_register(...)`."""
    return (
        isinstance(node, ast.Call)
        and call_name(node) == "async_register"
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "services"
    )


def check_action_setup(index: PackageIndex) -> list[str]:
    """Actions are registered from async_setup, never per config entry."""
    problems: list[str] = []
    if not any(_registers_action(call) for _, call in index.calls()):
        problems += nothing_found("action registration")
    for module in index.modules.values():
        for func in ast.walk(module.tree):
            if isinstance(func, ast.AsyncFunctionDef) and func.name == "async_setup_entry":
                problems += [
                    f"{where(module, node)}: action registered per entry"
                    for node in ast.walk(func)
                    if _registers_action(node)
                ]
    return problems


def _seconds(node: ast.expr | None) -> float | None:
    """Seconds of a literal `timedelta(minutes=5)` / `timedelta(seconds=30)`, else None."""
    if not (isinstance(node, ast.Call) and call_name(node) == "timedelta"):
        return None
    factors = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
    total = 0.0
    for kw in node.keywords:
        if kw.arg not in factors or not isinstance(kw.value, ast.Constant):
            return None
        total += float(kw.value.value) * factors[kw.arg]
    return total


def check_polling(index: PackageIndex, minimum_s: float = 300) -> list[str]:
    """Cloud APIs with quotas: no poll faster than five minutes, defaults included."""
    problems: list[str] = []
    found = 0
    unit_seconds = {"SECONDS": 1, "MINUTES": 60, "HOURS": 3600}
    pattern = re.compile(
        r"^(DEFAULT|MIN)_\w*(POLL|REFRESH|SCAN|UPDATE)\w*_(SECONDS|MINUTES|HOURS)$"
    )
    for module in index.modules.values():
        for stmt in module.tree.body:
            target: ast.expr | None = stmt.target if isinstance(stmt, ast.AnnAssign) else None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
            value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
            if not isinstance(target, ast.Name):
                continue
            seconds = _seconds(value) if target.id == "SCAN_INTERVAL" else None
            if seconds is not None:
                found += 1
            if seconds is not None and seconds < minimum_s:
                problems.append(f"{where(module, stmt)}: SCAN_INTERVAL of {seconds:g} s")
            match = pattern.match(target.id)
            if match and isinstance(value, ast.Constant) and isinstance(value.value, int | float):
                found += 1
                seconds = float(value.value) * unit_seconds[match.group(3)]
                if 0 < seconds < minimum_s:  # 0 means "off"
                    problems.append(f"{where(module, stmt)}: {target.id} is {seconds:g} s")
    for module, call in index.calls():
        seconds = _seconds(keyword(call, "update_interval"))
        if seconds is not None:
            found += 1
        if seconds is not None and seconds < minimum_s:
            problems.append(f"{where(module, call)}: update_interval of {seconds:g} s")
    if not found:
        problems += nothing_found(
            "poll interval (SCAN_INTERVAL, DEFAULT_/MIN_ constant, literal update_interval)"
        )
    return problems
