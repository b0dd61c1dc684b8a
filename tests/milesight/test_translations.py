"""Every Milesight string key used in code has English text (and icons where we promise them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from custom_components.minerva_iot.milesight.binary_sensor import CONNECTIVITY_DESCRIPTION
from custom_components.minerva_iot.milesight.button import BUTTONS
from custom_components.minerva_iot.milesight.const import ALL_ISSUES
from custom_components.minerva_iot.milesight.descriptions import (
    BINARY_RULES,
    SENSOR_RULES,
    sensor_description,
)
from custom_components.minerva_iot.milesight.event import EVENT_DESCRIPTIONS
from custom_components.minerva_iot.milesight.selftest import WEBHOOK_TEST_PASSED_KEY
from custom_components.minerva_iot.milesight.sensor import HEALTH_SENSORS
from custom_components.minerva_iot.milesight.triggers import TRIGGER_TYPES

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "minerva_iot"
EN: dict[str, Any] = json.loads((PACKAGE / "translations" / "en.json").read_text("utf-8"))
ICONS: dict[str, Any] = json.loads((PACKAGE / "icons.json").read_text("utf-8"))

FIELDS = ("server_address", "client_id", "client_secret", "webhook_secret")
STEPS = {
    "milesight": FIELDS,
    "milesight_webhook": ("webhook_secret",),
    "milesight_finish": (),
    "milesight_finish_no_url": (),
    "milesight_reauth_confirm": ("client_secret",),
    "milesight_reconfigure": FIELDS,
}
ERRORS = (
    "invalid_auth",
    "cannot_connect",
    "invalid_server_address",
    "unknown",
    "milesight_api_error",
    "webhook_secret_required",
    "milesight_rate_limited",
)
ABORTS = (
    "already_configured",
    "reauth_successful",
    "reconfigure_successful",
    "milesight_wrong_application",
    "milesight_reauth_not_needed",
    "milesight_upgraded_to_api",
)
EXCEPTIONS = (
    "milesight_auth_failed",
    "milesight_api_error",
    "milesight_webhook_test_failed",
    "milesight_no_webhook_url",
    "milesight_rate_limited",
)


def test_config_and_options_strings() -> None:
    """Steps with their fields and field descriptions, errors, aborts, options."""
    config = EN["config"]
    for step, fields in STEPS.items():
        assert config["step"][step]["title"]
        for field in fields:
            assert config["step"][step]["data"][field]
            assert config["step"][step]["data_description"][field]
    for error in ERRORS:
        assert config["error"][error]
    for reason in ABORTS:
        assert config["abort"][reason]
    options = EN["options"]
    assert set(options["step"]["milesight_options"]["data"]) == {"seed_from_api", "refresh_minutes"}
    assert options["error"]["milesight_refresh_too_short"]
    assert options["abort"]["milesight_no_api_options"]


def test_entity_issue_exception_and_trigger_strings() -> None:
    """Entity names, event types, issues, exceptions, device triggers; icons for named entities."""
    entity = EN["entity"]
    for rule in SENSOR_RULES:
        if rule.translation_key:
            assert entity["sensor"][rule.translation_key]["name"]
            if rule.device_class is None:  # device classes bring their own icon
                assert ICONS["entity"]["sensor"][rule.translation_key]["default"]
    for binary in BINARY_RULES:
        if binary.translation_key:
            assert entity["binary_sensor"][binary.translation_key]["name"]
    assert CONNECTIVITY_DESCRIPTION.translation_key is None  # named by its device class
    tvoc = sensor_description("tvoc", None)
    assert tvoc is not None
    assert tvoc.translation_key is not None
    assert entity["sensor"][tvoc.translation_key]["name"]
    assert ICONS["entity"]["sensor"][tvoc.translation_key]["default"]
    for health in HEALTH_SENSORS:
        assert entity["sensor"][health.translation_key]["name"]
        assert ICONS["entity"]["sensor"][health.translation_key]["default"]
    for button in BUTTONS:
        assert entity["button"][button.translation_key]["name"]
        assert ICONS["entity"]["button"][button.translation_key]["default"]
    for event in EVENT_DESCRIPTIONS:
        states = entity["event"][event.translation_key]["state_attributes"]["event_type"]["state"]
        assert set(event.event_types or ()) <= set(states)
        assert ICONS["entity"]["event"][event.translation_key]["default"]
    for issue in ALL_ISSUES:
        assert EN["issues"][issue]["title"]
        assert EN["issues"][issue]["description"]
    for key in EXCEPTIONS:
        assert EN["exceptions"][key]["message"]
    # The webhook test's success notification is no exception text.
    assert EN["common"][WEBHOOK_TEST_PASSED_KEY]
    assert WEBHOOK_TEST_PASSED_KEY not in EN["exceptions"]
    for trigger in TRIGGER_TYPES:
        assert EN["device_automation"]["trigger_type"][trigger]
