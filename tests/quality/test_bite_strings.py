"""Negative tests of the translation checkers: every checker finds a planted violation, and accepts the fixed code.

A check that never fails proves nothing, so each one is run on small synthetic packages.
"""

from __future__ import annotations

from typing import Any

from . import (
    string_checks as text,
)
from .placeholder_checks import (
    check_credentials_description,
    check_placeholders,
    collect_placeholder_uses,
)
from .synthetic import STRINGS_CODE, synthetic_index as _index
from .translation_keys import CodeKeys, collect_code_keys


def test_translation_keys_are_collected() -> None:
    """Entity, exception, issue and action keys are found with their platform."""
    keys = collect_code_keys(_index(ttlock__event=STRINGS_CODE))
    assert [(e.platform, e.key, e.has_device_class) for e in keys.entities] == [
        ("event", "record", False),
        ("sensor", "battery_level", True),
        ("sensor", "mode", False),
    ]
    assert list(keys.exceptions) == ["jammed"]
    assert [issue.key for issue in keys.issues] == ["quota"]
    assert list(keys.services) == ["create_passcode"]


def test_string_checks_bite() -> None:
    """Missing entity names/states, exception messages, issue texts and icons are reported."""
    keys = collect_code_keys(_index(ttlock__event=STRINGS_CODE))
    assert text.check_entity_strings(keys, {}) == [
        "ttlock.event:5: missing entity.event.record.name",
        "ttlock.event:5: missing entity.event.record.state_attributes.event_type.state.unlock",
        "ttlock.event:6: missing entity.sensor.battery_level.name",
        "ttlock.event:9: missing entity.sensor.mode.name",
        "ttlock.event:9: missing entity.sensor.mode.state.eco",
        "ttlock.event:9: missing entity.sensor.mode.state.boost",
    ]
    assert text.check_exception_strings(keys, {}) == [
        "ttlock.event:12: missing exceptions.jammed.message"
    ]
    assert text.check_issue_strings(keys, {"issues": {"quota": {"title": "Quota"}}}) == [
        "ttlock.event:15: missing issues.quota.description"
    ]
    assert text.check_entity_icons(keys, {}) == [
        "ttlock.event:5: no icons.json entity.event.record.default (entity without a device class)",
        "ttlock.event:9: no icons.json entity.sensor.mode.default (entity without a device class)",
    ]
    strings = {
        "entity": {
            "event": {
                "record": {
                    "name": "Record",
                    "state_attributes": {"event_type": {"state": {"unlock": "Unlocked"}}},
                }
            },
            "sensor": {
                "battery_level": {"name": "Battery"},
                "mode": {"name": "Mode", "state": {"eco": "Eco", "boost": "Boost"}},
            },
        },
        "exceptions": {"jammed": {"message": "The lock is jammed."}},
        "issues": {"quota": {"title": "Quota", "description": "Too many calls."}},
    }
    icons = {
        "entity": {
            "event": {"record": {"default": "mdi:history"}},
            "sensor": {"mode": {"default": "mdi:tune"}},
        }
    }
    assert text.check_entity_strings(keys, strings) == []
    assert text.check_exception_strings(keys, strings) == []
    assert text.check_issue_strings(keys, strings) == []
    assert text.check_entity_icons(keys, icons) == []


def test_string_checks_fail_on_nothing() -> None:
    """A package without the keys a check looks for is reported, not passed."""
    nothing = CodeKeys()
    assert text.check_entity_strings(nothing, {}) == ["found no entity translation key to check"]
    assert text.check_entity_icons(nothing, {}) == [
        "found no entity key without a device class to check"
    ]
    assert text.check_exception_strings(nothing, {}) == [
        "found no exception translation key to check"
    ]
    assert text.check_issue_strings(nothing, {}) == ["found no repair issue to check"]
    assert text.check_selector_strings(nothing, {}) == ["found no translated selector to check"]
    assert text.check_flow_strings(nothing, {}) == ["found no config flow step to check"]
    assert text.check_data_descriptions({}) == ["found no form field in strings.json to check"]
    assert text.check_services(nothing, {}, {}, {}) == ["found no registered action to check"]
    assert text.check_no_urls({"strings.json": {}}) == ["found no translation text to check"]
    assert check_placeholders([], {}) == ["found no text shown with placeholders to check"]


