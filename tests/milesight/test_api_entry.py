"""An entry with API credentials: seeding, thing models, refresh, failures, removal."""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator
from tests.plugins.device_removal import async_delete_device

from .conftest import Deliver, api_entry, ha_device, setup_entry

COLD_STORE = "6136D0000000AB12"
MEETING_ROOM = "6723D0000000EF56"
GARAGE_DOOR = "6611D0000000A1B2"


def _seeded_rows(sim: MilesightSimulator, sn: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (older full, newer partial) history rows the simulator seeds for a device."""
    device = next(d for d in sim.devices if d.sn == sn)
    rows = sorted(device.history, key=lambda row: row[0])
    assert len(rows) == 2
    return rows[0][1], rows[1][1]


async def setup_with_api_call_counter(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up with the (disabled by default) API call counter already enabled in the registry."""
    entry.add_to_hass(hass)
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        f"milesight_application_{entry.entry_id}_api_calls",
        config_entry=entry,
        suggested_object_id="milesight_simulator_api_calls_last_24_h",
        disabled_by=None,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_api_call_counter_is_disabled_by_default(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """The noisy call counter is registered but disabled until the user enables it."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    registry = er.async_get(hass)
    counter_id = "sensor.milesight_simulator_api_calls_last_24_h"
    counter = registry.async_get(counter_id)
    assert counter is not None
    assert counter.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(counter_id) is None
    token = registry.async_get("sensor.milesight_simulator_api_token_expires")
    assert token is not None
    assert token.disabled_by is None
    # Enabled in the entity settings: Home Assistant reloads the entry a little later.
    registry.async_update_entity(counter_id, disabled_by=None)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert int(hass.states.get(counter_id).state) == sum(sim.calls.values())


async def test_api_calls_stored_by_0_2_0_still_count(
    hass: HomeAssistant, hass_storage: dict[str, Any], sim: MilesightSimulator
) -> None:
    """The stored hourly call counts (0.2.0 shape) count for 24 hours after a restart."""
    entry = api_entry(sim)
    hour = int(time.time() // 3600)
    store_key = f"{DOMAIN}.milesight_{entry.entry_id}"
    hass_storage[store_key] = {
        "version": 1,
        "minor_version": 1,
        "key": store_key,
        "data": {"devices": [], "api_usage": {str(hour - 2): 7, str(hour - 30): 100}},
    }
    await setup_with_api_call_counter(hass, entry)
    api_calls = hass.states.get("sensor.milesight_simulator_api_calls_last_24_h")
    assert int(api_calls.state) == 7 + sum(sim.calls.values())
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert hass_storage[store_key]["data"]["api_usage"][str(hour - 2)] == 7


async def test_setup_seeds_devices_values_and_thing_models(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Every API device becomes a HA device with firmware/hardware; values come from history."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    serials = {device.serial_number for device in devices}
    assert {d.sn for d in sim.devices} <= serials
    cold = ha_device(hass, COLD_STORE)
    assert (cold.sw_version, cold.hw_version, cold.model) == ("v1.3", "v1.0", "EM300-TH")
    # Newest value per key: the partial row of 30 min ago wins for the temperature, the
    # humidity it does not carry comes from the full row of 2 h ago.
    older, newer = _seeded_rows(sim, COLD_STORE)
    assert set(newer) == {"temperature"}
    assert float(hass.states.get("sensor.cold_store_temperature").state) == newer["temperature"]
    assert float(hass.states.get("sensor.cold_store_humidity").state) == older["humidity"]
    assert older["temperature"] != newer["temperature"]
    # TSL: unit of an unknown key, enum labels on a binary sensor's raw values.
    tvoc = hass.states.get("sensor.meeting_room_tvoc")
    assert tvoc.attributes["unit_of_measurement"] == "mg/m³"
    assert tvoc.attributes["friendly_name"] == "Meeting room TVOC"
    assert hass.states.get("sensor.cold_store_humidity").attributes["unit_of_measurement"] == "%"
    assert hass.states.get("sensor.milesight_simulator_api_token_expires").state not in (
        "unknown",
        STATE_UNAVAILABLE,
    )
    # Thing models are cached: a reload does not fetch them again.
    tsl_calls = sim.calls["device/thing-specification"]
    assert tsl_calls == len(sim.devices)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert sim.calls["device/thing-specification"] == tsl_calls


async def test_no_seeding_and_slow_refresh(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """Seeding off: no history call at start; the optional refresh reads values later.

    The thing model already lists the readings, so their entities exist (unknown) from the
    start; settings such as the reporting interval get none.
    """
    entry = api_entry(sim, seed_from_api=False, refresh_minutes=30)
    await setup_entry(hass, entry)
    assert sim.calls["device/properties-history"] == 0
    assert hass.states.get("sensor.cold_store_temperature").state == "unknown"
    assert hass.states.get("binary_sensor.meeting_room_motion").state == "unknown"
    assert hass.states.get("sensor.cold_store_reporting_interval") is None
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls["device/properties-history"] == len(sim.devices)
    _, newer = _seeded_rows(sim, COLD_STORE)
    assert float(hass.states.get("sensor.cold_store_temperature").state) == newer["temperature"]


async def test_refresh_failure_keeps_pushed_values(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A failed slow refresh does not blank out values that webhooks keep current."""
    entry = api_entry(sim, refresh_minutes=30)
    await setup_entry(hass, entry)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 3.3}))
    searches = sim.calls["device/search"]
    sim.fail_next(10, "http500", endpoint="device/search")
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    # The refresh ran and every try failed (the client retries server errors).
    assert sim.calls["device/search"] > searches
    assert sim.calls["device/properties-history"] == len(sim.devices)  # start-up only
    assert hass.states.get("sensor.cold_store_temperature").state == "3.3"


