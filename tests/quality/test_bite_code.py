"""Negative tests of the code checkers: every checker finds a planted violation, and accepts the fixed code.

A check that never fails proves nothing, so each one is run on small synthetic packages.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from . import (
    code_checks as code,
    entity_checks as entity,
)
from .iqs_rules import ALL_RULES, reached_tier, validate_quality_scale
from .rule_checks import (
    check_parallel_updates,
    check_untranslated_raises,
)
from .synthetic import ENTITY_BASE, synthetic_index as _index


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
    """A platform module without an int PARALLEL_UPDATES is reported; no platform is reported."""
    modules = {
        "sensor": SimpleNamespace(async_setup_entry=None),
        "lock": SimpleNamespace(PARALLEL_UPDATES=1),
        "event": SimpleNamespace(PARALLEL_UPDATES="1"),
    }
    assert check_parallel_updates(modules) == [  # type: ignore[arg-type]
        "event.py: no module-level PARALLEL_UPDATES",
        "sensor.py: no module-level PARALLEL_UPDATES",
    ]
    assert check_parallel_updates({"lock": modules["lock"]}) == []  # type: ignore[dict-item]
    assert check_parallel_updates({}) == ["found no platform of a vendor to check"]


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
    problems = entity.check_no_hardcoded_icons(index)
    assert len(problems) == 3
    assert "ttlock.sensor:4: SensorEntityDescription(icon=...)" in problems
    assert entity.check_no_hardcoded_icons(_index(ttlock__entity=ENTITY_BASE)) == []
    assert entity.check_no_hardcoded_icons(_index()) == ["found no entity class to check"]


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
    """Battery/RSSI must be diagnostic; RSSI must be disabled; no description is reported."""
    index = _index(
        ttlock__sensor="""
        from homeassistant.components.sensor import SensorEntityDescription
        from homeassistant.const import UnitOfTemperature

        BATTERY = SensorEntityDescription(key="battery")
        RSSI = SensorEntityDescription(key="rssi", entity_category=EntityCategory.DIAGNOSTIC)
        TEMP = SensorEntityDescription(key="temp", native_unit_of_measurement=UnitOfTemperature.CELSIUS)
        """
    )
    assert entity.check_entity_category(index) == [
        "ttlock.sensor:5: 'battery' is not EntityCategory.DIAGNOSTIC"
    ]
    assert entity.check_disabled_by_default(index) == [
        "ttlock.sensor:6: 'rssi' is enabled by default"
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
    assert entity.check_disabled_by_default(fixed) == []
    assert entity.check_entity_category(fixed) == []
    quiet = _index(ttlock__sensor='BATTERY = SensorEntityDescription(key="battery")\n')
    assert entity.check_disabled_by_default(quiet) == [
        "found no description of a noisy key to check"
    ]
    assert entity.check_entity_category(_index()) == ["found no entity description to check"]


def test_entity_category_requires_some_diagnostic_entity() -> None:
    """A package with entities but no diagnostic one is reported."""
    index = _index(
        ttlock__entity=ENTITY_BASE,
        ttlock__sensor='DOOR = BinarySensorEntityDescription(key="door")\n',
    )
    assert entity.check_entity_category(index) == ["no entity is EntityCategory.DIAGNOSTIC"]


def test_client_isolation_bites() -> None:
    """Home Assistant and third-party imports are reported in clients; aiohttp must be found."""
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
    ]
    assert code.check_clients_isolated(
        _index(packages={"ttlock"}, ttlock__client="import json\n")
    ) == ["found no client import of aiohttp to check"]


def test_session_bites() -> None:
    """An own ClientSession, no injected session and no client package are reported."""
    clients = _index(
        packages={"ttlock"},
        ttlock__client="""
        import aiohttp

        class Client:
            def __init__(self, host: str) -> None:
                self._session = aiohttp.ClientSession()
        """,
    )
    assert code.check_session_injected(_index(), clients) == [
        "clients/ttlock.client:6: creates its own ClientSession",
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
    assert code.check_session_injected(_index(), _index(packages=set())) == [
        "found no client package to check"
    ]


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
    assert code.check_common_modules(_index()) == [
        "found no DataUpdateCoordinator subclass to check",
        "found no entity base shared across modules to check",
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
    assert entity.check_entity_event_setup(index) == [
        "ttlock.entity:12: async_dispatcher_connect result is dropped (wrap it in self.async_on_remove)"
    ]
    assert entity.check_entity_event_setup(_index(ttlock__entity=ENTITY_BASE)) == [
        "found no subscription made by an entity to check"
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
                webhook.async_register(hass, "minerva_iot", "TTLock", "id", None)
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
        "ttlock/: never calls async_unload_platforms",
        "ttlock:4: registers a webhook it never unregisters",
    ]
    assert code.check_test_before_setup(index) == [
        "ttlock/: set-up neither refreshes first nor raises ConfigEntry*"
    ]
    assert code.check_unique_config_entry(index) == [
        "ttlock.config_flow: creates entries without async_set_unique_id",
        "ttlock.config_flow: never aborts on an already configured entry",
    ]
    assert code.check_reauthentication(index) == [
        "ttlock.config_flow: reauth never calls _get_reauth_entry",
        "ttlock.config_flow: reauth never calls async_update_reload_and_abort",
        "ttlock.config_flow: reauth does not check it is the same account",
    ]
    assert code.check_reconfiguration(index) == ["found no vendor reconfigure flow to check"]
    assert code.check_action_setup(index) == ["ttlock:3: action registered per entry"]
    empty = _index(ttlock="X = 1\n")
    assert code.check_action_setup(empty) == ["found no action registration to check"]
    assert code.check_unique_config_entry(empty) == [
        "found no flow module creating entries to check"
    ]
    assert code.check_unloading(empty) == [
        "ttlock/: never calls async_unload_platforms",
        "found no webhook.async_register call to check",
    ]
    assert code.check_test_before_setup(_index(packages={""})) == [
        "found no vendor package to check"
    ]


def test_translated_raises_bite() -> None:
    """English-message exceptions are reported; a package raising none is reported too."""
    index = _index(
        ttlock="""
        def helper(value):
            raise HomeAssistantError("Lock jammed")

        def typed(value: int) -> None:
            raise HomeAssistantError(translation_domain="minerva_iot", translation_key="jammed")
        """
    )
    assert check_untranslated_raises(index) == [
        "ttlock:3: HomeAssistantError(<message>) not translated"
    ]
    assert check_untranslated_raises(_index()) == ["found no user-facing exception to check"]


# --- strings, icons, services -----------------------------------------------------------------


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


def test_polling_check_bites() -> None:
    """Polls under five minutes (literal or default option) are reported; 0 means off."""
    index = _index(
        ttlock__coordinator="""
        from datetime import timedelta

        SCAN_INTERVAL = timedelta(seconds=30)
        DEFAULT_POLL_MINUTES = 2
        MIN_REFRESH_MINUTES = 0

        class Coordinator(DataUpdateCoordinator[int]):
            def __init__(self, hass) -> None:
                super().__init__(hass, None, update_interval=timedelta(minutes=1))
        """
    )
    assert code.check_polling(index) == [
        "ttlock.coordinator:4: SCAN_INTERVAL of 30 s",
        "ttlock.coordinator:5: DEFAULT_POLL_MINUTES is 120 s",
        "ttlock.coordinator:10: update_interval of 60 s",
    ]
    fine = _index(ttlock__const="DEFAULT_POLL_MINUTES = 30\nMIN_POLL_MINUTES = 5\n")
    assert code.check_polling(fine) == []
    assert code.check_polling(_index(ttlock__const="POLL = 30\n")) == [
        "found no poll interval (SCAN_INTERVAL, DEFAULT_/MIN_ constant, literal update_interval) "
        "to check"
    ]
