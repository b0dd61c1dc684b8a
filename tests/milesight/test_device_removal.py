"""Milesight devices the Application stops listing, and deleting a device from the device page.

The rule is the one of both vendors (stale_devices.py): a device missing from the API's list is
believed gone after three listings in a row (counted across restarts: without the slow refresh
the list is read only at start-up), then unavailable; only the user deletes it, while the entry
is loaded and only when the last listing did not name it.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.stale_devices import LISTINGS_BEFORE_GONE
from simulators.milesight import MilesightSimulator
from tests.plugins.device_removal import async_delete_device

from .conftest import Deliver, api_entry, ha_device, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
MEETING_ROOM = "6723D0000000EF56"
GARAGE_DOOR = "6611D0000000A1B2"
COLD_TEMPERATURE = "sensor.cold_store_temperature"
MEETING_TEMPERATURE = "sensor.meeting_room_temperature"


def _application_device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry:
    return next(
        device
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
        if device.serial_number is None
    )


async def _webhook_entry_with_the_cold_store(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> MockConfigEntry:
    """A loaded webhook-only entry that received the cold store's reading (config set up)."""
    assert await async_setup_component(hass, "config", {})
    entry = webhook_entry()
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 5.0}))
    return entry


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A restart as far as the entry knows: the device list is read again, the store kept."""
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def test_device_deleted_in_the_cloud_is_unavailable_then_deletable(
    hass: HomeAssistant, sim: MilesightSimulator, hass_ws_client: Any
) -> None:
    """Missing from three listings in a row (restarts in between): unavailable, kept, deletable."""
    assert await async_setup_component(hass, "config", {})
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    client = await hass_ws_client(hass)
    # Listed: deleting it would bring it straight back.
    assert not await async_delete_device(hass, client, entry, ha_device(hass, COLD_STORE))

    sim.devices[:] = [device for device in sim.devices if device.sn != COLD_STORE]
    for _ in range(LISTINGS_BEFORE_GONE - 1):
        await _reload(hass, entry)
        assert hass.states.get(COLD_TEMPERATURE).state != STATE_UNAVAILABLE
    await _reload(hass, entry)
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    assert hass.states.get(MEETING_TEMPERATURE).state != STATE_UNAVAILABLE
    # Home Assistant removed nothing by itself.
    assert er.async_get(hass).async_get(COLD_TEMPERATURE) is not None

    client = await hass_ws_client(hass)
    assert not await async_delete_device(hass, client, entry, ha_device(hass, MEETING_ROOM))
    assert not await async_delete_device(hass, client, entry, _application_device(hass, entry))
    assert await async_delete_device(hass, client, entry, ha_device(hass, COLD_STORE))
    assert er.async_get(hass).async_get(COLD_TEMPERATURE) is None
    await _reload(hass, entry)
    serials = {
        device.serial_number
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    assert COLD_STORE not in serials
    assert MEETING_ROOM in serials


async def test_a_device_listed_again_is_available_again(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Believed gone, then listed again (moved back in MDP): the same entities, available."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    cold = next(device for device in sim.devices if device.sn == COLD_STORE)
    sim.devices.remove(cold)
    for _ in range(LISTINGS_BEFORE_GONE):
        await _reload(hass, entry)
    assert hass.states.get(COLD_TEMPERATURE).state == STATE_UNAVAILABLE
    sim.devices.append(cold)
    await _reload(hass, entry)
    assert hass.states.get(COLD_TEMPERATURE).state != STATE_UNAVAILABLE


async def test_an_empty_device_list_changes_nothing_until_it_persists(
    hass: HomeAssistant, sim: MilesightSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An empty list is a failed sync (loaded push-only at start-up), until three in a row."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    sim.devices.clear()
    for _ in range(LISTINGS_BEFORE_GONE - 1):
        await _reload(hass, entry)
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get(MEETING_TEMPERATURE).state != STATE_UNAVAILABLE
    assert "Milesight API listed no device at start-up" in caplog.text
    await _reload(hass, entry)
    assert hass.states.get(MEETING_TEMPERATURE).state == STATE_UNAVAILABLE
    assert er.async_get(hass).async_get(MEETING_TEMPERATURE) is not None


@pytest.mark.usefixtures("external_url")
async def test_webhook_only_devices_are_deleted_by_the_user_and_come_back_when_they_report(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, hass_ws_client: Any
) -> None:
    """No API list: any sensor device may be deleted while the entry is loaded."""
    entry = await _webhook_entry_with_the_cold_store(hass, sim, deliver)
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": 1}))
    client = await hass_ws_client(hass)
    assert not await async_delete_device(hass, client, entry, _application_device(hass, entry))
    assert await async_delete_device(hass, client, entry, ha_device(hass, COLD_STORE))
    assert hass.states.get(COLD_TEMPERATURE) is None
    await _reload(hass, entry)
    assert hass.states.get(COLD_TEMPERATURE) is None
    assert hass.states.get("binary_sensor.garage_door_door") is not None
    # It comes back when it reports again.
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 6.0}))
    assert hass.states.get(COLD_TEMPERATURE).state == "6.0"


@pytest.mark.usefixtures("external_url")
async def test_devices_of_an_entry_that_is_not_loaded_are_kept(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, hass_ws_client: Any
) -> None:
    """Disabled entry: its listing is not known, so every removal is refused (not a crash)."""
    entry = await _webhook_entry_with_the_cold_store(hass, sim, deliver)
    cold = ha_device(hass, COLD_STORE)
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    client = await hass_ws_client(hass)
    assert not await async_delete_device(hass, client, entry, cold)
    assert dr.async_get(hass).async_get(cold.id) is not None


async def test_devices_of_an_entry_that_failed_to_set_up_are_kept(
    hass: HomeAssistant, sim: MilesightSimulator, hass_ws_client: Any
) -> None:
    """Refused credentials at start-up: no runtime data; a refusal, not a crash."""
    assert await async_setup_component(hass, "config", {})
    sim.rotate_secret("rotated")
    entry = api_entry(sim)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    sensor = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"milesight_device_{COLD_STORE}")}
    )
    client = await hass_ws_client(hass)
    assert not await async_delete_device(hass, client, entry, sensor)
    assert dr.async_get(hass).async_get(sensor.id) is not None


async def test_an_api_entry_that_has_not_read_its_list_keeps_its_devices(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, hass_ws_client: Any
) -> None:
    """API down at start-up (push-only): the list may still name the device, so no delete."""
    assert await async_setup_component(hass, "config", {})
    sim.fail_next(1, "http500", endpoint="device/search")
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 2.5}))
    client = await hass_ws_client(hass)
    assert not await async_delete_device(hass, client, entry, ha_device(hass, COLD_STORE))
