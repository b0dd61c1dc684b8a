"""Set-up of a TTLock entry against the simulator: devices, entities, quota-aware polling."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.ttlock.auth import api_host_for
from simulators.ttlock import TTLockSimulator

from .conftest import BACK_DOOR, FIRST_SETUP_STATE_QUERIES, FRONT_DOOR, find_device


async def test_setup_creates_devices_and_entities(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """Every lock and the gateway get a device; entities follow featureValue."""
    # The API call counter is disabled by default: enable it as a user would.
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        "ttlock_account_1001_api_calls_today",
        config_entry=entry,
        suggested_object_id="ttlock_demo_example_com_api_calls_today",
        disabled_by=None,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    loaded_entry = entry
    assert loaded_entry.state is ConfigEntryState.LOADED
    front = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert front is not None
    assert front.name == "Front door"
    assert front.model == "SN9161_PV53"
    assert front.sw_version == "6.1.23.0810"
    gateway = find_device(hass, "ttlock_gateway_9001")
    assert gateway is not None
    assert front.via_device_id == gateway.id

    # Home Assistant never knew these locks' states: each reachable lock was asked once.
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("sensor.front_door_battery").state == "87"
    assert hass.states.get("sensor.back_door_battery").state == "64"
    assert hass.states.get("binary_sensor.hallway_gateway_connectivity").state == "on"
    assert hass.states.get("switch.front_door_passage_mode").state == "off"
    assert float(hass.states.get("number.front_door_auto_lock_time").state) == 5
    # The door sensor only exists where featureValue has the door-sensor bit (front door).
    assert hass.states.get("binary_sensor.front_door_door") is not None
    assert hass.states.get("binary_sensor.back_door_door") is None
    assert hass.states.get("event.front_door_activity").state == STATE_UNKNOWN
    calls = hass.states.get("sensor.ttlock_demo_example_com_api_calls_today")
    assert calls is not None
    assert int(calls.state) == sum(sim.calls.values()) == 13

    # One account-level poll, per-lock details (with the passage schedule of locks that have
    # passage mode) and the one-time state query of each lock.
    assert sim.calls["lock/list"] == 1
    assert sim.calls["gateway/list"] == 1
    assert sim.calls["lock/detail"] == 2
    assert sim.calls["gateway/listByLock"] == 2
    # The passcode calendars read each keypad lock's passcodes on the slow tier.
    assert sim.calls["lock/listKeyboardPwd"] == 2
    assert sim.calls["lock/getPassageModeConfiguration"] == 2
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES
    # Whether the front door (featureValue bit 13) really has a door sensor: a cloud read.
    assert sim.calls["doorSensor/query"] == 1

    entities = er.async_get(hass)
    assert entities.async_get("lock.front_door").unique_id == f"ttlock_lock_{FRONT_DOOR}_lock"


async def test_api_call_counter_is_disabled_by_default(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """A diagnostic few users need: registered, but disabled until the user enables it."""
    entity_id = "sensor.ttlock_demo_example_com_api_calls_today"
    registry = er.async_get(hass)
    registry_entry = registry.async_get(entity_id)
    assert registry_entry is not None
    assert registry_entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert registry_entry.entity_category is EntityCategory.DIAGNOSTIC
    assert hass.states.get(entity_id) is None

    # Enabled in the entity settings, it reports once the entry reloads.
    registry.async_update_entity(entity_id, disabled_by=None)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(entity_id)
    assert state is not None
    assert int(state.state) >= 4  # the reloaded set-up: lists, lock details, lock gateways


async def test_safety_recheck_queries_reachable_locks(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """With the safety re-check on, the slow tier asks each reachable lock once."""
    hass.config_entries.async_update_entry(entry, options={"safety_recheck": True})
    sim.locks[BACK_DOOR].locked = False
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert sim.calls["lock/queryOpenState"] == 2
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("lock.back_door").state == "unlocked"


async def test_unload_and_unavailable(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Unloading leaves the entities unavailable."""
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("lock.front_door").state == STATE_UNAVAILABLE


async def test_options_change_reloads_but_token_refresh_does_not(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """Saving options reloads the entry; persisting a token alone must not."""
    hass.config_entries.async_update_entry(
        loaded_entry, data={**loaded_entry.data, "token": {**loaded_entry.data["token"]}}
    )
    await hass.async_block_till_done()
    assert sim.calls["lock/list"] == 1

    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "ttlock_options"}
    )
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"poll_minutes": 10, "slow_hours": 2, "safety_recheck": False}
    )
    await hass.async_block_till_done()
    assert sim.calls["lock/list"] == 2
    assert loaded_entry.state is ConfigEntryState.LOADED
    # The reloaded entry knows the lock states (restored): no lock is asked again.
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES

    # The new interval is in force: a poll after 10 minutes, none 9 minutes later.
    for minutes, polls in ((10, 3), (9, 3)):
        freezer.tick(timedelta(minutes=minutes))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert sim.calls["lock/list"] == polls


async def test_application_credential_description(
    hass: HomeAssistant, credential: None, hass_ws_client: WebSocketGenerator
) -> None:
    """The credential dialog explains where the client id comes from (URL as placeholder)."""
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "application_credentials/config"})
    result = (await client.receive_json())["result"]
    placeholders = result["integrations"][DOMAIN]["description_placeholders"]
    assert placeholders["portal_url"].startswith("https://")


def test_api_host_for_regions() -> None:
    """Without an explicit API URL the region picks the cloud host."""
    assert api_host_for("eu", None) == "https://euapi.ttlock.com"
    assert api_host_for("cn", "") == "https://cnapi.ttlock.com"
    assert api_host_for("eu", "http://127.0.0.1:1/") == "http://127.0.0.1:1"