FLOW_CODE = """
import voluptuous as vol

CONF_REGION = "region"

def _schema() -> vol.Schema:
    return vol.Schema({vol.Required(CONF_REGION): str, vol.Optional("password"): str})

class Flow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        return self.async_show_menu(step_id="user", menu_options=["ttlock"])

    async def async_step_ttlock(self, user_input=None):
        errors = {}
        if user_input is not None:
            errors["base"] = "invalid_auth"
            await self.async_set_unique_id("1")
            self._abort_if_unique_id_configured()
        return self.async_show_form(step_id="ttlock", data_schema=_schema(), errors=errors)

    async def async_step_reauth_confirm(self, user_input=None):
        return self.async_update_reload_and_abort(self._get_reauth_entry(), data_updates={})

class Options(OptionsFlow):
    async def async_step_init(self, user_input=None):
        return self.async_abort(reason="no_options")
"""


def test_flow_strings_bite() -> None:
    """Steps, menu options, fields, errors and aborts of both flows need strings."""
    keys = collect_code_keys(_index(config_flow=FLOW_CODE))
    assert keys.flows["config"].fields == {"ttlock": {"region", "password"}}
    assert text.check_flow_strings(keys, {}) == [
        "config_flow:19: missing config.step.ttlock",
        "config_flow:11: missing config.step.user",
        "missing config.step.user.menu_options.ttlock",
        "missing config.step.ttlock.data.password",
        "missing config.step.ttlock.data_description.password",
        "missing config.step.ttlock.data.region",
        "missing config.step.ttlock.data_description.region",
        "config_flow:16: missing config.error.invalid_auth",
        "config_flow:18: missing config.abort.already_configured",
        "config_flow:22: missing config.abort.reauth_successful",
        "config_flow:26: missing options.abort.no_options",
    ]
    described = {
        "step": {"s": {"data": {"a": "A", "b": "B"}, "data_description": {"a": "About A"}}}
    }
    assert text.check_data_descriptions({"config": described}) == [
        "missing config.step.s.data_description.b"
    ]


def test_service_checks_bite() -> None:
    """Undeclared, unregistered, untranslated and icon-less actions are reported."""
    keys = collect_code_keys(_index(ttlock__event=STRINGS_CODE))
    services = {"create_passcode": {"fields": {"code": {"required": True}}}, "stale": {}}
    assert text.check_services(keys, services, {}, {}) == [
        "action 'stale' is declared but never registered in code",
        "missing services.create_passcode.name",
        "missing services.create_passcode.description",
        "missing services.create_passcode.fields.code.name",
        "missing services.create_passcode.fields.code.description",
        "missing icons.json services.create_passcode",
        "missing services.stale.name",
        "missing services.stale.description",
        "missing icons.json services.stale",
    ]
    assert text.check_services(keys, None, {}, {})[0] == (
        "ttlock.event:18: action 'create_passcode' is not in services.yaml"
    )
    strings = {
        "services": {
            "create_passcode": {
                "name": "Create passcode",
                "description": "Adds a passcode.",
                "fields": {"code": {"name": "Code", "description": "4 to 9 digits."}},
            }
        }
    }
    icons = {"services": {"create_passcode": {"service": "mdi:dialpad"}}}
    assert (
        text.check_services(keys, {"create_passcode": services["create_passcode"]}, strings, icons)
        == []
    )


def test_url_check_bites() -> None:
    """URLs in any translation string are reported, placeholders are fine."""
    files: dict[str, Any] = {
        "strings.json": {"config": {"step": {"a": {"description": "Open {portal_url}."}}}}
    }
    assert text.check_no_urls(files) == []
    files["en.json"] = {"issues": {"x": {"description": "See https://example.com or www.x.org"}}}
    assert text.check_no_urls(files) == ["en.json: issues.x.description contains a URL"]


# --- documentation ------------------------------------------------------------------------------


INDIRECT_CODE = """
from dataclasses import dataclass

from homeassistant.components.sensor import SensorDeviceClass

SERVICE_LIST = "list_codes"
SERVICE_ADD = "add_code"
ISSUE_QUOTA = "quota_exceeded"
_MESSAGES = [(ValueError, "bad_value"), (KeyError, "no_key")]


@dataclass
class _Rule:
    pattern: str
    translation_key: str | None
    device_class: SensorDeviceClass | None


RULES = (_Rule("lux", "light_level", None), _Rule("t", None, SensorDeviceClass.TEMPERATURE))


def _invalid(key: str) -> ServiceValidationError:
    return ServiceValidationError(translation_domain="minerva_iot", translation_key=key)


def translate(err: Exception) -> HomeAssistantError:
    for error_class, key in _MESSAGES:
        if isinstance(err, error_class):
            return HomeAssistantError(translation_domain="minerva_iot", translation_key=key)
    raise _invalid("unknown_error")


def raise_issue(hass, key: str) -> None:
    ir.async_create_issue(hass, "minerva_iot", key, translation_key=key, is_fixable=False)


def setup(hass) -> None:
    for name in (SERVICE_LIST, SERVICE_ADD):
        hass.services.async_register("minerva_iot", name, None)
"""


