"""Lock commands, their confirmation, auto-relock inference and the other lock entities."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import EVENT_MINERVA
from simulators.ttlock import TTLockSimulator
from simulators.ttlock.model import SimulatedLock, feature_value

from .conftest import BACK_DOOR, FIRST_SETUP_STATE_QUERIES, FRONT_DOOR, PostCallback

FRONT = "lock.front_door"
CARD_UNLOCK = 7


async def _unlock(hass: HomeAssistant, entity_id: str = FRONT) -> None:
    await hass.services.async_call(
        LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_unlock_and_lock_through_the_gateway(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Commands reach the simulated lock; the state follows at once."""
    await _unlock(hass)
    assert sim.locks[FRONT_DOOR].locked is False
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert sim.locks[FRONT_DOOR].locked is True
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_state_is_unlocking_while_the_command_runs(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The gateway may take seconds: the entity says unlocking meanwhile."""
    sim.command_gate = asyncio.Event()
    task = hass.async_create_task(_unlock(hass))
    for _ in range(50):
        await asyncio.sleep(0.01)
        if hass.states.get(FRONT).state == LockState.UNLOCKING:
            break
    assert hass.states.get(FRONT).state == LockState.UNLOCKING
    sim.command_gate.set()
    await task
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_remote_unlock_disabled_says_what_to_do(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """-4043 becomes a translated error pointing at the app setting."""
    sim.locks[FRONT_DOOR].remote_unlock_enabled = False
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_remote_unlock_disabled"
    assert hass.states.get(FRONT).state != LockState.UNLOCKING


async def test_gateway_offline_error(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A gateway offline error is reported, not raised raw."""
    sim.fail_next(1, "gateway_offline")
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_gateway_offline"


async def test_lock_without_lock_command(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """A lock whose featureValue lacks the lock bit refuses `lock` with a clear message."""
    sim.locks[BACK_DOOR].feature_value = feature_value((10,))
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: "lock.back_door"}, blocking=True
        )
    assert err.value.translation_key == "ttlock_lock_not_supported"


