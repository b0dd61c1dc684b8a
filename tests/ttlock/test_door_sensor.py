"""The door binary sensor only for locks that really have a door sensor (issue 12 part 7).

featureValue bit 13 says "supports a door sensor", not "has one" (hass-ttlock #175). The cloud's
`doorSensor/query` (a read, on the slow tier: counted like every call) or a first door record
says so; a state query's `sensorState` too. A door entity an earlier version (0.2.0) made for a
lock without a sensor is removed once the cloud says there is none, and kept (provided, not
orphaned) while nothing is known.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_RESTORED, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.minerva_iot.const import DOMAIN
from custom_components.minerva_iot.device_trigger import async_get_triggers
from custom_components.minerva_iot.ttlock.identifiers import lock_unique_id
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import feature_value

from .conftest import BACK_DOOR, FRONT_DOOR, WEBHOOK_ID, find_device

QUERY = "doorSensor/query"
FRONT_DOOR_SENSOR = "binary_sensor.front_door_door"
BACK_DOOR_SENSOR = "binary_sensor.back_door_door"
DOOR_OPEN = 31
# The back door's bits with bit 13 (door sensor supported) added; the simulator binds none.
BACK_WITH_BIT_13 = feature_value((0, 1, 4, 8, 10, 13, 14, 15, 22))


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _slow_tier(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(hours=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def _asked(sim: TTLockSimulator, lock_id: int) -> int:
    return [params["lockId"] for _, endpoint, params in sim.requests if endpoint == QUERY].count(
        str(lock_id)
    )


def _register_old_door_entity(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    """The back door's door entity, as a 0.2.0 installation has it for a bit-13 lock."""
    registered = er.async_get(hass).async_get_or_create(
        "binary_sensor",
        DOMAIN,
        lock_unique_id(BACK_DOOR, "door"),
        config_entry=entry,
        suggested_object_id="back_door_door",
    )
    return registered.entity_id


async def _door_triggers(hass: HomeAssistant, lock_id: int) -> set[str]:
    assert await async_setup_component(hass, "device_automation", {})
    device = find_device(hass, f"ttlock_lock_{lock_id}")
    assert device is not None
    types = {trigger["type"] for trigger in await async_get_triggers(hass, device.id)}
    return types & {"door_opened", "door_closed"}


async def test_a_bound_sensor_is_asked_about_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """The front door's sensor answers: its entity, its door triggers, and no further query
    (remembered across restarts). The first state query already told the door is closed."""
    await _set_up(hass, entry)
    assert hass.states.get(FRONT_DOOR_SENSOR).state == "off"
    assert await _door_triggers(hass, FRONT_DOOR) == {"door_opened", "door_closed"}
    assert _asked(sim, FRONT_DOOR) == 1
    await _slow_tier(hass, freezer)
    assert _asked(sim, FRONT_DOOR) == 1
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _asked(sim, FRONT_DOOR) == 1
    assert hass.states.get(FRONT_DOOR_SENSOR) is not None


async def test_bit_13_without_a_sensor_has_no_door_entity(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """Asked at set-up ("failed or means no"): no entity, no door triggers; asked again only
    after a restart (a sensor bound later also shows itself by its first door record)."""
    sim.locks[BACK_DOOR].feature_value = BACK_WITH_BIT_13
    await _set_up(hass, entry)
    assert hass.states.get(BACK_DOOR_SENSOR) is None
    assert await _door_triggers(hass, BACK_DOOR) == set()
    assert _asked(sim, BACK_DOOR) == 1
    await _slow_tier(hass, freezer)
    assert _asked(sim, BACK_DOOR) == 1
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _asked(sim, BACK_DOOR) == 2


async def test_a_0_2_0_door_entity_goes_when_the_cloud_says_there_is_no_sensor(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """Not left behind as "no longer provided": removed from the entity registry."""
    sim.locks[BACK_DOOR].feature_value = BACK_WITH_BIT_13
    entity_id = _register_old_door_entity(hass, entry)
    await _set_up(hass, entry)
    assert er.async_get(hass).async_get(entity_id) is None
    assert hass.states.get(entity_id) is None


async def test_a_0_2_0_door_entity_stays_while_nothing_is_known(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_client_no_auth: Any,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """The query fails: the old entity is still provided (not an orphan) and follows door
    records; the lock is asked again on the next slow tier. A new installation gets no entity
    from a failed query."""
    sim.locks[BACK_DOOR].feature_value = BACK_WITH_BIT_13
    entity_id = _register_old_door_entity(hass, entry)
    sim.fail_next(2, "errcode:-3:invalid parameter", endpoint=QUERY)  # both locks' queries
    await _set_up(hass, entry)
    state = hass.states.get(entity_id)
    assert state is not None
    assert not (state.state == STATE_UNAVAILABLE and state.attributes.get(ATTR_RESTORED))
    # While unknown, the feature bit's "may have one" offers the door triggers.
    assert await _door_triggers(hass, BACK_DOOR) == {"door_opened", "door_closed"}

    sim.locks[BACK_DOOR].has_door_sensor = True
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=sim.build_callback(BACK_DOOR, DOOR_OPEN)
    )
    assert await response.text() == "success"
    await hass.async_block_till_done()
    assert hass.states.get(entity_id).state == "on"
    # Both locks' queries failed at set-up; since then the front door's state query carried a
    # sensorState and the back door's record showed its sensor: the slow tier asks neither.
    assert sim.calls[QUERY] == 2
    await _slow_tier(hass, freezer)
    assert sim.calls[QUERY] == 2


async def test_a_first_door_record_brings_the_entity(
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """A sensor bound after the cloud said "none": its first record adds the entity at once."""
    sim.locks[BACK_DOOR].feature_value = BACK_WITH_BIT_13
    await _set_up(hass, entry)
    assert hass.states.get(BACK_DOOR_SENSOR) is None
    sim.locks[BACK_DOOR].has_door_sensor = True
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=sim.build_callback(BACK_DOOR, DOOR_OPEN)
    )
    assert await response.text() == "success"
    await hass.async_block_till_done()
    assert hass.states.get(BACK_DOOR_SENSOR).state == "on"
    assert await _door_triggers(hass, BACK_DOOR) == {"door_opened", "door_closed"}
