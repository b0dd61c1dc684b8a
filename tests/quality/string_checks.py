"""Checks of strings.json, icons.json and services.yaml against the keys the code uses.

Every function returns a list of human-readable violations (empty = the rule holds), so the
tests can show all problems at once and the negative tests can prove each check bites.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
import re
from typing import Any

from .flow_keys import FlowStrings
from .source_index import nothing_found
from .translation_keys import CodeKeys

URL_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)

# The frontend has state icons for these platforms, so their entities need no icons.json entry.
PLATFORMS_WITH_BUILTIN_ICONS = {"lock"}


def _get(tree: Any, *path: str) -> Any:
    """Nested dict lookup that returns None as soon as a level is missing."""
    for part in path:
        if not isinstance(tree, Mapping) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _text(tree: Any, *path: str) -> bool:
    value = _get(tree, *path)
    return isinstance(value, str) and bool(value.strip())


def check_entity_strings(keys: CodeKeys, strings: Mapping[str, Any]) -> list[str]:
    """Every entity translation key has a name (and event types / enum options have text)."""
    if not keys.entities:
        return nothing_found("entity translation key")
    problems: list[str] = []
    entity_strings = _get(strings, "entity") or {}
    for entity in keys.entities:
        platforms = (
            [entity.platform]
            if entity.platform
            else [p for p, keys_ in entity_strings.items() if entity.key in keys_]
        )
        if not platforms:
            problems.append(f"{entity.where}: entity key '{entity.key}' has no strings at all")
            continue
        for platform in platforms:
            base = ("entity", platform, entity.key)
            if not entity.name_is_none and not _text(strings, *base, "name"):
                problems.append(f"{entity.where}: missing {'.'.join(base)}.name")
            for event_type in entity.event_types or []:
                path = (*base, "state_attributes", "event_type", "state", event_type)
                if not _text(strings, *path):
                    problems.append(f"{entity.where}: missing {'.'.join(path)}")
            for option in entity.options or []:
                if not _text(strings, *base, "state", option):
                    problems.append(f"{entity.where}: missing {'.'.join(base)}.state.{option}")
    return problems


def check_entity_icons(keys: CodeKeys, icons: Mapping[str, Any]) -> list[str]:
    """Entity keys without a device class get an icon from icons.json."""
    problems: list[str] = []
    needing = [
        entity
        for entity in keys.entities
        if not entity.has_device_class and entity.platform not in PLATFORMS_WITH_BUILTIN_ICONS
    ]
    if not needing:
        return nothing_found("entity key without a device class")
    for entity in needing:
        icon_platforms = _get(icons, "entity") or {}
        platforms = (
            [entity.platform]
            if entity.platform
            else [p for p, keys_ in icon_platforms.items() if entity.key in keys_]
        )
        found = any(
            _text(icons, "entity", platform, entity.key, "default")
            or _get(icons, "entity", platform, entity.key, "state")
            for platform in platforms
        )
        if not found:
            where = entity.platform or "<platform?>"
            problems.append(
                f"{entity.where}: no icons.json entity.{where}.{entity.key}.default "
                "(entity without a device class)"
            )
    return problems


def check_exception_strings(keys: CodeKeys, strings: Mapping[str, Any]) -> list[str]:
    """Every exception translation key has `exceptions.<key>.message`."""
    if not keys.exceptions:
        return nothing_found("exception translation key")
    return [
        f"{where}: missing exceptions.{key}.message"
        for key, where in sorted(keys.exceptions.items())
        if not _text(strings, "exceptions", key, "message")
    ]


def check_issue_strings(keys: CodeKeys, strings: Mapping[str, Any]) -> list[str]:
    """Every repair issue has a title and a description (or a fix flow)."""
    if not keys.issues:
        return nothing_found("repair issue")
    problems: list[str] = []
    for issue in keys.issues:
        if not _text(strings, "issues", issue.key, "title"):
            problems.append(f"{issue.where}: missing issues.{issue.key}.title")
        has_body = _text(strings, "issues", issue.key, "description") or (
            issue.fixable and _get(strings, "issues", issue.key, "fix_flow") is not None
        )
        if not has_body:
            problems.append(f"{issue.where}: missing issues.{issue.key}.description")
    return problems


def check_selector_strings(keys: CodeKeys, strings: Mapping[str, Any]) -> list[str]:
    """Translated selectors have `selector.<key>.options.<value>` for each literal option."""
    if not keys.selectors:
        return nothing_found("translated selector")
    problems: list[str] = []
    for key, options in sorted(keys.selectors.items()):
        if _get(strings, "selector", key) is None:
            problems.append(f"missing selector.{key}")
        for option in options or []:
            if not _text(strings, "selector", key, "options", option):
                problems.append(f"missing selector.{key}.options.{option}")
    return problems


def _check_flow_section(section: str, flow: FlowStrings, strings: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for step, where in sorted(flow.steps.items()):
        if not isinstance(_get(strings, section, "step", step), Mapping):
            problems.append(f"{where}: missing {section}.step.{step}")
    for step, options in sorted(flow.menu_options.items()):
        for option in sorted(options):
            if not _text(strings, section, "step", step, "menu_options", option):
                problems.append(f"missing {section}.step.{step}.menu_options.{option}")
    for step, fields in sorted(flow.fields.items()):
        for name in sorted(fields):
            for part in ("data", "data_description"):
                if not _text(strings, section, "step", step, part, name):
                    problems.append(f"missing {section}.step.{step}.{part}.{name}")
    for kind, found in (("error", flow.errors), ("abort", flow.aborts)):
        for key, where in sorted(found.items()):
            if not _text(strings, section, kind, key):
                problems.append(f"{where}: missing {section}.{kind}.{key}")
    return problems


def check_flow_strings(keys: CodeKeys, strings: Mapping[str, Any]) -> list[str]:
    """Steps, menu options, form fields, errors and aborts of both flows have English text."""
    problems = [] if keys.flows["config"].steps else nothing_found("config flow step")
    for section, flow in keys.flows.items():
        problems.extend(_check_flow_section(section, flow, strings))
    return problems


def check_data_descriptions(strings: Mapping[str, Any]) -> list[str]:
    """Every form field in strings.json has a `data_description` (config-flow rule)."""
    problems: list[str] = []
    found = 0
    for section in ("config", "options"):
        for step, body in (_get(strings, section, "step") or {}).items():
            for name in _get(body, "data") or {}:
                found += 1
                if not _text(body, "data_description", name):
                    problems.append(f"missing {section}.step.{step}.data_description.{name}")
    return problems if found else nothing_found("form field in strings.json")


def _service_fields(definition: Any) -> Iterator[tuple[str, ...]]:
    """Field paths of a services.yaml entry, sections included (`("section", "field")`)."""
    for name, body in (_get(definition, "fields") or {}).items():
        if isinstance(body, Mapping) and "fields" in body:
            yield ("sections", name)
            for inner in body["fields"]:
                yield ("fields", inner)
        else:
            yield ("fields", name)


def check_services(
    keys: CodeKeys,
    services_yaml: Mapping[str, Any] | None,
    strings: Mapping[str, Any],
    icons: Mapping[str, Any],
) -> list[str]:
    """Registered actions == services.yaml == strings.json services; each has an icon."""
    problems = [] if keys.services else nothing_found("registered action")
    declared = dict(services_yaml or {})
    translated = _get(strings, "services") or {}
    for service, where in sorted(keys.services.items()):
        if service not in declared:
            problems.append(f"{where}: action '{service}' is not in services.yaml")
    for service in sorted(set(declared) | set(translated)):
        if service not in keys.services:
            problems.append(f"action '{service}' is declared but never registered in code")
    for service, definition in sorted(declared.items()):
        for part in ("name", "description"):
            if not _text(strings, "services", service, part):
                problems.append(f"missing services.{service}.{part}")
        for path in _service_fields(definition):
            if path[0] == "sections":
                if not _text(strings, "services", service, *path, "name"):
                    problems.append(f"missing services.{service}.{'.'.join(path)}.name")
                continue
            for part in ("name", "description"):
                if not _text(strings, "services", service, *path, part):
                    problems.append(f"missing services.{service}.{'.'.join(path)}.{part}")
        if not _get(icons, "services", service):
            problems.append(f"missing icons.json services.{service}")
    return problems


def _walk_strings(tree: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(tree, Mapping):
        for key, value in tree.items():
            yield from _walk_strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(tree, list):
        for position, value in enumerate(tree):
            yield from _walk_strings(value, f"{path}[{position}]")
    elif isinstance(tree, str):
        yield path, tree


def check_no_urls(files: Mapping[str, Any]) -> list[str]:
    """No translation string contains a URL (hassfest rejects them; use placeholders)."""
    texts = [
        (name, path, text)
        for name, tree in sorted(files.items())
        for path, text in _walk_strings(tree)
    ]
    if not texts:
        return nothing_found("translation text")
    return [
        f"{name}: {path} contains a URL" for name, path, text in texts if URL_PATTERN.search(text)
    ]
