"""A delivery updates only the entities of the devices it touched; an API sync updates all."""

from __future__ import annotations

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from simulators.milesight import MilesightSimulator

from .conftest import Deliver, api_entry, ha_device, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
GARAGE_DOOR = "6611D0000000A1B2"
WEBHOOK = "binary_sensor.milesight_webhook_webhook"


def reported(hass: HomeAssistant, sn: str) -> dict[str, datetime]:
    """When each entity of a device last wrote its state (changed or not)."""
    registry = er.async_get(hass)
    times: dict[str, datetime] = {}
    for entity in er.async_entries_for_device(registry, ha_device(hass, sn).id):
        if (state := hass.states.get(entity.entity_id)) is not None:
            times[entity.entity_id] = state.last_reported
    return times


async def test_delivery_leaves_other_devices_alone(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """A reading of one device makes neither the entities of another device write state, nor
    those of its own device whose value stayed the same (issue 16: the state writes of a
    delivery are the states it changed)."""
    await setup_entry(hass, webhook_entry())
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "humidity": 70}))
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": "open", "battery": 98}))
    garage_before = reported(hass, GARAGE_DOOR)
    cold_before = reported(hass, COLD_STORE)
    assert "binary_sensor.garage_door_door" in garage_before
    webhook_before = hass.states.get(WEBHOOK)

    freezer.tick(timedelta(minutes=1))
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.5, "humidity": 70}))

    assert reported(hass, GARAGE_DOOR) == garage_before
    cold_after = reported(hass, COLD_STORE)
    assert hass.states.get("sensor.cold_store_temperature").state == "4.5"
    written = {
        entity_id for entity_id in cold_before if cold_after[entity_id] > cold_before[entity_id]
    }
    assert written == {"sensor.cold_store_temperature"}
    # The Application's health changes with the health, not with every delivery.
    assert hass.states.get(WEBHOOK).last_updated == webhook_before.last_updated

    # A refused delivery updates the counter of refusals, and no device.
    freezer.tick(timedelta(minutes=1))
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 9.0}), secret="wrong")
    assert hass.states.get("sensor.milesight_webhook_rejected_webhook_deliveries").state == "1"
    assert reported(hass, COLD_STORE) == cold_after
    assert reported(hass, GARAGE_DOOR) == garage_before


async def test_offline_reaches_only_its_device(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """OFFLINE of one device makes its entities unavailable and does not touch the others."""
    await setup_entry(hass, webhook_entry())
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    await deliver(sim.uplink_event(GARAGE_DOOR, {"magnet_status": "open"}))
    cold_before = reported(hass, COLD_STORE)
    freezer.tick(timedelta(minutes=1))
    await deliver(sim.event("OFFLINE", GARAGE_DOOR))
    assert hass.states.get("binary_sensor.garage_door_door").state == STATE_UNAVAILABLE
    assert hass.states.get("binary_sensor.garage_door_connectivity").state == "off"
    assert reported(hass, COLD_STORE) == cold_before
    freezer.tick(timedelta(minutes=1))
    await deliver(sim.event("ONLINE", GARAGE_DOOR))
    assert hass.states.get("binary_sensor.garage_door_door").state == "on"
    assert reported(hass, COLD_STORE) == cold_before


async def test_new_key_and_new_device_get_entities(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A delivery still adds the entities of a key or a device seen for the first time."""
    await setup_entry(hass, webhook_entry())
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert hass.states.get("sensor.cold_store_humidity") is None
    # Two devices in one delivery: the new key of one, the first reading of the other.
    await deliver(
        [
            sim.uplink_event(COLD_STORE, {"humidity": 65}),
            sim.uplink_event(GARAGE_DOOR, {"magnet_status": "closed"}),
        ]
    )
    assert hass.states.get("sensor.cold_store_humidity").state == "65"
    assert hass.states.get("binary_sensor.garage_door_door").state == "off"


async def test_api_refresh_updates_every_device_and_runs_on_time(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """The slow refresh writes every entity whose value it changed; deliveries do not postpone it."""
    await setup_entry(hass, api_entry(sim, refresh_minutes=30))
    garage_before = reported(hass, GARAGE_DOOR)
    assert garage_before
    history_calls = sim.calls["device/properties-history"]
    for _ in range(3):  # a reading every 10 minutes, shorter than the refresh interval
        freezer.tick(timedelta(minutes=10))
        async_fire_time_changed(hass)
        await deliver(sim.uplink_event(COLD_STORE, {"temperature": 3.0}))
        assert reported(hass, GARAGE_DOOR) == garage_before
    # The garage door closed meanwhile: the cloud stored the uplink, MDP did not push it.
    sim.uplink_event(GARAGE_DOOR, {"magnet_status": "closed", "battery": 42})
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls["device/properties-history"] > history_calls
    garage_after = reported(hass, GARAGE_DOOR)
    assert hass.states.get("binary_sensor.garage_door_door").state == "off"
    assert hass.states.get("sensor.garage_door_battery").state == "42"
    for entity_id in ("binary_sensor.garage_door_door", "sensor.garage_door_battery"):
        assert garage_after[entity_id] > garage_before[entity_id]


async def test_frequent_deliveries_do_not_postpone_the_refresh_nor_hide_its_failure(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """Refresh every 15 min, a delivery every 5 min: the device list is still read on time.

    A delivery is no API success either: a failing refresh stays visible.
    """
    entry = api_entry(sim, refresh_minutes=15)
    await setup_entry(hass, entry)
    coordinator = entry.runtime_data.coordinator
    searches = sim.calls["device/search"]
    for minute in range(5, 35, 5):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        await deliver(sim.uplink_event(COLD_STORE, {"temperature": float(minute)}))
    # Two refreshes in 30 minutes (at 15 and at 30), deliveries or not.
    assert sim.calls["device/search"] == searches + 2
    sim.fail_next(1, "http500", endpoint="device/search")
    for _ in range(3):  # the refresh at 45 minutes fails
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        await deliver(sim.uplink_event(COLD_STORE, {"temperature": 1.0}))
    assert sim.calls["device/search"] == searches + 3
    assert not coordinator.last_update_success


async def test_frequent_deliveries_do_not_postpone_the_deferred_first_sync(
    hass: HomeAssistant, sim: MilesightSimulator, deliver: Deliver, freezer: FrozenDateTimeFactory
) -> None:
    """A first sync deferred by an API failure runs 15 minutes later, whatever the pushes."""
    sim.fail_next(1, "http500", endpoint="device/search")
    entry = api_entry(sim)
    await setup_entry(hass, entry)
    assert hass.states.get("sensor.meeting_room_temperature") is None
    for _ in range(4):
        freezer.tick(timedelta(minutes=4))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert hass.states.get("sensor.meeting_room_temperature") is not None
