"""Negative tests of the documentation checkers: every checker finds a planted violation, and accepts the fixed code.

A check that never fails proves nothing, so each one is run on small synthetic packages.
"""

from __future__ import annotations

from typing import Any

from . import (
    doc_checks as docs,
)
from .synthetic import STRINGS_CODE, synthetic_index as _index
from .translation_keys import collect_code_keys


def test_doc_checks_bite() -> None:
    """Missing headings, actions, fields, links and examples are reported."""
    keys = collect_code_keys(_index(ttlock__event=STRINGS_CODE))
    strings = {"config": {"step": {"ttlock": {"data": {"region": "Region"}}}}}
    assert docs.check_heading("# Intro\n", "troubleshoot") == [
        "the docs have no heading about troubleshoot"
    ]
    assert docs.check_actions_documented(keys, "nothing here") == [
        "the docs do not mention the action 'create_passcode' ('create_passcode')"
    ]
    assert docs.check_setup_fields_documented(strings, "") == [
        "the docs do not mention the set-up field 'ttlock.region' ('Region')"
    ]
    assert docs.check_vendor_links("https://euopen.ttlock.com/manager") == [
        "the docs do not link to milesight.com"
    ]
    assert docs.check_examples("```yaml\nsensor: {}\n```") == [
        "the docs have no YAML automation example"
    ]
    assert docs.check_examples("```yaml\ntriggers: []\n```") == []
    assert "found no heading in the docs to check" in docs.check_troubleshooting("-4043")
    assert docs.check_mentions("anything", {}, "the action") == ["found no action to check"]
    good = "## Region\n## Troubleshooting\n" + " ".join(docs.TROUBLESHOOTING_MARKERS)
    assert docs.check_troubleshooting(good) == []


def test_trigger_and_condition_checks_bite() -> None:
    """Trigger types need strings and docs; a condition module voids the exemption."""
    index = _index(
        device_condition="X = 1\n",
    )
    assert docs.check_triggers(
        {"short_press", "long_press"},
        {"device_automation": {"trigger_type": {"short_press": "Quick tap"}}},
        "short_press",
    ) == [
        "missing device_automation.trigger_type.long_press",
        "the docs do not mention the device trigger 'long_press' ('long_press')",
        "the docs do not mention the device trigger label 'short_press' ('Quick tap')",
    ]
    assert docs.check_no_conditions(index) == [
        "device_condition.py provides conditions: document them"
    ]


def test_docs_follow_code_values_bite() -> None:
    """Default intervals, event types and action fields must appear in the docs."""
    index = _index(
        ttlock__const="""
        DEFAULT_POLL_MINUTES: Final = 30
        DEFAULT_SLOW_HOURS = 6
        DEFAULT_REFRESH_MINUTES = 0
        EVENT_PRESS: Final = "button_press"
        """
    )
    assert docs.check_defaults_documented(index, "polls every 30 min") == [
        "the docs do not mention the default interval 'DEFAULT_SLOW_HOURS' ('6 h')"
    ]
    assert docs.check_event_types_documented(index, "") == [
        "the docs do not mention the event type 'EVENT_PRESS' ('button_press')"
    ]
    assert docs.check_event_types_documented(index, "type `button_press`") == []
    services: dict[str, Any] = {"create_code": {"fields": {"code": {}, "name": {}}}}
    assert docs.check_action_fields_documented(services, "`code` is the code") == [
        "the docs do not mention the action field 'create_code.name' ('`name`')"
    ]


def test_entity_names_check_bites() -> None:
    """Entity names (longest fixed part around placeholders) must be in the docs."""
    strings = {
        "entity": {"sensor": {"line": {"name": "Line {index} total in"}, "o3": {"name": "Ozone"}}}
    }
    assert docs.check_entity_names_documented(strings, "ozone and line 1 total in") == []
    assert docs.check_entity_names_documented(strings, "Ozone") == [
        "the docs do not mention the entity 'sensor.line' ('total in')"
    ]


def test_issue_titles_check_bites() -> None:
    """Repair issue titles (longest fixed part) must appear in the docs."""
    strings = {
        "issues": {"remote": {"title": "Remote unlock is off for {lock}"}, "q": {"title": "Quota"}}
    }
    assert (
        docs.check_issue_titles_documented(strings, "quota; remote unlock is off for the door")
        == []
    )
    assert docs.check_issue_titles_documented(strings, "Quota") == [
        "the docs do not mention the repair issue 'remote' ('Remote unlock is off for')"
    ]
