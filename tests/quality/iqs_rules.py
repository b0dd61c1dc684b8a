"""The Integration Quality Scale rules and the validation of quality_scale.yaml.

Rule ids come from /work/shared/reference/ha-integration-quality.md §1 (hyphenated, as hassfest
expects); a tier requires its own rules and all lower tiers' rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RULES_BY_TIER: dict[str, tuple[str, ...]] = {
    "bronze": (
        "action-setup",
        "appropriate-polling",
        "brands",
        "common-modules",
        "config-flow",
        "config-flow-test-coverage",
        "dependency-transparency",
        "docs-actions",
        "docs-triggers",
        "docs-conditions",
        "docs-high-level-description",
        "docs-installation-instructions",
        "docs-removal-instructions",
        "entity-event-setup",
        "entity-unique-id",
        "has-entity-name",
        "runtime-data",
        "test-before-configure",
        "test-before-setup",
        "unique-config-entry",
    ),
    "silver": (
        "action-exceptions",
        "config-entry-unloading",
        "docs-configuration-parameters",
        "docs-installation-parameters",
        "entity-unavailable",
        "integration-owner",
        "log-when-unavailable",
        "parallel-updates",
        "reauthentication-flow",
        "test-coverage",
    ),
    "gold": (
        "devices",
        "diagnostics",
        "discovery",
        "discovery-update-info",
        "docs-data-update",
        "docs-examples",
        "docs-known-limitations",
        "docs-supported-devices",
        "docs-supported-functions",
        "docs-troubleshooting",
        "docs-use-cases",
        "dynamic-devices",
        "entity-category",
        "entity-device-class",
        "entity-disabled-by-default",
        "entity-translations",
        "exception-translations",
        "icon-translations",
        "reconfiguration-flow",
        "repair-issues",
        "stale-devices",
    ),
    "platinum": ("async-dependency", "inject-websession", "strict-typing"),
}
ALL_RULES: frozenset[str] = frozenset(rule for rules in RULES_BY_TIER.values() for rule in rules)
STATUSES = {"done", "todo", "exempt"}


def rule_status(rules: Mapping[str, Any], rule: str) -> str | None:
    """`done`, `todo` or `exempt` for a rule written either as a string or a mapping."""
    value = rules.get(rule)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        status = value.get("status")
        return status if isinstance(status, str) else None
    return None


def validate_quality_scale(document: Any) -> list[str]:
    """Problems of a parsed quality_scale.yaml: missing/unknown rules, bad statuses, no comments."""
    if not isinstance(document, Mapping) or not isinstance(document.get("rules"), Mapping):
        return ["quality_scale.yaml must be a mapping with a top-level `rules:` mapping"]
    rules: Mapping[str, Any] = document["rules"]
    problems = [f"rule '{rule}' is missing" for rule in sorted(ALL_RULES - set(rules))]
    problems += [f"unknown rule '{rule}'" for rule in sorted(set(rules) - ALL_RULES)]
    for rule in sorted(set(rules) & ALL_RULES):
        value = rules[rule]
        status = rule_status(rules, rule)
        if status not in STATUSES:
            problems.append(f"rule '{rule}': status must be one of {sorted(STATUSES)}")
            continue
        if isinstance(value, Mapping) and set(value) - {"status", "comment"}:
            problems.append(f"rule '{rule}': only `status` and `comment` are allowed")
        comment = value.get("comment") if isinstance(value, Mapping) else None
        has_comment = isinstance(comment, str) and bool(comment.strip())
        if status in {"exempt", "todo"} and not has_comment:
            problems.append(f"rule '{rule}': {status} needs a comment saying why")
    return problems


def reached_tier(rules: Mapping[str, Any]) -> str | None:
    """Highest tier whose rules and all lower tiers' rules are done or exempt."""
    reached: str | None = None
    for tier, tier_rules in RULES_BY_TIER.items():
        if any(rule_status(rules, rule) not in {"done", "exempt"} for rule in tier_rules):
            break
        reached = tier
    return reached
