"""Checks that the user documentation covers what the code offers.

The user documentation is README.md (HACS shows it); these checks read it against the code.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping
import re
from typing import Any

from .source_index import PackageIndex, module_string_constants, nothing_found
from .translation_keys import CodeKeys

# Field problems from the vendor references that the troubleshooting section must explain.
TROUBLESHOOTING_MARKERS = (
    "token_not_found",
    "authentication_failed",
    "10004",
    "-4043",
    "-2012",
    "30006",
    "80000",
    "developer account",
)
VENDOR_LINK_HOSTS = ("milesight.com", "ttlock.com")


def _headings(docs: str) -> list[str]:
    return [line.lstrip("#").strip().lower() for line in docs.splitlines() if line.startswith("#")]


def check_heading(docs: str, *words: str) -> list[str]:
    """A heading contains one of `words` (case-insensitive)."""
    if not _headings(docs):
        return nothing_found("heading in the docs")
    if any(word.lower() in heading for heading in _headings(docs) for word in words):
        return []
    return [f"the docs have no heading about {' / '.join(words)}"]


def check_mentions(docs: str, items: Mapping[str, str], what: str) -> list[str]:
    """Every item (name -> text that must appear) is mentioned in the docs (case-insensitive)."""
    if not items:
        return nothing_found(what.removeprefix("the "))
    # Markdown wraps lines anywhere: compare with every run of whitespace as one space.
    flattened = " ".join(docs.lower().split())
    return [
        f"the docs do not mention {what} '{name}' ('{text}')"
        for name, text in sorted(items.items())
        if " ".join(text.lower().split()) not in flattened
    ]


def check_actions_documented(keys: CodeKeys, docs: str) -> list[str]:
    """docs-actions: every registered action is described."""
    return check_mentions(docs, {s: s for s in keys.services}, "the action")


def check_triggers(types: Collection[str], strings: Mapping[str, Any], docs: str) -> list[str]:
    """docs-triggers: device trigger types (device_trigger.TRIGGER_TYPES, imported) have English
    text and are documented."""
    translated = (strings.get("device_automation") or {}).get("trigger_type") or {}
    problems = [
        f"missing device_automation.trigger_type.{name}"
        for name in sorted(types)
        if name not in translated
    ]
    problems += check_mentions(docs, {name: name for name in types}, "the device trigger")
    labels = {name: translated[name] for name in types if isinstance(translated.get(name), str)}
    problems += check_mentions(docs, labels, "the device trigger label")
    if not types:
        problems.append("device_trigger.py: TRIGGER_TYPES is empty")
    return problems


def check_no_conditions(index: PackageIndex) -> list[str]:
    """docs-conditions is exempt only while the integration provides no conditions."""
    if not index.modules:
        return nothing_found("module")
    return [
        f"{name}.py provides conditions: document them"
        for name in ("device_condition", "condition")
        if name in index.modules
    ]


def _field_labels(strings: Mapping[str, Any], section: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for step, body in ((strings.get(section) or {}).get("step") or {}).items():
        for name, label in ((body or {}).get("data") or {}).items():
            if isinstance(label, str):
                labels[f"{step}.{name}"] = label
    return labels


def check_setup_fields_documented(strings: Mapping[str, Any], docs: str) -> list[str]:
    """docs-installation-parameters: every config flow field label appears in the docs."""
    return check_mentions(docs, _field_labels(strings, "config"), "the set-up field")


def check_options_documented(strings: Mapping[str, Any], docs: str) -> list[str]:
    """docs-configuration-parameters: every option label appears in the docs."""
    return check_mentions(docs, _field_labels(strings, "options"), "the option")


def check_vendor_links(docs: str) -> list[str]:
    """docs-high-level-description: links to both vendors' platforms."""
    return [
        f"the docs do not link to {host}"
        for host in VENDOR_LINK_HOSTS
        if not re.search(rf"https://[\w.-]*{re.escape(host)}", docs)
    ]


