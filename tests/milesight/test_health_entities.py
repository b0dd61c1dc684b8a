"""Webhook health and last-seen entities: they change with the health, not with every push."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import EVENT_STATE_CHANGED, STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import DOMAIN
from simulators.milesight import MilesightSimulator

from .conftest import Deliver, setup_entry, webhook_entry

COLD_STORE = "6136D0000000AB12"
WEBHOOK = "binary_sensor.milesight_webhook_webhook"
LAST_DELIVERY = "sensor.milesight_webhook_last_webhook_delivery"
REJECTED = "sensor.milesight_webhook_rejected_webhook_deliveries"
COLD_STORE_LAST_SEEN = "sensor.cold_store_last_seen"


def enable(hass: HomeAssistant, entry: MockConfigEntry, unique_id: str, object_id: str) -> None:
    """Register a disabled-by-default sensor as enabled (before the entry is set up)."""
    er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        unique_id,
        config_entry=entry,
        suggested_object_id=object_id,
        disabled_by=None,
    )


@pytest.fixture
async def entry(hass: HomeAssistant, external_url: str) -> MockConfigEntry:
    """A webhook-only entry with "Last webhook delivery" and the cold store's "Last seen"
    enabled, as a user who wants them would."""
    mock = webhook_entry()
    mock.add_to_hass(hass)
    enable(
        hass,
        mock,
        f"milesight_application_{mock.entry_id}_last_delivery",
        "milesight_webhook_last_webhook_delivery",
    )
    enable(hass, mock, f"milesight_device_{COLD_STORE}_last_seen", "cold_store_last_seen")
    assert await hass.config_entries.async_setup(mock.entry_id)
    await hass.async_block_till_done()
    return mock


async def test_state_writes_of_100_deliveries(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """100 deliveries 6 s apart (six devices every 10 minutes): readings write their changes,
    the webhook entity once, the timestamps at most every 5 minutes (0.2.0 wrote the last
    delivery 100 times)."""
    devices = [device.sn for device in sim.devices]
    await deliver([sim.uplink_event(sn) for sn in devices])
    writes: Counter[str] = Counter()
    changes: Counter[str] = Counter()

    @callback
    def count(event: Event) -> None:
        writes[event.data["entity_id"]] += 1
        old, new = event.data["old_state"], event.data["new_state"]
        if old is not None and new is not None and old.state != new.state:
            changes[event.data["entity_id"]] += 1

    hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    for index in range(100):
        freezer.tick(timedelta(seconds=6))
        async_fire_time_changed(hass)
        await deliver(sim.uplink_event(devices[index % len(devices)]))
    freezer.tick(timedelta(minutes=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    assert writes[WEBHOOK] == 0  # it said "receiving" before and still does
    # 600 s of deliveries: written at once, then at the end of each 5-minute pause.
    assert 2 <= writes[LAST_DELIVERY] <= 3
    assert 2 <= writes[COLD_STORE_LAST_SEEN] <= 3
    assert writes[REJECTED] == 0
    readings = {
        entity_id: count
        for entity_id, count in writes.items()
        if entity_id not in (LAST_DELIVERY, COLD_STORE_LAST_SEEN)
    }
    # Each reading writes only when it changed: its state or attributes, never a timestamp.
    assert readings == {entity_id: changes[entity_id] for entity_id in readings}
    assert sum(readings.values()) <= 100 * 6
    # The last delivery before the silence is shown.
    shown = dt_util.parse_datetime(hass.states.get(LAST_DELIVERY).state)
    assert shown is not None
    assert abs((shown - dt_util.utcnow()).total_seconds() + 300) < 2


async def test_webhook_entity_follows_the_health(
    hass: HomeAssistant, entry: MockConfigEntry, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """Waiting, receiving, refusing (MDP's deliveries fail their signature), receiving."""
    state = hass.states.get(WEBHOOK)
    assert (state.state, state.attributes["status"]) == (STATE_OFF, "waiting")
    assert state.attributes["device_class"] == "problem"
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    assert hass.states.get(WEBHOOK).attributes["status"] == "receiving"
    for _ in range(5):
        assert (await deliver(sim.uplink_event(COLD_STORE), secret="rotated"))[0] == 401
    state = hass.states.get(WEBHOOK)
    assert (state.state, state.attributes["status"]) == (STATE_ON, "refusing")
    assert hass.states.get(REJECTED).state == "5"
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.1}))
    state = hass.states.get(WEBHOOK)
    assert (state.state, state.attributes["status"]) == (STATE_OFF, "receiving")


async def test_timestamps_are_disabled_by_default(
    hass: HomeAssistant, external_url: str, sim: MilesightSimulator, deliver: Deliver
) -> None:
    """A new entry registers "Last webhook delivery" and "Last seen" disabled."""
    mock = webhook_entry()
    await setup_entry(hass, mock)
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0}))
    registry = er.async_get(hass)
    for entity_id in (LAST_DELIVERY, COLD_STORE_LAST_SEEN):
        registered = registry.async_get(entity_id)
        assert registered is not None, entity_id
        assert registered.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert hass.states.get(entity_id) is None
    assert hass.states.get(WEBHOOK).state == STATE_OFF


async def test_last_seen_shows_the_last_uplink_also_when_overdue(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    sim: MilesightSimulator,
    deliver: Deliver,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The last-seen sensor stays available while the device is overdue."""
    await deliver(sim.uplink_event(COLD_STORE, {"temperature": 4.0, "reporting_interval": 600}))
    seen = hass.states.get(COLD_STORE_LAST_SEEN).state
    assert dt_util.parse_datetime(seen).timestamp() == pytest.approx(time.time(), abs=1)
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.cold_store_temperature").state == "unavailable"
    assert hass.states.get(COLD_STORE_LAST_SEEN).state == seen