def test_indirect_keys_are_collected() -> None:
    """Rule tables, forwarding helpers, loop tables, loop registrations and ISSUE_* are found."""
    keys = collect_code_keys(_index(ttlock__tables=INDIRECT_CODE))
    assert [(e.platform, e.key, e.has_device_class) for e in keys.entities] == [
        ("sensor", "light_level", False)
    ]
    assert sorted(keys.exceptions) == ["bad_value", "no_key", "unknown_error"]
    assert [issue.key for issue in keys.issues] == ["quota_exceeded"]
    assert sorted(keys.services) == ["add_code", "list_codes"]


def test_enum_event_types_and_imported_trigger_types() -> None:
    """`[k.value for k in Enum]` and `frozenset(IMPORTED)` resolve to their strings."""
    clients = _index(
        packages={"ttlock"},
        ttlock__callback=(
            "class RecordKind(StrEnum):\n    UNLOCKED = 'unlocked'\n    LOCKED = 'locked'\n"
        ),
    )
    index = _index(
        ttlock__event=(
            "RECORD = EventEntityDescription(key='r', translation_key='record', "
            "event_types=[kind.value for kind in RecordKind])\n"
        ),
        ttlock__const="PRESS: Final = 'press'\nTYPES = (PRESS, 'hold')\n",
        ttlock__triggers="from .const import TYPES\nTRIGGER_TYPES = (*TYPES, 'alarm')\n",
        device_trigger=(
            "from .ttlock.triggers import TRIGGER_TYPES as VENDOR_TYPES\n"
            "TRIGGER_TYPES = frozenset(VENDOR_TYPES)\n"
        ),
    )
    index.enum_sources.append(clients)
    (entity,) = collect_code_keys(index).entities
    assert entity.event_types == ["unlocked", "locked"]


PLACEHOLDER_CODE = """
class Flow(ConfigFlow):
    async def async_step_user(self, user_input=None):
        placeholders = {"url": "x"}
        placeholders["host"] = "y"
        return self.async_show_form(step_id="user", description_placeholders=placeholders)

def fail() -> None:
    raise HomeAssistantError(
        translation_domain="minerva_iot", translation_key="jammed", translation_placeholders={"lock": "x"}
    )

def warn(hass) -> None:
    ir.async_create_issue(hass, "minerva_iot", "q", translation_key="quota", is_fixable=False)
"""


def test_placeholder_checks_bite() -> None:
    """Placeholders a text needs but the caller does not give are reported."""
    uses = collect_placeholder_uses(_index(config_flow=PLACEHOLDER_CODE))
    strings = {
        "config": {"step": {"user": {"title": "Go to {url}", "description": "{host} {port}"}}},
        "exceptions": {"jammed": {"message": "{lock} is jammed at {time}"}},
        "issues": {"quota": {"title": "Quota", "description": "Used {calls} calls"}},
    }
    assert sorted(check_placeholders(uses, strings)) == [
        "config_flow:14: issues.quota.description needs ['calls'] but gets []",
        "config_flow:6: config.step.user.description needs ['port'] but gets ['host', 'url']",
        "config_flow:9: exceptions.jammed.message needs ['time'] but gets ['lock']",
    ]
    fixed = {"config": {"step": {"user": {"title": "{url}", "description": "{host}"}}}}
    assert check_placeholders(uses, fixed) == []


def test_credentials_description_check_bites() -> None:
    """The application-credentials text must exist and use only the provided placeholders."""
    index = _index(
        application_credentials="""
        async def async_get_description_placeholders(hass) -> dict[str, str]:
            return {"portal_url": "x"}
        """
    )
    assert check_credentials_description(index, {}) == [
        "missing application_credentials.description"
    ]
    text = {"application_credentials": {"description": "Open {portal_url} or {other}"}}
    assert check_credentials_description(index, text) == [
        "application_credentials.description needs ['other']"
    ]
    assert check_credentials_description(_index(), {}) == [
        "found no application_credentials module to check"
    ]