def check_troubleshooting(docs: str) -> list[str]:
    """docs-troubleshooting: a section explaining each known field problem."""
    return check_heading(docs, "troubleshoot") + check_mentions(
        docs, {marker: marker for marker in TROUBLESHOOTING_MARKERS}, "the field problem"
    )


def check_examples(docs: str) -> list[str]:
    """docs-examples: at least one YAML automation example."""
    blocks = re.findall(r"```yaml\n(.*?)```", docs, re.DOTALL)
    if any("trigger" in block for block in blocks):
        return []
    return ["the docs have no YAML automation example"]


def check_platforms_documented(index: PackageIndex, docs: str) -> list[str]:
    """docs-supported-functions: every platform with entities is described."""
    platforms = {p for cls in index.leaf_entity_classes() for p in index.entity_platforms(cls)}
    names = {p: p.replace("_", " ") for p in platforms}
    return check_mentions(docs, names, "the platform")


def _numeric_constants(index: PackageIndex, pattern: str) -> dict[str, int | float]:
    found: dict[str, int | float] = {}
    regex = re.compile(pattern)
    for module in index.modules.values():
        for stmt in module.tree.body:
            target: ast.expr | None = stmt.target if isinstance(stmt, ast.AnnAssign) else None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
            value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
            if (
                isinstance(target, ast.Name)
                and regex.match(target.id)
                and isinstance(value, ast.Constant)
                and isinstance(value.value, int | float)
                and not isinstance(value.value, bool)
            ):
                found[target.id] = value.value
    return found


def check_defaults_documented(index: PackageIndex, docs: str) -> list[str]:
    """docs-data-update: the default intervals the docs quote are the code's defaults."""
    expected: dict[str, str] = {}
    for name, value in _numeric_constants(index, r"^DEFAULT_\w+_(MINUTES|HOURS)$").items():
        if value:
            unit = "min" if name.endswith("_MINUTES") else "h"
            expected[name] = f"{value:g} {unit}"
    return check_mentions(docs, expected, "the default interval")


def check_event_types_documented(index: PackageIndex, docs: str) -> list[str]:
    """docs-triggers: the bus event and every event type automations can match are described."""
    names = {
        name: value
        for module in index.modules.values()
        for name, value, _ in module_string_constants(module, "EVENT_")
    }
    return check_mentions(docs, names, "the event type")


def check_action_fields_documented(services: Mapping[str, Any] | None, docs: str) -> list[str]:
    """docs-actions: every field of every action is described."""
    fields = {
        f"{service}.{field}": f"`{field}`"
        for service, body in (services or {}).items()
        for field in ((body or {}).get("fields") or {})
    }
    return check_mentions(docs, fields, "the action field")


def check_entity_names_documented(strings: Mapping[str, Any], docs: str) -> list[str]:
    """docs-supported-functions: every translated entity name appears in the docs.

    For names with a placeholder (`Line {index} total in`) the longest fixed part must appear.
    """
    names: dict[str, str] = {}
    for platform, entities in (strings.get("entity") or {}).items():
        for key, body in (entities or {}).items():
            name = (body or {}).get("name")
            if isinstance(name, str) and name.strip():
                fragments = [part.strip() for part in re.split(r"\{\w+\}", name)]
                names[f"{platform}.{key}"] = max(fragments, key=len)
    return check_mentions(docs, names, "the entity")


def check_issue_titles_documented(strings: Mapping[str, Any], docs: str) -> list[str]:
    """docs-troubleshooting: every repair issue a user can meet is explained (by its title)."""
    titles: dict[str, str] = {}
    for key, body in (strings.get("issues") or {}).items():
        title = (body or {}).get("title")
        if isinstance(title, str) and title.strip():
            fragments = [part.strip() for part in re.split(r"\{\w+\}", title)]
            titles[key] = max(fragments, key=len)
    return check_mentions(docs, titles, "the repair issue")
