"""Every `{placeholder}` of a translated text is given by the code that shows the text.

A missing placeholder shows a broken message to the user. Checked where the code passes its
placeholders as a literal dict (or builds one in the same function): exceptions
(`translation_placeholders`), repair issues (`translation_placeholders`), flow steps
(`description_placeholders`) and the application-credentials description.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
import re
from typing import Any

from .source_index import ModuleInfo, PackageIndex, call_name, keyword, nothing_found, where

PLACEHOLDER = re.compile(r"\{(\w+)\}")
_STEP_CALLS = {"async_show_form", "async_show_menu", "async_external_step", "async_show_progress"}


@dataclass
class PlaceholderUse:
    """Placeholders one call provides for one translated text."""

    path: tuple[str, ...]  # where the text lives in strings.json (without the final part)
    parts: tuple[str, ...]  # text fields under `path` that may use placeholders
    provided: set[str]
    where: str


def _dict_keys(index: PackageIndex, node: ast.expr | None, scope: ast.AST) -> set[str] | None:
    """Keys of a literal dict, or of a dict built in `scope` under that name; None if unknown."""
    if node is None:
        return set()
    if isinstance(node, ast.Dict):
        keys = [index.string_value(key) for key in node.keys if key is not None]
        if len(keys) != len(node.keys) or any(key is None for key in keys):
            return None
        return {key for key in keys if key is not None}
    if not isinstance(node, ast.Name):
        return None
    found: set[str] | None = None
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Assign | ast.AnnAssign):
            targets = sub.targets if isinstance(sub, ast.Assign) else [sub.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == node.id:
                    literal = _dict_keys(index, sub.value, scope) if sub.value else None
                    if literal is None or not isinstance(sub.value, ast.Dict):
                        return None
                    found = (found or set()) | literal
                elif (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == node.id
                    and (key := index.string_value(target.slice)) is not None
                ):
                    found = (found or set()) | {key}
    return found


def _use_for_call(
    index: PackageIndex, module: ModuleInfo, call: ast.Call, scope: ast.AST, section: str | None
) -> PlaceholderUse | None:
    name = call_name(call)
    key = index.string_value(keyword(call, "translation_key"))
    location = where(module, call)
    if name in _STEP_CALLS and section is not None:
        step = index.string_value(keyword(call, "step_id"))
        provided = _dict_keys(index, keyword(call, "description_placeholders"), scope)
        if step is None or provided is None:
            return None
        return PlaceholderUse((section, "step", step), ("title", "description"), provided, location)
    if key is None:
        return None
    provided = _dict_keys(index, keyword(call, "translation_placeholders"), scope)
    if provided is None:
        return None
    if name in {"async_create_issue", "create_issue"}:
        return PlaceholderUse(("issues", key), ("title", "description"), provided, location)
    if keyword(call, "translation_domain") is not None:
        return PlaceholderUse(("exceptions", key), ("message",), provided, location)
    return None


def _flow_section(index: PackageIndex, module: ModuleInfo, func: ast.AST) -> str | None:
    for cls in index.classes.values():
        if cls.module is module and any(node is func for node in cls.node.body):
            _, external = index.ancestry(cls)
            if any("OptionsFlow" in name for name in external):
                return "options"
            if any("ConfigFlow" in name or "OAuth2FlowHandler" in name for name in external):
                return "config"
    return None


def collect_placeholder_uses(index: PackageIndex) -> list[PlaceholderUse]:
    """Placeholder uses of every function; the innermost function decides for nested ones."""
    uses: dict[int, PlaceholderUse] = {}
    for module in index.modules.values():
        for func in ast.walk(module.tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            section = _flow_section(index, module, func)
            for call in ast.walk(func):
                if isinstance(call, ast.Call):
                    use = _use_for_call(index, module, call, func, section)
                    if use is not None:
                        uses[id(call)] = use
    return list(uses.values())


def _text(strings: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    tree: Any = strings
    for part in path:
        if not isinstance(tree, Mapping):
            return None
        tree = tree.get(part)
    return tree


def check_placeholders(uses: list[PlaceholderUse], strings: Mapping[str, Any]) -> list[str]:
    """Placeholders a text needs but its caller does not provide."""
    if not uses:
        return nothing_found("text shown with placeholders")
    problems: list[str] = []
    for use in uses:
        body = _text(strings, use.path)
        for part in use.parts:
            text = body.get(part) if isinstance(body, Mapping) else None
            if not isinstance(text, str):
                continue
            missing = sorted(set(PLACEHOLDER.findall(text)) - use.provided)
            if missing:
                problems.append(
                    f"{use.where}: {'.'.join(use.path)}.{part} needs {missing} but gets "
                    f"{sorted(use.provided)}"
                )
    return problems


def check_credentials_description(index: PackageIndex, strings: Mapping[str, Any]) -> list[str]:
    """application_credentials.description exists and uses only the placeholders provided."""
    module = index.modules.get("application_credentials")
    if module is None:
        return nothing_found("application_credentials module")
    text = _text(strings, ("application_credentials", "description"))
    if not isinstance(text, str) or not text.strip():
        return ["missing application_credentials.description"]
    provided: set[str] = set()
    for func in module.tree.body:
        if isinstance(func, ast.AsyncFunctionDef) and func.name == (
            "async_get_description_placeholders"
        ):
            for node in ast.walk(func):
                if isinstance(node, ast.Return) and node.value is not None:
                    provided |= _dict_keys(index, node.value, func) or set()
    missing = sorted(set(PLACEHOLDER.findall(text)) - provided)
    return [f"application_credentials.description needs {missing}"] if missing else []
