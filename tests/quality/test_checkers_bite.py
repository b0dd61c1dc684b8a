"""Negative tests: every checker finds a planted violation, and accepts the fixed code.

A check that never fails proves nothing, so each one is run on small synthetic packages.
"""

from __future__ import annotations

from textwrap import dedent
from typing import Any

import pytest

from . import code_checks as code, doc_checks as docs, string_checks as text
from .iqs_rules import ALL_RULES, reached_tier, validate_quality_scale
from .rule_checks import check_typed_functions, check_untranslated_raises
from .source_index import PackageIndex
from .translation_keys import collect_code_keys


def _index(packages: set[str] | None = None, **modules: str) -> PackageIndex:
    """Index synthetic modules; `__` in a keyword stands for a dot (`ttlock__sensor`)."""
    sources = {name.replace("__", "."): dedent(source) for name, source in modules.items()}
    return PackageIndex(sources, packages if packages is not None else {"", "ttlock"})


ENTITY_BASE = """
    from homeassistant.helpers.entity import Entity

    class VendorEntity(Entity):
        _attr_has_entity_name = True

        def __init__(self, key: str) -> None:
            self._attr_unique_id = key
            self._attr_device_info = {}
"""


# --- quality_scale.yaml ---------------------------------------------------------------------


def _all_done() -> dict[str, Any]:
    return {"rules": dict.fromkeys(sorted(ALL_RULES), "done")}


def test_quality_scale_validation_bites() -> None:
    """Missing, unknown, bad status and comment-less exempt/todo are reported."""
    assert validate_quality_scale(_all_done()) == []
    broken = _all_done()
    del broken["rules"]["brands"]
    broken["rules"]["made-up-rule"] = "done"
    broken["rules"]["discovery"] = {"status": "exempt"}
    broken["rules"]["docs-examples"] = {"status": "todo", "comment": "  "}
    broken["rules"]["devices"] = "maybe"
    broken["rules"]["diagnostics"] = {"status": "done", "note": "x"}
    assert validate_quality_scale(broken) == [
        "rule 'brands' is missing",
        "unknown rule 'made-up-rule'",
        "rule 'devices': status must be one of ['done', 'exempt', 'todo']",
        "rule 'diagnostics': only `status` and `comment` are allowed",
        "rule 'discovery': exempt needs a comment saying why",
        "rule 'docs-examples': todo needs a comment saying why",
    ]
    assert validate_quality_scale({"rule": {}}) != []


def test_reached_tier() -> None:
    """A tier counts only when it and every lower tier are complete."""
    scale = _all_done()["rules"]
    assert reached_tier(scale) == "platinum"
    scale["devices"] = {"status": "todo", "comment": "not yet"}
    assert reached_tier(scale) == "silver"
    scale["brands"] = {"status": "todo", "comment": "not yet"}
    assert reached_tier(scale) is None


# --- code rules -------------------------------------------------------------------------------


def test_parallel_updates_bites() -> None:
    """A platform module without PARALLEL_UPDATES is reported; other modules are not."""
    index = _index(
        sensor="async_setup_entry = None\n", helpers="X = 1\n", lock="PARALLEL_UPDATES = 1\n"
    )
    assert code.check_parallel_updates(index) == ["sensor.py: no module-level PARALLEL_UPDATES"]
    fixed = _index(sensor="PARALLEL_UPDATES: int = 0\n")
    assert code.check_parallel_updates(fixed) == []


def test_entity_attributes_bite() -> None:
    """has_entity_name, unique id and device info are required on instantiated entities."""
    bare = _index(
        ttlock__sensor="""
        from homeassistant.components.sensor import SensorEntity

        class Battery(SensorEntity):
            pass
        """
    )
    assert code.check_has_entity_name(bare) == [
        "ttlock.sensor:Battery: no _attr_has_entity_name = True"
    ]
    assert code.check_unique_ids(bare) == [
        "ttlock.sensor:Battery: no _attr_unique_id and no unique_id property"
    ]
    assert code.check_device_info(bare) == [
        "ttlock.sensor:Battery: no _attr_device_info and no device_info property"
    ]
    inherited = _index(
        ttlock__entity=ENTITY_BASE,
        ttlock__sensor="""
        from homeassistant.components.sensor import SensorEntity
        from .entity import VendorEntity

        class Battery(VendorEntity, SensorEntity):
            pass
        """,
    )
    assert code.check_has_entity_name(inherited) == []
    assert code.check_unique_ids(inherited) == []
    assert code.check_device_info(inherited) == []