async def test_one_device_failing_does_not_hide_others(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """A per-device API error is skipped."""
    sim.fail_next(1, "http500", endpoint="device/thing-specification")
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.meeting_room_temperature") is not None


async def test_auth_failure_starts_reauth(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """Refused credentials at start-up → reauth flow."""
    sim.rotate_secret("rotated")
    entry = api_entry(sim)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert any(flow["context"]["source"] == SOURCE_REAUTH for flow in flows)


@pytest.mark.parametrize("endpoint", ["oauth/token", "device/search"])
async def test_unreachable_api_at_setup_still_receives_pushes(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    endpoint: str,
) -> None:
    """API down at start-up: the entry loads push-only, the sync runs later in the background.

    A set-up retry would leave the webhook unregistered, and MDP's deliveries would be lost.
    """
    sim.fail_next(1, "http500", endpoint=endpoint)
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert caplog.text.count("Milesight API unavailable at start-up") == 1
    assert await deliver(sim.uplink_event(COLD_STORE, {"temperature": 2.5})) == (200, "success")
    assert hass.states.get("sensor.cold_store_temperature").state == "2.5"
    assert hass.states.get("sensor.meeting_room_temperature") is None
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.meeting_room_temperature") is not None
    # The first sync is done: the entry is push-only again (no periodic refresh configured).
    # Only the delivery watchdog asks once, with a new token, why the cold store went silent.
    calls = sum(sim.calls.values())
    freezer.tick(timedelta(hours=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.watchdog.history_checks == 1
    assert sum(sim.calls.values()) == calls + 2


async def test_offline_status_from_api(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """connectStatus OFFLINE/DISCONNECT makes the device unavailable."""
    next(d for d in sim.devices if d.sn == GARAGE_DOOR).connect_status = "DISCONNECT"
    await setup_entry(hass, api_entry(sim))
    assert hass.states.get("binary_sensor.garage_door_door").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.garage_door_connectivity").state == "off"


async def test_refresh_token_button(hass: HomeAssistant, sim: MilesightSimulator) -> None:
    """The button fetches a new token; refused credentials start a reauth."""
    from homeassistant.exceptions import HomeAssistantError

    entry = api_entry(sim)
    await setup_entry(hass, entry)
    calls = sim.calls["oauth/token"]
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.milesight_simulator_refresh_api_token"},
        blocking=True,
    )
    assert sim.calls["oauth/token"] == calls + 1
    sim.fail_next(1, "http500")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": "button.milesight_simulator_refresh_api_token"},
            blocking=True,
        )
    assert err.value.translation_key == "milesight_api_error"
    sim.rotate_secret("rotated")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button",
            "press",
            {"entity_id": "button.milesight_simulator_refresh_api_token"},
            blocking=True,
        )
    assert err.value.translation_key == "milesight_auth_failed"
    await hass.async_block_till_done()
    assert any(
        flow["context"]["source"] == SOURCE_REAUTH
        for flow in hass.config_entries.flow.async_progress()
    )


async def test_remove_device_and_entry(
    hass: HomeAssistant,
    sim: MilesightSimulator,
    deliver: Deliver,
    issue_registry: ir.IssueRegistry,
    hass_ws_client,
) -> None:
    """A device deleted once unlisted comes back when it reports; removing the entry clears issues."""
    assert await async_setup_component(hass, "config", {})
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    listed = next(device for device in sim.devices if device.sn == COLD_STORE)
    sim.devices.remove(listed)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    cold = ha_device(hass, COLD_STORE)
    client = await hass_ws_client(hass)
    assert await async_delete_device(hass, client, entry, cold)
    assert dr.async_get(hass).async_get(cold.id) is None
    sim.devices.append(listed)  # added to the application again in MDP
    no_url_issue = f"milesight_no_external_url_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, no_url_issue)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 7.5}))
    assert hass.states.get("sensor.cold_store_temperature").state == "7.5"
    # MDP got through, so a public route exists although HA knows no external URL.
    assert not issue_registry.async_get_issue(DOMAIN, no_url_issue)

    await deliver(sim.event("SYSTEM_MESSAGES", message_type="SERVICE_NOTICE", info="limit"))
    push_limit_issue = f"milesight_push_limit_{entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, push_limit_issue)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not issue_registry.async_get_issue(DOMAIN, push_limit_issue)
    assert not er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)


async def test_thing_model_enum_and_plain_values(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A TSL enum turns raw values into labels; booleans of unknown keys read as text."""
    from simulators.milesight.catalogue import thing_properties

    properties = [
        *thing_properties("EM300-TH"),
        {
            "id": "device_mode",
            "name": "Device Mode",
            "accessMode": "R",
            "dataSpec": {"dataType": "ENUM", "mappings": [{"key": "1", "value": "Normal"}]},
        },
        {
            "id": "heater_state",
            "name": "Heater State",
            "accessMode": "R",
            "dataSpec": {
                "dataType": "BOOL",
                "mappings": [{"key": "0", "value": "Off"}, {"key": "1", "value": "On"}],
            },
        },
    ]
    sim.set_thing_properties("EM300-TH", properties)
    await setup_entry(hass, api_entry(sim))
    await deliver(sim.uplink_event(COLD_STORE, {"device_mode": 1, "heater": True}))
    mode = hass.states.get("sensor.cold_store_device_mode")
    assert mode.state == "Normal"
    assert mode.attributes["options"] == ["Normal"]
    # A raw value the thing model does not map is unknown (never an invalid enum state).
    await deliver(sim.uplink_event(COLD_STORE, {"device_mode": 2}))
    assert hass.states.get("sensor.cold_store_device_mode").state == "unknown"
    await deliver(sim.uplink_event(COLD_STORE, {"device_mode": 1.0, "heater_state": True}))
    assert hass.states.get("sensor.cold_store_device_mode").state == "Normal"
    assert hass.states.get("sensor.cold_store_heater_state").state == "On"
    assert hass.states.get("sensor.cold_store_heater").state == "true"


async def test_rate_limit_at_setup_defers_the_first_sync(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """A rate limit at start-up sets the entry up push-only and syncs after Retry-After."""
    sim.fail_next(1, "429", endpoint="device/thing-specification")
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    calls = sum(sim.calls.values())
    # Webhooks work meanwhile; the API is left alone until the pause is over.
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 2.5}))
    assert hass.states.get("sensor.cold_store_temperature").state == "2.5"
    assert hass.states.get("sensor.meeting_room_temperature") is None
    assert sum(sim.calls.values()) == calls
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sum(sim.calls.values()) > calls
    assert hass.states.get("sensor.meeting_room_temperature") is not None
    # After the deferred sync the entry is push-only again: no further API calls but the
    # delivery watchdog's one question (and its token) about the cold store's silence.
    calls = sum(sim.calls.values())
    freezer.tick(timedelta(hours=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.watchdog.history_checks == 1
    assert sum(sim.calls.values()) == calls + 2


async def test_deferred_first_sync_failing_retries_slowly(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """When the sync deferred by a rate limit fails, it is retried in minutes, not seconds."""
    sim.fail_next(1, "429", endpoint="device/thing-specification")
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    sim.fail_next(1, "http500", endpoint="device/search")
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    # The deferred sync failed: still no device of the API.
    assert hass.states.get("sensor.meeting_room_temperature") is None
    calls = sum(sim.calls.values())
    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sum(sim.calls.values()) == calls
    freezer.tick(timedelta(minutes=11))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get("sensor.meeting_room_temperature").state != "unknown"


async def test_rate_limit_pauses_the_slow_refresh(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Without Retry-After the refresh makes no call for 30 minutes, then recovers."""
    from custom_components.minerva_iot.clients.milesight import (
        MilesightClient,
        MilesightRateLimitError,
    )

    entry = api_entry(sim, refresh_minutes=15)
    await setup_with_api_call_counter(hass, entry)
    api_calls = hass.states.get("sensor.milesight_simulator_api_calls_last_24_h")
    assert int(api_calls.state) == sum(sim.calls.values())
    limited = AsyncMock(side_effect=MilesightRateLimitError("quota", status=429))
    with patch.object(MilesightClient, "async_search_devices", limited):
        freezer.tick(timedelta(minutes=16))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert limited.await_count == 1
        assert not entry.runtime_data.coordinator.last_update_success
        # The next refresh falls inside the pause: no call at all.
        freezer.tick(timedelta(minutes=16))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert limited.await_count == 1
        coordinator = entry.runtime_data.coordinator
        assert coordinator.last_exception.translation_key == "milesight_rate_limited"
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.runtime_data.coordinator.last_update_success


async def test_thing_model_reread_after_firmware_update(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """The cached thing model of a device is read again when its firmware changes."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    tsl_calls = sim.calls["device/thing-specification"]
    next(d for d in sim.devices if d.sn == COLD_STORE).firmware_version = "v2.0"
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert sim.calls["device/thing-specification"] == tsl_calls + 1
    assert ha_device(hass, COLD_STORE).sw_version == "v2.0"


async def test_entry_data_updates_do_not_reload(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Storing a cloudhook URL (or any entry.data change) never reloads the entry."""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data.coordinator
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "cloudhook_url": "https://hooks.example.org/x"}
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.coordinator is coordinator


async def test_api_device_without_serial_number_is_skipped(
    hass: HomeAssistant, sim: MilesightSimulator
) -> None:
    """Devices are keyed by serial number: one the API lists without it gets no device."""
    next(d for d in sim.devices if d.sn == COLD_STORE).sn = ""
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    serials = {
        device.serial_number
        for device in dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    }
    assert "" not in serials
    assert COLD_STORE not in serials
    assert MEETING_ROOM in serials


async def test_slow_refresh_reads_history_only_since_the_last_read(
    hass: HomeAssistant, sim: MilesightSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Start-up reads 24 h of history; a refresh only the time since the last read (+ 60 s).

    The cold store reported every 5 minutes for a day: 288 rows, three history pages. Reading
    a whole day again on every refresh would cost those three pages each time.
    """
    cold = next(d for d in sim.devices if d.sn == COLD_STORE)
    now_ms = int(time.time() * 1000)
    for minutes in range(1, 24 * 60, 5):
        cold.record(now_ms - minutes * 60_000, {"temperature": 5.0})
    await setup_entry(hass, api_entry(sim, refresh_minutes=30))
    devices = len(sim.devices)
    assert sim.calls["device/properties-history"] == devices + 2
    assert {int(q["endTime"]) - int(q["startTime"]) for q in sim.history_queries} == {86_400_000}
    assert {(q["order"], q["pageSize"]) for q in sim.history_queries} == {("desc", "100")}

    sim.history_queries.clear()
    before = sim.calls["device/properties-history"]
    freezer.tick(timedelta(minutes=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls["device/properties-history"] - before == devices
    window_ms = (31 * 60 + 60) * 1000
    assert {int(q["endTime"]) - int(q["startTime"]) for q in sim.history_queries} == {window_ms}

    # After a long gap (rate-limit pause, API outage) the window is capped at 24 h.
    sim.history_queries.clear()
    freezer.tick(timedelta(hours=25))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(sim.history_queries) == devices
    assert {int(q["endTime"]) - int(q["startTime"]) for q in sim.history_queries} == {86_400_000}


async def test_numeric_device_ids_from_the_api(hass: HomeAssistant) -> None:
    """deviceId sent as a JSON number (reference §4) still keys every per-device call."""
    sim = MilesightSimulator(seed=3, numeric_device_ids=True)
    await sim.start(host="127.0.0.1", port=0)
    try:
        entry = api_entry(sim)
        await setup_entry(hass, entry)
        # The simulator answers 404 for any other key: every device's calls found it.
        assert sim.calls["device/thing-specification"] == len(sim.devices)
        assert {q["pageSize"] for q in sim.history_queries} == {"100"}
        _, newer = _seeded_rows(sim, COLD_STORE)
        temperature = float(hass.states.get("sensor.cold_store_temperature").state)
        assert temperature == newer["temperature"]
        assert hass.states.get("sensor.meeting_room_tvoc").attributes["unit_of_measurement"] == (
            "mg/m³"
        )
        assert await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await sim.stop()
