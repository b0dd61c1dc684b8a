"""Deleting a Milesight device from the device page, with the entry loaded or not."""

from __future__ import annotations

import inspect
from typing import Any

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator

from .conftest import Deliver, api_entry, ha_device, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
GARAGE_DOOR = "6611D0000000A1B2"


async def _remove(client: Any, device: dr.DeviceEntry, entry: MockConfigEntry) -> bool:
    """Ask for the removal through the device registry websocket, as the device page does."""
    # The helper lost its config entry argument when devices got a single entry (HA 2026.8).
    takes_entry = len(inspect.signature(client.remove_device).parameters) == 2
    response = await client.remove_device(
        *((device.id, entry.entry_id) if takes_entry else (device.id,))
    )
    return bool(response["success"])


@pytest.mark.usefixtures("external_url")
async def test_device_of_a_disabled_entry_can_be_deleted_for_good(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, hass_ws_client: Any
) -> None:
    """The entry is not loaded: the device goes, and re-enabling does not bring it back."""
    assert await async_setup_component(hass, "config", {})
    entry = webhook_entry()
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 5.0}))
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": 1}))
    registry = dr.async_get(hass)
    cold = ha_device(hass, COLD_STORE)
    application = next(
        device
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
        if device.serial_number is None
    )
    await hass.config_entries.async_set_disabled_by(entry.entry_id, ConfigEntryDisabler.USER)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED

    client = await hass_ws_client(hass)
    assert not await _remove(client, application, entry)
    assert await _remove(client, cold, entry)
    await hass.async_block_till_done()
    assert registry.async_get(cold.id) is None

    await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    serials = {
        device.serial_number
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert COLD_STORE not in serials
    assert GARAGE_DOOR in serials
    assert hass.states.get("sensor.cold_store_temperature") is None
    # It comes back when it reports again.
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 6.0}))
    assert hass.states.get("sensor.cold_store_temperature").state == "6.0"


async def test_devices_of_an_entry_that_failed_to_set_up_can_be_deleted(
    hass: HomeAssistant, sim: MilesightSimulator, hass_ws_client: Any
) -> None:
    """Refused credentials at start-up: no runtime data and no store, the deletion still works."""
    assert await async_setup_component(hass, "config", {})
    sim.rotate_secret("rotated")
    entry = api_entry(sim)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    registry = dr.async_get(hass)
    sensor = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"milesight_device_{COLD_STORE}")}
    )
    # A device another integration's identifier put in the entry (nothing of ours to forget).
    foreign = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("other_domain", "x")}
    )
    client = await hass_ws_client(hass)
    assert await _remove(client, sensor, entry)
    assert await _remove(client, foreign, entry)
    await hass.async_block_till_done()
    assert registry.async_get(sensor.id) is None
    assert registry.async_get(foreign.id) is None