def test_hardcoded_icons_bite() -> None:
    """`_attr_icon`, an icon property and `icon=` are all reported."""
    index = _index(
        ttlock__sensor="""
        from homeassistant.components.sensor import SensorEntity, SensorEntityDescription

        DESCRIPTION = SensorEntityDescription(key="calls", icon="mdi:counter")

        class Calls(SensorEntity):
            _attr_icon = "mdi:counter"

            @property
            def icon(self) -> str:
                return "mdi:x"
        """
    )
    problems = code.check_no_hardcoded_icons(index)
    assert len(problems) == 3
    assert "ttlock.sensor:4: SensorEntityDescription(icon=...)" in problems


def test_runtime_data_bites() -> None:
    """No alias, an unused alias and runtime_data read through a plain ConfigEntry are reported."""
    untyped = _index(
        ttlock="""
        from homeassistant.config_entries import ConfigEntry

        async def async_setup_entry(hass, entry: ConfigEntry) -> bool:
            entry.runtime_data = object()
            return entry.runtime_data is not None
        """
    )
    problems = code.check_runtime_data(untyped)
    assert "no typed alias `type XConfigEntry = ConfigEntry[XData]`" in problems
    assert any("read through an untyped ConfigEntry" in p for p in problems)
    unused = _index(
        ttlock__data="""
        from homeassistant.config_entries import ConfigEntry
        type TTLockConfigEntry = ConfigEntry[int]
        """
    )
    assert "nothing is stored in entry.runtime_data" in code.check_runtime_data(unused)
    assert any("never used" in p for p in code.check_runtime_data(unused))
    typed = _index(
        ttlock__data="""
        from homeassistant.config_entries import ConfigEntry
        type TTLockConfigEntry = ConfigEntry[int]
        """,
        ttlock="""
        from .data import TTLockConfigEntry

        async def async_setup_entry(hass, entry: TTLockConfigEntry) -> bool:
            entry.runtime_data = 1
            return True
        """,
    )
    assert code.check_runtime_data(typed) == []


def test_entity_category_and_defaults_bite() -> None:
    """Battery/RSSI must be diagnostic; RSSI must be disabled; a °C unit needs a device class."""
    index = _index(
        ttlock__sensor="""
        from homeassistant.components.sensor import SensorEntityDescription
        from homeassistant.const import UnitOfTemperature

        BATTERY = SensorEntityDescription(key="battery")
        RSSI = SensorEntityDescription(key="rssi", entity_category=EntityCategory.DIAGNOSTIC)
        TEMP = SensorEntityDescription(key="temp", native_unit_of_measurement=UnitOfTemperature.CELSIUS)
        """
    )
    assert code.check_entity_category(index) == [
        "ttlock.sensor:5: 'battery' is not EntityCategory.DIAGNOSTIC"
    ]
    assert code.check_disabled_by_default(index) == [
        "ttlock.sensor:6: 'rssi' is enabled by default"
    ]
    assert code.check_device_classes(index) == [
        "ttlock.sensor:7: 'temp' has a UnitOfTemperature unit but no device class"
    ]
    fixed = _index(
        ttlock__sensor="""
        RSSI = SensorEntityDescription(
            key="rssi",
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
        )
        """
    )
    assert code.check_disabled_by_default(fixed) == []
    assert code.check_entity_category(fixed) == []


def test_entity_category_requires_some_diagnostic_entity() -> None:
    """A package with entities but no diagnostic one is reported."""
    index = _index(ttlock__entity=ENTITY_BASE)
    assert code.check_entity_category(index) == ["no entity is EntityCategory.DIAGNOSTIC"]


