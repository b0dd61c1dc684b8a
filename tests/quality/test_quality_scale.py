"""quality_scale.yaml lists every rule truthfully, and the checks behind it hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped,unused-ignore]

from .iqs_rules import ALL_RULES, rule_status, validate_quality_scale
from .rule_checks import (
    CHECKED_ELSEWHERE,
    PACKAGE_DIR,
    RULE_CHECKS,
    Evidence,
    QualityContext,
    missing_evidence,
)


def _scale() -> Any:
    return yaml.safe_load((PACKAGE_DIR / "quality_scale.yaml").read_text(encoding="utf-8"))


def test_quality_scale_lists_every_rule() -> None:
    """Every rule of the four tiers is there, no unknown rule, exemptions and todos say why."""
    assert validate_quality_scale(_scale()) == []


def test_checked_rules_exist() -> None:
    """The mechanical checks are attached to real rule ids."""
    assert set(RULE_CHECKS) <= ALL_RULES
    assert set(CHECKED_ELSEWHERE) <= ALL_RULES


def test_every_rule_is_checked_somewhere() -> None:
    """Each rule has a check here or names what else keeps it true (tool, test module)."""
    assert sorted(ALL_RULES - set(RULE_CHECKS) - set(CHECKED_ELSEWHERE)) == []
    assert all(RULE_CHECKS.values()), "a rule with an empty list of checks"


def test_what_checks_a_rule_elsewhere_is_still_there() -> None:
    """The files CHECKED_ELSEWHERE names exist and still contain what they are cited for."""
    assert missing_evidence() == []


def test_missing_evidence_bites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gone file and a file that no longer says the cited text are both reported."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "test").write_text("mypy --strict other\n", encoding="utf-8")
    monkeypatch.setattr(
        "tests.quality.rule_checks.CHECKED_ELSEWHERE",
        {
            "strict-typing": [Evidence("scripts/test", "--strict custom_components", "mypy")],
            "test-coverage": [Evidence("tests/gone_*.py", "x", "gone")],
        },
    )
    assert missing_evidence(tmp_path) == [
        "strict-typing: scripts/test no longer contains '--strict custom_components'",
        "test-coverage: no file tests/gone_*.py",
    ]


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
