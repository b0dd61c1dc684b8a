"""Which check backs which quality rule, and the context the checks read.

`RULE_CHECKS[rule]` lists the checks of this directory that must find nothing while
quality_scale.yaml says the rule is `done` (or `exempt`: then the checks verify the premise of the
exemption). `CHECKED_ELSEWHERE[rule]` names what else keeps a rule true: ruff, mypy --strict
(both run by scripts/test), Home Assistant itself, or a test module elsewhere (the translations,
the snapshots of both vendors' entities, the behaviour tests). Every rule has at least one of
the two, and each entry of `CHECKED_ELSEWHERE` names a file and a text it must contain, so a
renamed test or a dropped tool run fails test_quality_scale.py instead of silently leaving a
rule unchecked.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

from custom_components.minerva_iot.device_trigger import TRIGGER_TYPES
from custom_components.minerva_iot.vendors import VENDORS

from . import (
    code_checks as code,
    doc_checks as docs,
    entity_checks as entity,
)
from .source_index import PackageIndex, call_name, keyword, nothing_found, where
from .translation_keys import CodeKeys, collect_code_keys

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "custom_components.minerva_iot"
PACKAGE_DIR = ROOT / "custom_components" / "minerva_iot"
DISCOVERY_KEYS = {"bluetooth", "dhcp", "homekit", "mqtt", "ssdp", "usb", "zeroconf"}
USER_FACING_ERRORS = {
    "HomeAssistantError",
    "ServiceValidationError",
    "ConfigEntryAuthFailed",
    "ConfigEntryNotReady",
    "ConfigEntryError",
}


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


@dataclass
class QualityContext:
    """Everything the checks read, loaded once."""

    package_dir: Path
    index: PackageIndex
    clients: PackageIndex
    keys: CodeKeys
    strings: dict[str, Any]
    english: dict[str, Any]
    icons: dict[str, Any]
    services: dict[str, Any] | None
    manifest: dict[str, Any]
    docs: str
    # Platform (e.g. "sensor") -> its top-level module, for every platform a vendor has.
    platform_modules: dict[str, ModuleType]

    @classmethod
    def load(cls, root: Path = ROOT) -> QualityContext:
        """Read the package under `root` from disk."""
        package_dir = root / "custom_components" / "minerva_iot"
        index = PackageIndex.from_directory(package_dir, exclude=("clients",))
        clients_dir = package_dir / "clients"
        clients = (
            PackageIndex.from_directory(clients_dir) if clients_dir.exists() else PackageIndex({})
        )
        index.enum_sources.append(clients)
        services_path = package_dir / "services.yaml"
        services = (
            yaml.safe_load(services_path.read_text(encoding="utf-8"))
            if services_path.exists()
            else None
        )
        platforms = {platform.value for vendor in VENDORS.values() for platform in vendor.platforms}
        context = cls(
            package_dir=package_dir,
            index=index,
            clients=clients,
            keys=collect_code_keys(index),
            strings=_load_json(package_dir / "strings.json"),
            english=_load_json(package_dir / "translations" / "en.json"),
            icons=_load_json(package_dir / "icons.json"),
            services=services,
            manifest=_load_json(package_dir / "manifest.json"),
            docs=(root / "README.md").read_text(encoding="utf-8"),
            platform_modules={
                platform: importlib.import_module(f"{PACKAGE}.{platform}")
                for platform in sorted(platforms)
            },
        )
        # The checks read these; none of them may pass because a file was not found.
        empty = [name for name, value in vars(context).items() if not value]
        assert not empty, f"nothing found for {empty} under {root}"
        return context


type Check = Callable[[QualityContext], list[str]]


def check_untranslated_raises(index: PackageIndex) -> list[str]:
    """User-facing exceptions are raised with a translation key, not an English message."""
    problems: list[str] = []
    found = 0
    for module, call in index.calls():
        if call_name(call) not in USER_FACING_ERRORS:
            continue
        found += 1
        if call.args and keyword(call, "translation_key") is None:
            problems.append(f"{where(module, call)}: {call_name(call)}(<message>) not translated")
    return problems if found else nothing_found("user-facing exception")


def check_parallel_updates(platform_modules: Mapping[str, ModuleType]) -> list[str]:
    """Every platform a vendor has entities on sets PARALLEL_UPDATES in its top-level module."""
    if not platform_modules:
        return nothing_found("platform of a vendor")
    return [
        f"{name}.py: no module-level PARALLEL_UPDATES"
        for name, module in sorted(platform_modules.items())
        if not isinstance(getattr(module, "PARALLEL_UPDATES", None), int)
    ]


def check_brand_icon(package_dir: Path) -> list[str]:
    """brands: HACS accepts custom_components/<domain>/brand/icon.png."""
    icon = package_dir / "brand" / "icon.png"
    if not icon.exists() or not icon.read_bytes().startswith(b"\x89PNG"):
        return ["brand/icon.png is missing or not a PNG"]
    return []


def check_test_before_configure(keys: CodeKeys) -> list[str]:
    """The flows map failed test calls to cannot_connect / invalid_auth / unknown."""
    errors = set(keys.flows["config"].errors)
    return [
        f"no config flow reports the '{e}' error"
        for e in ("cannot_connect", "invalid_auth", "unknown")
        if e not in errors
    ]


def check_action_exceptions(index: PackageIndex, keys: CodeKeys) -> list[str]:
    """Action handlers raise ServiceValidationError / HomeAssistantError on failure."""
    if not keys.services:
        return nothing_found("registered action")
    raised = {
        call_name(node.exc)
        for module in index.modules.values()
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
    }
    return [
        f"no action raises {name}"
        for name in ("ServiceValidationError", "HomeAssistantError")
        if name not in raised
    ]


RULE_CHECKS: dict[str, list[Check]] = {
    # Bronze
    "action-setup": [lambda c: code.check_action_setup(c.index)],
    "appropriate-polling": [lambda c: code.check_polling(c.index)],
    "brands": [lambda c: check_brand_icon(c.package_dir)],
    "common-modules": [lambda c: code.check_common_modules(c.index)],
    "dependency-transparency": [
        lambda c: [
            f"requirement {r} needs a transparency review" for r in c.manifest["requirements"]
        ]
    ],
    "docs-actions": [
        lambda c: docs.check_actions_documented(c.keys, c.docs),
        lambda c: docs.check_action_fields_documented(c.services, c.docs),
    ],
    "docs-triggers": [
        lambda c: docs.check_triggers(TRIGGER_TYPES, c.strings, c.docs),
        lambda c: docs.check_event_types_documented(c.index, c.docs),
    ],
    "docs-conditions": [lambda c: docs.check_no_conditions(c.index)],
    "docs-high-level-description": [lambda c: docs.check_vendor_links(c.docs)],
    "docs-installation-instructions": [
        lambda c: docs.check_heading(c.docs, "install"),
        lambda c: docs.check_heading(c.docs, "prerequisite"),
        lambda c: docs.check_mentions(c.docs, {"HACS": "HACS"}, "the installer"),
    ],
    "docs-removal-instructions": [lambda c: docs.check_heading(c.docs, "remov")],
    "entity-event-setup": [lambda c: entity.check_entity_event_setup(c.index)],
    "runtime-data": [lambda c: code.check_runtime_data(c.index)],
    "test-before-configure": [lambda c: check_test_before_configure(c.keys)],
    "test-before-setup": [lambda c: code.check_test_before_setup(c.index)],
    "unique-config-entry": [lambda c: code.check_unique_config_entry(c.index)],
    # Silver
    "action-exceptions": [lambda c: check_action_exceptions(c.index, c.keys)],
    "config-entry-unloading": [lambda c: code.check_unloading(c.index)],
    "docs-configuration-parameters": [lambda c: docs.check_options_documented(c.strings, c.docs)],
    "docs-installation-parameters": [
        lambda c: docs.check_setup_fields_documented(c.strings, c.docs)
    ],
    "integration-owner": [lambda c: [] if c.manifest.get("codeowners") else ["no codeowners"]],
    "parallel-updates": [lambda c: check_parallel_updates(c.platform_modules)],
    "reauthentication-flow": [lambda c: code.check_reauthentication(c.index)],
    # Gold
    "discovery": [lambda c: sorted(DISCOVERY_KEYS & set(c.manifest))],
    "discovery-update-info": [lambda c: sorted(DISCOVERY_KEYS & set(c.manifest))],
    "docs-data-update": [
        lambda c: docs.check_heading(c.docs, "data is updated", "data update"),
        lambda c: docs.check_defaults_documented(c.index, c.docs),
    ],
    "docs-examples": [lambda c: docs.check_examples(c.docs)],
    "docs-known-limitations": [lambda c: docs.check_heading(c.docs, "limitation")],
    "docs-supported-devices": [lambda c: docs.check_heading(c.docs, "supported devices")],
    "docs-supported-functions": [
        lambda c: docs.check_platforms_documented(c.index, c.docs),
        lambda c: docs.check_entity_names_documented(c.strings, c.docs),
    ],
    "docs-troubleshooting": [
        lambda c: docs.check_troubleshooting(c.docs),
        lambda c: docs.check_issue_titles_documented(c.strings, c.docs),
    ],
    "reconfiguration-flow": [lambda c: code.check_reconfiguration(c.index)],
    "docs-use-cases": [lambda c: docs.check_heading(c.docs, "use case")],
    "entity-category": [lambda c: entity.check_entity_category(c.index)],
    "entity-disabled-by-default": [lambda c: entity.check_disabled_by_default(c.index)],
    "exception-translations": [lambda c: check_untranslated_raises(c.index)],
    "icon-translations": [lambda c: entity.check_no_hardcoded_icons(c.index)],
    # Platinum
    "async-dependency": [lambda c: code.check_clients_isolated(c.clients)],
    "inject-websession": [lambda c: code.check_session_injected(c.index, c.clients)],
}


@dataclass(frozen=True)
class Evidence:
    """What else keeps a rule true: a file (glob, from the repository root) and a text in it."""

    files: str
    text: str
    why: str


_TRANSLATIONS = "tests/foundation/test_translations.py"
_SNAPSHOT_RULES = "tests/plugins/snapshots.py"

CHECKED_ELSEWHERE: dict[str, list[Evidence]] = {
    "config-flow": [
        Evidence(_TRANSLATIONS, '"flow steps, menus, fields, errors, aborts"', "flow texts"),
        Evidence(_TRANSLATIONS, '"field descriptions"', "data_description of every field"),
    ],
    "config-flow-test-coverage": [
        Evidence("scripts/test", "--fail-under=100", "flow modules at 100 % coverage")
    ],
    "entity-unique-id": [Evidence(_SNAPSHOT_RULES, "has no unique id", "every snapshot entity")],
    "has-entity-name": [
        Evidence(_SNAPSHOT_RULES, "has_entity_name is not True", "every snapshot entity")
    ],
    "entity-unavailable": [
        Evidence("tests/ttlock/test_*.py", "STATE_UNAVAILABLE", "TTLock behaviour tests"),
        Evidence("tests/milesight/test_*.py", "STATE_UNAVAILABLE", "Milesight behaviour tests"),
    ],
    "log-when-unavailable": [
        Evidence(
            "custom_components/minerva_iot/*/coordinator.py",
            "DataUpdateCoordinator",
            "Home Assistant's coordinator logs a failure and its recovery once",
        )
    ],
    "test-coverage": [Evidence("scripts/test", "--cov-fail-under=95", "the coverage gate")],
    "devices": [Evidence(_SNAPSHOT_RULES, "has no device", "every snapshot entity")],
    "diagnostics": [
        Evidence("tests/*/test_diagnostics*.py", "**REDACTED**", "redaction, both vendors"),
        Evidence(
            "tests/*/test_diagnostics*.py",
            "get_diagnostics_for_config_entry",
            "both vendors' downloads through Home Assistant's diagnostics HTTP view",
        ),
    ],
    # Each hook is called by Home Assistant in these behaviour tests (a missing one fails them).
    "action-setup": [
        Evidence("tests/ttlock/test_services.py", "ttlock_entry_not_loaded", "actions w/o entry")
    ],
    "config-entry-unloading": [
        Evidence("tests/ttlock/test_setup.py", "async_unload(", "TTLock unload"),
        Evidence("tests/milesight/test_*.py", "async_unload(", "Milesight unload"),
    ],
    "reauthentication-flow": [
        Evidence("tests/*/test_config_flow.py", "start_reauth_flow", "reauth of both vendors")
    ],
    "reconfiguration-flow": [
        Evidence("tests/*/test_config_flow.py", "start_reconfigure_flow", "reconfigure flows")
    ],
    "stale-devices": [
        Evidence("tests/plugins/device_removal.py", "remove_device", "deletes via the websocket"),
        Evidence("tests/milesight/test_device_removal.py", "LISTINGS_BEFORE_GONE", "Milesight"),
        Evidence("tests/ttlock/test_coordinator.py", "LISTINGS_BEFORE_GONE", "TTLock"),
    ],
    "dynamic-devices": [
        Evidence("tests/milesight/test_*.py", "new_device", "Milesight devices on first delivery"),
        Evidence("tests/ttlock/test_*.py", "appear", "TTLock locks on the next poll"),
    ],
    "entity-category": [Evidence("tests/*/__snapshots__/*.ambr", "'entity_category'", "snapshots")],
    "entity-device-class": [
        Evidence(_SNAPSHOT_RULES, "implies a device class", "every snapshot entity")
    ],
    "entity-translations": [Evidence(_TRANSLATIONS, '"entity names and states"', "entity texts")],
    "exception-translations": [Evidence(_TRANSLATIONS, '"exception messages"', "exception texts")],
    "icon-translations": [
        Evidence(_TRANSLATIONS, '"entity icons"', "icons.json entries"),
        Evidence(_SNAPSHOT_RULES, "sets an icon", "no snapshot entity has an own icon"),
    ],
    "repair-issues": [Evidence(_TRANSLATIONS, '"repair issues"', "issue texts")],
    "async-dependency": [
        Evidence("pyproject.toml", '"ASYNC"', "ruff: no blocking call in a coroutine")
    ],
    "strict-typing": [
        Evidence("scripts/test", "--strict custom_components/minerva_iot", "mypy --strict")
    ],
}


def missing_evidence(root: Path = ROOT) -> list[str]:
    """Entries of CHECKED_ELSEWHERE whose file is gone or no longer says what it should."""
    problems: list[str] = []
    for rule, evidence in sorted(CHECKED_ELSEWHERE.items()):
        for item in evidence:
            paths = sorted(root.glob(item.files))
            if not paths:
                problems.append(f"{rule}: no file {item.files}")
            elif not any(item.text in path.read_text(encoding="utf-8") for path in paths):
                problems.append(f"{rule}: {item.files} no longer contains {item.text!r}")
    return problems