def test_client_isolation_bites() -> None:
    """Home Assistant, third-party and escaping relative imports are reported in clients."""
    clients = _index(
        packages={"ttlock"},
        ttlock__client="""
        import aiohttp
        import json
        from homeassistant.core import HomeAssistant
        import requests
        from ..milesight import errors
        from .errors import TTLockError
        """,
    )
    assert code.check_clients_isolated(clients) == [
        "ttlock.client:4: imports homeassistant.core",
        "ttlock.client:5: imports requests",
        "ttlock.client:6: relative import leaves its package",
    ]
    assert code.check_clients_async(clients) == ["ttlock.client:5: imports blocking requests"]


def test_async_and_session_bite() -> None:
    """time.sleep, an own ClientSession and no injected session are reported."""
    clients = _index(
        packages={"ttlock"},
        ttlock__client="""
        import time
        import aiohttp

        class Client:
            def __init__(self, host: str) -> None:
                self._session = aiohttp.ClientSession()
                time.sleep(1)
        """,
    )
    assert code.check_clients_async(clients) == [
        "ttlock.client:8: time.sleep blocks the event loop"
    ]
    assert code.check_session_injected(_index(), clients) == [
        "clients/ttlock.client:7: creates its own ClientSession",
        "clients/ttlock: no class accepts an injected `session`",
    ]
    fixed = _index(
        packages={"ttlock"},
        ttlock__client="""
        class Client:
            def __init__(self, session: object) -> None:
                self._session = session
        """,
    )
    assert code.check_session_injected(_index(), fixed) == []


def test_common_modules_bite() -> None:
    """A coordinator outside coordinator.py and a shared base outside entity.py are reported."""
    index = _index(
        ttlock__update="""
        from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

        class Coordinator(DataUpdateCoordinator[int]):
            pass
        """,
        ttlock__base=ENTITY_BASE,
        ttlock__sensor="""
        from .base import VendorEntity

        class Battery(VendorEntity):
            pass
        """,
    )
    assert code.check_common_modules(index) == [
        "ttlock.update:Coordinator: coordinator outside coordinator.py",
        "ttlock.base:VendorEntity: shared entity base outside entity.py (used by ttlock.sensor:Battery)",
        "ttlock/: has entities but no entity.py",
    ]


def test_entity_event_setup_bites() -> None:
    """A dropped unsubscribe and a subscription in __init__ are reported."""
    index = _index(
        ttlock__entity=ENTITY_BASE
        + """
        async def async_added_to_hass(self) -> None:
            async_dispatcher_connect(self.hass, "signal", self._update)
            self.async_on_remove(async_dispatcher_connect(self.hass, "other", self._update))
"""
    )
    assert code.check_entity_event_setup(index) == [
        "ttlock.entity:12: async_dispatcher_connect result is dropped (wrap it in self.async_on_remove)"
    ]


def test_setup_and_flow_rules_bite() -> None:
    """Missing unload/reauth/reconfigure/unique id/first refresh/async_setup are reported."""
    index = _index(
        packages={"", "ttlock"},
        **{
            "": "async def async_setup_entry(hass, entry) -> bool:\n    return True\n",
            "config_flow": "class Flow(ConfigFlow):\n    pass\n",
            "ttlock": """
            async def async_setup_entry(hass, entry) -> bool:
                hass.services.async_register("minerva_iot", "refresh", None)
                return True
            """,
            "ttlock__config_flow": """
            class TTLockFlow(ConfigFlow):
                async def async_step_ttlock_reauth(self, data):
                    return self.async_create_entry(title="x", data={})
            """,
        },
    )
    assert code.check_unloading(index) == [
        "__init__.py: no async_unload_entry",
        "ttlock/: never calls async_unload_platforms",
    ]
    assert code.check_test_before_setup(index) == [
        "ttlock/: set-up neither refreshes first nor raises ConfigEntry*"
    ]
    assert code.check_unique_config_entry(index) == [
        "ttlock.config_flow: creates entries without async_set_unique_id",
        "ttlock.config_flow: never aborts on an already configured entry",
    ]
    reauth = code.check_reauthentication(index)
    assert "config_flow.py: no async_step_reauth" in reauth
    assert "ttlock.config_flow: reauth does not check it is the same account" in reauth
    assert "config_flow.py: no async_step_reconfigure" in code.check_reconfiguration(index)
    assert code.check_action_setup(index) == [
        "ttlock:3: action registered per entry",
        "__init__.py: no async_setup to register actions in",
    ]
    assert code.check_stale_devices(index) == ["__init__.py: no async_remove_config_entry_device"]
    assert code.check_diagnostics(index) == [
        "diagnostics.py: no async_get_config_entry_diagnostics"
    ]


