"""Every TTLock key used in code has English text (custom integrations get no automatic check)."""

from __future__ import annotations

import json
from pathlib import Path
import re
from typing import Any

import yaml

from custom_components.minerva_iot.clients.ttlock.callback import RecordKind
from custom_components.minerva_iot.ttlock.issues import (
    ISSUE_CLOCK_SKEW,
    ISSUE_NO_PUSH,
    ISSUE_QUOTA,
    ISSUE_REMOTE_UNLOCK,
)
from custom_components.minerva_iot.ttlock.triggers import TRIGGER_TYPES
from custom_components.minerva_iot.ttlock.webhook import ISSUE_CALLBACK_URL, ISSUE_NO_PUBLIC_URL

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "minerva_iot"
TTLOCK = PACKAGE / "ttlock"


def _strings() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PACKAGE / "translations" / "en.json").read_text("utf-8"))
    return data


def _code() -> str:
    return "\n".join(path.read_text("utf-8") for path in sorted(TTLOCK.glob("*.py")))


def test_exceptions_and_issues_have_text() -> None:
    """translation_key=... in exceptions, and repair issue keys."""
    strings = _strings()
    code = _code()
    keys = set(re.findall(r'translation_key="(ttlock_[a-z_]+)"', code))
    keys |= set(re.findall(r'_invalid\("(ttlock_[a-z_]+)"', code))
    keys |= set(re.findall(r'\(\w+, "(ttlock_[a-z_]+)"\)', code))
    entity_keys = {key for platform in strings["entity"].values() for key in platform}
    exception_keys = keys - entity_keys - {"ttlock_region"}
    assert exception_keys
    for key in exception_keys:
        assert strings["exceptions"][key]["message"].strip(), key
    for issue in (
        ISSUE_CALLBACK_URL,
        ISSUE_NO_PUBLIC_URL,
        ISSUE_QUOTA,
        ISSUE_CLOCK_SKEW,
        ISSUE_REMOTE_UNLOCK,
        ISSUE_NO_PUSH,
    ):
        assert strings["issues"][issue]["title"]
        assert strings["issues"][issue]["description"]


def test_flow_strings() -> None:
    """Steps, errors and aborts of the TTLock flow, without URLs in the text."""
    strings = _strings()
    code = (TTLOCK / "config_flow.py").read_text("utf-8")
    for step in re.findall(r'step_id="([a-z_]+)"', code):
        section = strings["options" if step.endswith("options") else "config"]["step"][step]
        assert section["title"]
        for field in section.get("data", {}):
            assert section["data_description"][field]
    for error in re.findall(r'"base": "([a-z_]+)"', code):
        assert strings["config"]["error"][error]
    for reason in ("missing_credentials", "already_configured", "wrong_account"):
        assert strings["config"]["abort"][reason]
    assert "developer" in strings["config"]["error"]["invalid_auth"]
    assert "{portal_url}" in strings["application_credentials"]["description"]
    assert set(strings["selector"]["ttlock_region"]["options"]) == {"eu", "cn"}
    for text in _walk(_ttlock_parts(strings)):
        assert "://" not in text, text


def test_entities_services_and_icons() -> None:
    """Entity names, event types, actions with their fields, icons."""
    strings = _strings()
    icons = json.loads((PACKAGE / "icons.json").read_text("utf-8"))
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text("utf-8"))
    event = strings["entity"]["event"]["ttlock_record"]
    assert set(event["state_attributes"]["event_type"]["state"]) == {
        kind.value for kind in RecordKind
    }
    for platform, key in (
        ("sensor", "ttlock_api_calls_today"),
        ("switch", "ttlock_passage_mode"),
        ("switch", "ttlock_sound"),
        ("number", "ttlock_auto_lock_time"),
        ("button", "ttlock_check_state"),
        ("event", "ttlock_record"),
    ):
        assert strings["entity"][platform][key]["name"]
        assert icons["entity"][platform][key]["default"].startswith("mdi:")
    for trigger_type in TRIGGER_TYPES:
        assert strings["device_automation"]["trigger_type"][trigger_type]
    for service in (
        "ttlock_list_passcodes",
        "ttlock_create_passcode",
        "ttlock_delete_passcode",
        "ttlock_list_records",
        "ttlock_set_passage_mode",
    ):
        assert strings["services"][service]["name"]
        for field in services[service]["fields"]:
            assert strings["services"][service]["fields"][field]["name"]
        assert icons["services"][service]["service"].startswith("mdi:")


def _walk(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [text for value in node.values() for text in _walk(value)]
    return [node] if isinstance(node, str) else []


def _ttlock_parts(node: Any, inside: bool = False) -> Any:
    """Only the TTLock keys (and the application-credentials text, which is TTLock's)."""
    if isinstance(node, dict):
        return {
            key: _ttlock_parts(value, inside or "ttlock" in key or key == "application_credentials")
            for key, value in node.items()
        }
    return node if inside else None