async def test_missing_confirmation_reads_the_records_once(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """No push after a command: after six minutes one lockRecord/list (no lock woken) shows
    what the cloud recorded since (test_confirmation.py has the timing cases)."""
    await _unlock(hass, "lock.back_door")
    await sim.operate_by_hand(BACK_DOOR, True)  # locked by hand, its push lost as well
    freezer.tick(timedelta(minutes=6, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert sim.calls["lockRecord/list"] == 1
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES
    assert hass.states.get("lock.back_door").state == LockState.LOCKED


async def test_confirming_push_cancels_the_check(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """The push of the gateway unlock arrives: no extra call, no lock woken."""
    await _unlock(hass, "lock.back_door")
    await post_callback(sim.build_callback(BACK_DOOR, 12))
    freezer.tick(timedelta(minutes=6, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES
    assert sim.calls["lockRecord/list"] == 0


async def test_auto_relock_is_inferred(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """The front door relocks itself after 5 s without a record: assumed locked."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_newer_record_cancels_the_relock(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A door-open record after the unlock cancels the pending relock assumption."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await post_callback(sim.build_callback(FRONT_DOOR, 31))
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_passage_mode_prevents_the_relock(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Passage mode on (switch): the lock stays unlocked after an unlock."""
    await hass.services.async_call(
        "switch", "turn_on", {ATTR_ENTITY_ID: "switch.front_door_passage_mode"}, blocking=True
    )
    assert sim.locks[FRONT_DOOR].passage_mode is True
    assert hass.states.get("switch.front_door_passage_mode").state == "on"
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.front_door_passage_mode"}, blocking=True
    )
    assert sim.locks[FRONT_DOOR].passage_mode is False


async def test_auto_lock_time_number(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Setting the number changes the auto-lock delay on the lock."""
    await hass.services.async_call(
        "number",
        "set_value",
        {ATTR_ENTITY_ID: "number.front_door_auto_lock_time", "value": 30},
        blocking=True,
    )
    assert sim.locks[FRONT_DOOR].auto_lock_time == 30
    assert float(hass.states.get("number.front_door_auto_lock_time").state) == 30


async def test_check_state_button(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The button asks the lock (one call) and shows the answer."""
    sim.locks[FRONT_DOOR].locked = False
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: "button.front_door_check_lock_state"}, blocking=True
    )
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES + 1
    assert hass.states.get(FRONT).state == LockState.UNLOCKED


async def test_padlock_without_gateway_has_no_controls(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """A Bluetooth-only padlock only exposes its battery and activity."""
    sim.locks[7000001] = SimulatedLock(
        lock_id=7000001,
        name="PL1",
        alias="Shed padlock",
        mac="AA:BB:CC:77:88:99",
        feature_value=feature_value((0,)),
        gateway_id=None,
    )
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.shed_padlock_battery") is not None
    assert hass.states.get("lock.shed_padlock") is None
    assert hass.states.get("button.shed_padlock_check_lock_state") is None


async def test_command_with_dead_login_starts_reauth(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """The token is refused and cannot be refreshed: clear error and a reauth flow."""
    sim.expire_access_tokens()
    sim.revoke_refresh_tokens()
    with pytest.raises(HomeAssistantError) as err:
        await _unlock(hass)
    assert err.value.translation_key == "ttlock_auth_failed"
    await hass.async_block_till_done()
    assert any(
        flow["context"]["source"] == "reauth" for flow in hass.config_entries.flow.async_progress()
    )


async def test_failed_confirmation_keeps_the_assumed_state(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """The read after a command fails: the assumed state stays, no error, no lock woken."""
    await _unlock(hass, "lock.back_door")
    sim.fail_next(1, "errcode:-3:invalid parameter", endpoint="lockRecord/list")
    freezer.tick(timedelta(minutes=6, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert sim.calls["lockRecord/list"] == 1
    assert sim.calls["lock/queryOpenState"] == FIRST_SETUP_STATE_QUERIES
    assert hass.states.get("lock.back_door").state == LockState.UNLOCKED


async def _wait(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_door_closing_restarts_the_relock(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Unlock, open, close: the lock is assumed locked its auto-lock delay after the door closed."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await post_callback(sim.build_callback(FRONT_DOOR, 31))
    await _wait(hass, freezer, 60)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    # 5 s auto-lock from the door closing, counted on the cloud's clock up to now (the
    # simulator's serverDate, 1.5 s after the record, lies ahead of the push it sends now).
    await post_callback(sim.build_callback(FRONT_DOOR, 30))
    await _wait(hass, freezer, 4)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await _wait(hass, freezer, 2)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_alarm_record_does_not_cancel_the_relock(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A tamper alarm after an unlock says nothing about the bolt: the relock still happens."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    await post_callback(sim.build_callback(FRONT_DOOR, 44))
    await _wait(hass, freezer, 6)
    assert hass.states.get(FRONT).state == LockState.LOCKED


async def test_late_records_do_not_overwrite_newer_state(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Records are applied in lock-time order, and an older record arriving late only fires."""
    now = sim.now_ms()
    fields = sim.build_callback(FRONT_DOOR, 11, lockDate=now)
    unlock = json.loads(
        sim.build_callback(FRONT_DOOR, CARD_UNLOCK, lockDate=now - 60_000)["records"]
    )
    # The newest record first: sorting by lockDate still ends "locked".
    fields["records"] = json.dumps([*json.loads(fields["records"]), *unlock])
    await post_callback(fields)
    assert hass.states.get(FRONT).state == LockState.LOCKED

    events = async_capture_events(hass, EVENT_MINERVA)
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, lockDate=now - 30_000))
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert [event.data["type"] for event in events] == ["unlocked"]


async def test_sound_switch(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """Locks with featureValue bit 15 get a sound switch that changes the lock's setting."""
    assert hass.states.get("switch.front_door_sound").state == "on"
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.front_door_sound"}, blocking=True
    )
    assert sim.locks[FRONT_DOOR].sound_enabled is False
    assert hass.states.get("switch.front_door_sound").state == "off"


async def test_function_not_supported_says_so(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """-4043 on a setting the lock cannot change is not blamed on the Remote Unlock switch."""
    sim.locks[FRONT_DOOR].feature_value = feature_value((0, 8, 10))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch", "turn_off", {ATTR_ENTITY_ID: "switch.front_door_sound"}, blocking=True
        )
    assert err.value.translation_key == "ttlock_not_supported"


async def test_unexpected_refusal_names_the_errcode(
    hass: HomeAssistant, sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> None:
    """A code without its own message still says what TTLock answered, translated."""
    sim.fail_next(1, "errcode:-4056:out of memory", endpoint="lock/lock")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(LOCK_DOMAIN, "lock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert err.value.translation_key == "ttlock_command_failed"
    assert err.value.translation_placeholders == {"errcode": "-4056", "errmsg": "out of memory"}


async def test_relock_without_upload_time(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A record without serverDate: the whole auto-lock delay is counted from its arrival."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, serverDate=None))
    await _wait(hass, freezer, 4)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
    await _wait(hass, freezer, 1)
    assert hass.states.get(FRONT).state == LockState.LOCKED