def test_typing_and_translated_raises_bite() -> None:
    """Untyped functions and English-message exceptions are reported."""
    index = _index(
        ttlock="""
        def helper(value):
            raise HomeAssistantError("Lock jammed")

        def typed(value: int) -> None:
            raise HomeAssistantError(translation_domain="minerva_iot", translation_key="jammed")
        """
    )
    assert check_typed_functions(index, _index()) == ["ttlock:2: helper is not typed"]
    assert check_untranslated_raises(index) == [
        "ttlock:3: HomeAssistantError(<message>) not translated"
    ]


# --- strings, icons, services -----------------------------------------------------------------

STRINGS_CODE = """
from homeassistant.components.event import EventEntityDescription
from homeassistant.components.sensor import SensorEntityDescription, SensorDeviceClass

RECORD = EventEntityDescription(key="record", translation_key="record", event_types=["unlock"])
BATTERY = SensorEntityDescription(
    key="battery", translation_key="battery_level", device_class=SensorDeviceClass.BATTERY
)
MODE = SensorEntityDescription(key="mode", translation_key="mode", options=["eco", "boost"])

def fail() -> None:
    raise HomeAssistantError(translation_domain="minerva_iot", translation_key="jammed")

def warn(hass) -> None:
    ir.async_create_issue(hass, "minerva_iot", "quota", translation_key="quota", is_fixable=False)

def register(hass) -> None:
    hass.services.async_register("minerva_iot", "create_passcode", None)
"""


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
    files = {"strings.json": {"config": {"step": {"a": {"description": "Open {portal_url}."}}}}}
    assert text.check_no_urls(files) == []
    files["en.json"] = {"issues": {"x": {"description": "See https://example.com or www.x.org"}}}
    assert text.check_no_urls(files) == ["en.json: issues.x.description contains a URL"]


# --- documentation ------------------------------------------------------------------------------


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
    assert "the docs have no heading about troubleshoot" in docs.check_troubleshooting("-4043")
    good = "## Region\n## Troubleshooting\n" + " ".join(docs.TROUBLESHOOTING_MARKERS)
    assert docs.check_troubleshooting(good) == []


def test_trigger_and_condition_checks_bite() -> None:
    """Trigger types need strings and docs; a condition module voids the exemption."""
    index = _index(
        device_trigger='TRIGGER_TYPES = {"short_press", "long_press"}\n',
        device_condition="X = 1\n",
    )
    assert docs.check_triggers(
        index, {"device_automation": {"trigger_type": {"short_press": "Short"}}}, "short_press"
    ) == [
        "missing device_automation.trigger_type.long_press",
        "the docs do not mention the device trigger 'long_press' ('long_press')",
    ]
    assert docs.check_no_conditions(index) == [
        "device_condition.py provides conditions: document them"
    ]


@pytest.mark.parametrize(
    ("base", "platform"),
    [("BinarySensorEntity", "binary_sensor"), ("LockEntity", "lock"), ("RestoreSensor", "sensor")],
)
def test_platform_of_entity_classes(base: str, platform: str) -> None:
    """Entity classes are attributed to their platform through their Home Assistant base."""
    index = _index(ttlock__thing=f"class Thing({base}):\n    pass\n")
    (cls,) = index.leaf_entity_classes()
    assert index.entity_platforms(cls) == {platform}


# --- indirect keys: tables, helpers, loops, enums, imported collections ----------------------


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
    assert docs.device_trigger_types(index) == {"press", "hold", "alarm"}
