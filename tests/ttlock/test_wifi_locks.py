"""WiFi and other remotely reachable locks (issue 12 part 2).

WiFi locks often list `hasGateway` 0 without featureValue bit 56 and still take commands and push
(hass-ttlock #244, #266, #268). A lock is controllable when it lists a gateway or the WiFi bit, or
when the cloud was seen reaching it (a push, a command or state query answered): remembered
across restarts. The per-lock option "controllable remotely" (auto / yes / no) overrides it.
The simulator's field demo makes the back door such a WiFi lock (office hours, clock 78 s ahead).
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.minerva_iot.const import DOMAIN
from simulators.ttlock import TTLockSimulator, apply_field_demo
from simulators.ttlock.model import SimulatedLock, feature_value

from .conftest import BACK_DOOR, FRONT_DOOR, WEBHOOK_ID, find_device

ASK = "lock/queryOpenState"
PADLOCK = 7000001
BACK_CONTROLS = (
    "lock.back_door",
    "button.back_door_check_lock_state",
    "number.back_door_auto_lock_time",
    "switch.back_door_sound",
)
APP_UNLOCK = 1


def _controls(hass: HomeAssistant, entity_ids: tuple[str, ...]) -> dict[str, bool]:
    return {entity_id: hass.states.get(entity_id) is not None for entity_id in entity_ids}


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def _reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


def _add_padlock(sim: TTLockSimulator) -> None:
    """A Bluetooth-only padlock: no gateway, no WiFi."""
    sim.locks[PADLOCK] = SimulatedLock(
        lock_id=PADLOCK,
        name="PL1",
        alias="Shed padlock",
        mac="AA:BB:CC:77:88:99",
        feature_value=feature_value((0, 8, 10)),
        gateway_id=None,
    )


async def _trigger_types(hass: HomeAssistant, lock_id: int) -> set[str]:
    assert await async_setup_component(hass, "device_automation", {})
    from custom_components.minerva_iot.device_trigger import async_get_triggers

    device = find_device(hass, f"ttlock_lock_{lock_id}")
    assert device is not None
    return {trigger["type"] for trigger in await async_get_triggers(hass, device.id)}


async def test_wifi_lock_without_gateway_or_bit_is_asked_once_and_controllable(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """The field demo's back door: one state query at first sight answers, then every control."""
    apply_field_demo(sim)
    back = sim.locks[BACK_DOOR]
    assert (back.has_gateway, back.supports(56)) == (False, False)
    await _set_up(hass, entry)
    assert all(_controls(hass, BACK_CONTROLS).values())
    assert hass.states.get("lock.back_door").state == LockState.LOCKED
    assert sim.calls[ASK] == 2  # front door (never known) and the back door's first sight
    assert "unlocked" in await _trigger_types(hass, BACK_DOOR)

    # Commands go through the lock's WiFi.
    await hass.services.async_call(
        LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: "lock.back_door"}, blocking=True
    )
    assert back.locked is False

    # Remembered: after a restart the lock is not asked again to be controllable.
    await _reload(hass, entry)
    assert all(_controls(hass, BACK_CONTROLS).values())
    assert sim.calls[ASK] == 2


async def test_wifi_lock_that_did_not_answer_becomes_controllable_by_its_push(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    hass_client_no_auth: Any,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """Offline at set-up (-3036): no controls yet, and no error. Its first push adds them at
    once, without a reload; that is remembered across restarts."""
    apply_field_demo(sim)
    sim.locks[BACK_DOOR].wifi_online = False
    await _set_up(hass, entry)
    assert not any(_controls(hass, BACK_CONTROLS).values())
    assert hass.states.get("sensor.back_door_battery") is not None
    assert await _trigger_types(hass, BACK_DOOR) == set()

    client = await hass_client_no_auth()  # HTTP starts once the entry is set up
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}", data=sim.build_callback(BACK_DOOR, APP_UNLOCK)
    )
    assert await response.text() == "success"
    await hass.async_block_till_done()
    assert all(_controls(hass, BACK_CONTROLS).values())
    assert hass.states.get("lock.back_door").state == LockState.UNLOCKED

    await _reload(hass, entry)
    assert all(_controls(hass, BACK_CONTROLS).values())
    stored = hass_storage[f"{DOMAIN}.ttlock_observed.{entry.entry_id}"]["data"]
    assert stored["locks"][str(BACK_DOOR)]["remote"] is True


async def test_bluetooth_only_lock_is_asked_once_ever(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """-2012 (no gateway): only battery and activity; not asked again after a restart."""
    _add_padlock(sim)
    await _set_up(hass, entry)
    assert hass.states.get("sensor.shed_padlock_battery") is not None
    assert hass.states.get("event.shed_padlock_activity") is not None
    assert hass.states.get("lock.shed_padlock") is None
    assert hass.states.get("button.shed_padlock_check_lock_state") is None
    asked = [request for request in sim.requests if request[1] == ASK]
    assert [params["lockId"] for _, _, params in asked].count(str(PADLOCK)) == 1
    await _reload(hass, entry)
    asked = [request for request in sim.requests if request[1] == ASK]
    assert [params["lockId"] for _, _, params in asked].count(str(PADLOCK)) == 1


async def test_option_no_removes_the_controls_of_a_gateway_lock(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """ "Controllable remotely: no" on the back door: battery and activity only, no triggers."""
    hass.config_entries.async_update_entry(
        entry, options={"locks": {str(BACK_DOOR): {"remote": "no"}}}
    )
    await _set_up(hass, entry)
    assert not any(_controls(hass, BACK_CONTROLS).values())
    assert hass.states.get("lock.front_door") is not None
    assert await _trigger_types(hass, BACK_DOOR) == set()
    asked = [params["lockId"] for _, endpoint, params in sim.requests if endpoint == ASK]
    assert str(BACK_DOOR) not in asked


async def test_option_yes_gives_controls_without_asking(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """ "Controllable remotely: yes" on a lock that lists no way to reach it: controls, and
    nothing asked to find out (its first-sight state query is the usual one)."""
    _add_padlock(sim)
    sim.locks[PADLOCK].feature_value = feature_value((0,))  # not even remote unlock bits
    hass.config_entries.async_update_entry(
        entry, options={"locks": {str(PADLOCK): {"remote": "yes"}}}
    )
    await _set_up(hass, entry)
    assert hass.states.get("lock.shed_padlock") is not None
    assert hass.states.get("button.shed_padlock_check_lock_state") is not None
    # The lock cannot be reached in fact: the entity stays, its state unknown.
    assert hass.states.get("lock.shed_padlock").state == "unknown"


async def test_a_gateway_lock_stays_controllable_when_its_query_fails(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """hasGateway 1 is enough: nothing is asked to know it, a failed first query changes nothing."""
    sim.fail_next(2, "errcode:-3:invalid parameter", endpoint=ASK)
    await _set_up(hass, entry)
    registry = er.async_get(hass)
    assert registry.async_get("lock.front_door") is not None
    assert hass.states.get("lock.front_door").state == "unknown"
    assert hass.states.get("lock.back_door") is not None
    assert FRONT_DOOR in sim.locks
