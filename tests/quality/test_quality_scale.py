"""quality_scale.yaml lists every rule truthfully, and the checks behind it hold."""

from __future__ import annotations

from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]

from .iqs_rules import ALL_RULES, rule_status, validate_quality_scale
from .rule_checks import PACKAGE_DIR, RULE_CHECKS, QualityContext


def _scale() -> Any:
    return yaml.safe_load((PACKAGE_DIR / "quality_scale.yaml").read_text(encoding="utf-8"))


def test_quality_scale_lists_every_rule() -> None:
    """Every rule of the four tiers is there, no unknown rule, exemptions and todos say why."""
    assert validate_quality_scale(_scale()) == []


def test_checked_rules_exist() -> None:
    """The mechanical checks are attached to real rule ids."""
    assert set(RULE_CHECKS) <= ALL_RULES


@pytest.mark.parametrize("rule", sorted(RULE_CHECKS))
def test_rule_holds(rule: str, context: QualityContext) -> None:
    """A rule marked done (or exempt) passes its checks; a todo rule is an expected failure."""
    problems = [problem for check in RULE_CHECKS[rule] for problem in check(context)]
    status = rule_status(_scale()["rules"], rule)
    if status == "todo":
        if problems:
            pytest.xfail(f"{rule} is todo: " + "; ".join(problems[:5]))
        return
    assert problems == [], f"quality_scale.yaml says {rule}: {status}, but:\n" + "\n".join(problems)
