"""Which mechanical checks back which quality rule, and the context they read.

`RULE_CHECKS[rule]` lists the checks that must find nothing while quality_scale.yaml says the rule
is `done` (or `exempt`: then the checks verify the premise of the exemption). Rules whose truth a
program cannot judge (test coverage, log-when-unavailable...) are covered by the vendors' tests.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
import json
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

from custom_components.minerva_iot.device_trigger import TRIGGER_TYPES

from . import (
    code_checks as code,
    doc_checks as docs,
    entity_checks as entity,
    string_checks as text,
)
from .placeholder_checks import (
    check_credentials_description,
    check_placeholders,
    collect_placeholder_uses,
)
from .source_index import PackageIndex, call_name, keyword, where
from .translation_keys import CodeKeys, collect_code_keys

ROOT = Path(__file__).resolve().parents[2]
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
        return cls(
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
        )


type Check = Callable[[QualityContext], list[str]]


def check_untranslated_raises(index: PackageIndex) -> list[str]:
    """User-facing exceptions are raised with a translation key, not an English message."""
    problems: list[str] = []
    for module, call in index.calls():
        if call_name(call) not in USER_FACING_ERRORS:
            continue
        if call.args and keyword(call, "translation_key") is None:
            problems.append(f"{where(module, call)}: {call_name(call)}(<message>) not translated")
    return problems


def check_typed_functions(index: PackageIndex, clients: PackageIndex) -> list[str]:
    """Every function annotates its parameters and return type (mypy --strict keeps the rest)."""
    problems: list[str] = []
    for prefix, package in (("", index), ("clients/", clients)):
        for module in package.modules.values():
            for func in ast.walk(module.tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                args = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
                untyped = [
                    a.arg for a in args if a.annotation is None and a.arg not in {"self", "cls"}
                ]
                if func.returns is None or untyped:
                    problems.append(f"{prefix}{where(module, func)}: {func.name} is not typed")
    return problems


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
        return []
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


def _placeholders(context: QualityContext, *sections: str) -> list[str]:
    uses = [u for u in collect_placeholder_uses(context.index) if u.path[0] in sections]
    return check_placeholders(uses, context.strings)


RULE_CHECKS: dict[str, list[Check]] = {
    # Bronze
    "action-setup": [lambda c: code.check_action_setup(c.index)],
    "appropriate-polling": [lambda c: code.check_polling(c.index)],
    "brands": [lambda c: check_brand_icon(c.package_dir)],
    "common-modules": [lambda c: code.check_common_modules(c.index)],
    "config-flow": [
        lambda c: text.check_flow_strings(c.keys, c.strings),
        lambda c: text.check_data_descriptions(c.strings),
        lambda c: text.check_selector_strings(c.keys, c.strings),
        lambda c: _placeholders(c, "config", "options"),
        lambda c: check_credentials_description(c.index, c.strings),
    ],
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
    "entity-unique-id": [lambda c: entity.check_unique_ids(c.index)],
    "has-entity-name": [lambda c: entity.check_has_entity_name(c.index)],
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
    "parallel-updates": [lambda c: entity.check_parallel_updates(c.index)],
    "reauthentication-flow": [lambda c: code.check_reauthentication(c.index)],
    # Gold
    "devices": [lambda c: entity.check_device_info(c.index)],
    "diagnostics": [lambda c: code.check_diagnostics(c.index)],
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
    "docs-use-cases": [lambda c: docs.check_heading(c.docs, "use case")],
    "entity-category": [lambda c: entity.check_entity_category(c.index)],
    "entity-device-class": [lambda c: entity.check_device_classes(c.index)],
    "entity-disabled-by-default": [lambda c: entity.check_disabled_by_default(c.index)],
    "entity-translations": [lambda c: text.check_entity_strings(c.keys, c.strings)],
    "exception-translations": [
        lambda c: text.check_exception_strings(c.keys, c.strings),
        lambda c: check_untranslated_raises(c.index),
        lambda c: _placeholders(c, "exceptions"),
    ],
    "icon-translations": [
        lambda c: text.check_entity_icons(c.keys, c.icons),
        lambda c: entity.check_no_hardcoded_icons(c.index),
    ],
    "reconfiguration-flow": [lambda c: code.check_reconfiguration(c.index)],
    "repair-issues": [
        lambda c: text.check_issue_strings(c.keys, c.strings),
        lambda c: _placeholders(c, "issues"),
    ],
    "stale-devices": [lambda c: code.check_stale_devices(c.index)],
    # Platinum
    "async-dependency": [lambda c: code.check_clients_async(c.clients)],
    "inject-websession": [lambda c: code.check_session_injected(c.index, c.clients)],
    "strict-typing": [lambda c: check_typed_functions(c.index, c.clients)],
}
