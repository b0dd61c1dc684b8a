"""The vendor table: every top-level module reaches a vendor through it, never by name."""

from __future__ import annotations

import ast
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.migration import ENTRY_VERSION
from custom_components.minerva_iot.vendors import VENDORS

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN
# The modules allowed to name a vendor: its own package, the constants and the table.
VENDOR_AWARE = {"const.py", "vendors.py"}


@pytest.fixture(autouse=True)
def _custom_integrations(enable_custom_integrations: None) -> None:
    """Load custom_components.minerva_iot."""


def _unknown_vendor_entry(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="From the future",
        data={"vendor": "zigbee", "webhook_id": "abc"},
        version=ENTRY_VERSION,
    )
    entry.add_to_hass(hass)
    return entry


async def test_unknown_vendor_fails_setup_with_a_clear_error(hass: HomeAssistant) -> None:
    """An entry of an unknown vendor is not retried, says why, and can still be removed."""
    entry = _unknown_vendor_entry(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.error_reason_translation_key == "unknown_vendor"
    assert entry.error_reason_translation_placeholders == {"vendor": "zigbee"}
    assert not entry.supports_options
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown_vendor"
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "unknown_vendor"
    assert (await hass.config_entries.async_remove(entry.entry_id))["require_restart"] is False
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_devices_of_an_unknown_vendor_entry_can_be_deleted(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator
) -> None:
    """Nothing of an unknown vendor can come back, so its devices may go."""
    assert await async_setup_component(hass, "config", {})
    entry = _unknown_vendor_entry(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "zigbee_plug_1")}
    )
    client = await hass_ws_client(hass)
    await client.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry.entry_id,
            "device_id": device.id,
        }
    )
    response = await client.receive_json()
    assert response["success"], response
    assert dr.async_get(hass).async_get(device.id) is None


async def test_migration_leaves_ids_that_would_collide(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """An id whose new form is already taken stays as it is (logged), nothing is merged."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={"vendor": "milesight", "webhook_secret": "s", "webhook_id": "b" * 32},
        version=1,
    )
    entry.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    old_device = devices.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "milesight_6136D0000000AB12")}
    )
    devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, "milesight_device_6136D0000000AB12")},
    )
    for unique_id in (
        "milesight_6136D0000000AB12_temperature",
        "milesight_device_6136D0000000AB12_temperature",
    ):
        entities.async_get_or_create("sensor", DOMAIN, unique_id, config_entry=entry)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.version == ENTRY_VERSION
    assert devices.async_get(old_device.id).identifiers == old_device.identifiers
    assert entities.async_get_entity_id("sensor", DOMAIN, "milesight_6136D0000000AB12_temperature")
    assert "its new identifier is taken" in caplog.text
    assert "its new unique id is taken" in caplog.text


async def test_entries_newer_than_this_version_are_refused(hass: HomeAssistant) -> None:
    """A downgrade does not guess at a newer entry's data."""
    entry = MockConfigEntry(domain=DOMAIN, data={"vendor": "milesight"}, version=ENTRY_VERSION + 1)
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.MIGRATION_ERROR


async def test_menu_lists_every_vendor_option(hass: HomeAssistant) -> None:
    """The `user` step is the contract's menu, built from the table."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["milesight", "milesight_webhook", "ttlock"]


def test_every_vendor_platform_has_a_top_level_module() -> None:
    """Home Assistant finds a platform only where the top-level module exists."""
    for vendor in VENDORS.values():
        assert vendor.platforms, vendor.name
        for platform in vendor.platforms:
            assert (PACKAGE / f"{Platform(platform).value}.py").is_file(), platform


def _names_a_vendor(tree: ast.Module) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in {
            "CONF_VENDOR",
            "VENDOR_TTLOCK",
            "VENDOR_MILESIGHT",
        }:
            found.append(node.id)
        elif isinstance(node, ast.Constant) and node.value in {"vendor", "ttlock", "milesight"}:
            found.append(repr(node.value))
    return found


def test_no_top_level_module_branches_on_the_vendor() -> None:
    """Outside the vendor packages, only the table knows which vendors exist."""
    checked = [path for path in PACKAGE.glob("*.py") if path.name not in VENDOR_AWARE]
    assert len(checked) > 10  # the check looks at the real package
    offenders = {
        path.name: names
        for path in checked
        if (names := _names_a_vendor(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


async def test_version_1_ids_are_migrated_in_place(hass: HomeAssistant) -> None:
    """0.2.0 ids move to the one shape; entity ids, user names and device ids stay."""
    milesight = MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JMILESIGHTENTRY000000000",
        data={"vendor": "milesight", "webhook_secret": "s", "webhook_id": "a" * 32},
        version=1,
    )
    ttlock = MockConfigEntry(
        domain=DOMAIN,
        unique_id="1002",
        data={"vendor": "ttlock", "auth_implementation": DOMAIN},
        version=1,
    )
    milesight.add_to_hass(hass)
    ttlock.add_to_hass(hass)
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    sensor_device = devices.async_get_or_create(
        config_entry_id=milesight.entry_id, identifiers={(DOMAIN, "milesight_6136D0000000AB12")}
    )
    app_device = devices.async_get_or_create(
        config_entry_id=milesight.entry_id,
        identifiers={(DOMAIN, f"milesight_application_{milesight.entry_id}")},
    )
    lock_device = devices.async_get_or_create(
        config_entry_id=ttlock.entry_id, identifiers={(DOMAIN, "ttlock_lock_4711001")}
    )
    old = {
        "sensor.cold_store": ("sensor", "milesight_6136D0000000AB12_temperature", milesight),
        "sensor.deliveries": (
            "sensor",
            f"milesight_{milesight.entry_id}_last_delivery",
            milesight,
        ),
        "lock.front": ("lock", "ttlock_4711001_lock", ttlock),
        "sensor.gateway_signal": ("sensor", "ttlock_gateway_9001_signal", ttlock),
    }
    for entity_id, (domain, unique_id, entry) in old.items():
        entities.async_get_or_create(
            domain,
            DOMAIN,
            unique_id,
            config_entry=entry,
            suggested_object_id=entity_id.split(".")[1],
        )
    entities.async_update_entity("sensor.cold_store", name="Freezer")

    # Setting up the first entry loads the integration, which sets up (and migrates) both.
    await hass.config_entries.async_setup(milesight.entry_id)
    await hass.async_block_till_done()
    assert milesight.state is ConfigEntryState.LOADED
    # No application credential here: the TTLock entry fails its set-up after migrating.
    assert ttlock.state is ConfigEntryState.SETUP_ERROR
    assert (milesight.version, ttlock.version) == (ENTRY_VERSION, ENTRY_VERSION)

    assert entities.async_get("sensor.cold_store").unique_id == (
        "milesight_device_6136D0000000AB12_temperature"
    )
    assert entities.async_get("sensor.cold_store").name == "Freezer"
    assert entities.async_get("sensor.deliveries").unique_id == (
        f"milesight_application_{milesight.entry_id}_last_delivery"
    )
    assert entities.async_get("lock.front").unique_id == "ttlock_lock_4711001_lock"
    assert entities.async_get("sensor.gateway_signal").unique_id == "ttlock_gateway_9001_signal"
    assert devices.async_get(sensor_device.id).identifiers == {
        (DOMAIN, "milesight_device_6136D0000000AB12")
    }
    assert devices.async_get(app_device.id).identifiers == app_device.identifiers
    assert devices.async_get(lock_device.id).identifiers == lock_device.identifiers
