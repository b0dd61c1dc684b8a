"""Auto-lock delays learned from auto-lock records, or set by hand per lock, kept across restarts.

The back door reports autoLockTime -1 (as the locks of hass-ttlock #67, #178, #182) yet relocks
10 s after an unlock and pushes an auto-lock record (type 45) when it does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import CLIENT_ID, MockConfigEntry, MockUser

from custom_components.minerva_iot.ttlock.const import DEFAULT_POLL_MINUTES
from simulators.ttlock import TTLockSimulator
from tests.plugins.device_removal import async_delete_device

from .conftest import BACK_DOOR, WEBHOOK_ID, advance_clock, find_device

BACK = "lock.back_door"
LEARNED = "sensor.back_door_learned_auto_lock_delay"
CARD_UNLOCK = 7
APP_LOCK = 11
AUTO_LOCK = 45

type Push = Callable[..., Awaitable[None]]


def _store_key(entry: MockConfigEntry) -> str:
    return f"minerva_iot.ttlock_learned.{entry.entry_id}"


@pytest.fixture
def sim(ttlock_sim: TTLockSimulator) -> TTLockSimulator:
    """The back door says -1 (no auto-lock) in lock/detail."""
    ttlock_sim.locks[BACK_DOOR].reported_auto_lock_time = -1
    return ttlock_sim


async def _set_up(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator, hass_client_no_auth: Any
) -> Push:
    """Set the entry up; then post records of the back door to its webhook.

    `push(record_type, at_ms=t)` sends a record the lock dated `t` (default now), uploaded 1 s
    later; the HTTP client starts after the set-up (the router is frozen then).
    """
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    client = await hass_client_no_auth()

    async def push(record_type: int, *, at_ms: int | None = None) -> None:
        when = sim.now_ms() if at_ms is None else at_ms
        fields = sim.build_callback(BACK_DOOR, record_type, lockDate=when, serverDate=when + 1_000)
        response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=fields)
        assert await response.text() == "success"
        await hass.async_block_till_done()

    return push


async def _learn(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    push: Push,
    sim: TTLockSimulator,
    delay_s: float,
) -> None:
    """An unlock, then the auto-lock record `delay_s` later on the lock's clock."""
    unlocked = sim.now_ms()
    await push(CARD_UNLOCK, at_ms=unlocked)
    await advance_clock(hass, freezer, delay_s + 1)
    await push(AUTO_LOCK, at_ms=unlocked + int(delay_s * 1000))
    assert hass.states.get(BACK).state == LockState.LOCKED


async def _enable_learned_sensor(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """The diagnostic sensor is disabled by default; enabling it reloads the entry."""
    registry = er.async_get(hass)
    assert registry.async_get(LEARNED).disabled_by is er.RegistryEntryDisabler.INTEGRATION
    registry.async_update_entity(LEARNED, disabled_by=None)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_delay_learned_from_auto_lock_records_survives_a_restart(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """Before: unlocked forever. After one unlock -> auto-lock pair: relocked after 10 s."""
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    assert float(hass.states.get("number.back_door_auto_lock_time").state) == 0
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 120)
    assert hass.states.get(BACK).state == LockState.UNLOCKED

    await push(AUTO_LOCK, at_ms=sim.now_ms() - 110_000)
    assert hass.states.get(BACK).state == LockState.LOCKED
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 7)
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    await advance_clock(hass, freezer, 4)
    assert hass.states.get(BACK).state == LockState.LOCKED

    # Kept in the entry's store: the next start knows it (and shows it once enabled).
    await _enable_learned_sensor(hass, entry)
    saved = hass_storage[_store_key(entry)]["data"]["locks"][str(BACK_DOOR)]
    assert saved["relock_intervals"] == [10.0]
    assert float(hass.states.get(LEARNED).state) == 10.0
    push = await _set_up_again(hass, entry, sim, hass_client_no_auth)
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 12)
    assert hass.states.get(BACK).state == LockState.LOCKED


async def _set_up_again(
    hass: HomeAssistant, entry: MockConfigEntry, sim: TTLockSimulator, hass_client_no_auth: Any
) -> Push:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    return await _set_up(hass, entry, sim, hass_client_no_auth)


async def test_median_of_the_last_intervals(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """10, 12 and a late 50 s: 12 s. A lock by hand in between teaches nothing."""
    # Enabled before the set-up (it is disabled by default).
    er.async_get(hass).async_get_or_create(
        "sensor",
        "minerva_iot",
        f"ttlock_lock_{BACK_DOOR}_learned_auto_lock_delay",
        suggested_object_id="back_door_learned_auto_lock_delay",
        config_entry=entry,
    )
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    for delay in (10, 12, 50):
        await _learn(hass, freezer, push, sim, delay)
    await push(CARD_UNLOCK)
    await push(APP_LOCK)
    await push(AUTO_LOCK, at_ms=sim.now_ms() + 3_000)
    assert float(hass.states.get(LEARNED).state) == 12.0


async def test_option_sets_the_delay_by_hand(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """ "Assume it relocks after 30 s" wins over what was learned; passage mode still holds."""
    hass.config_entries.async_update_entry(
        entry, options={"locks": {str(BACK_DOOR): {"relock_after_s": 30}}}
    )
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    await _learn(hass, freezer, push, sim, 10)
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 12)
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    await advance_clock(hass, freezer, 20)
    assert hass.states.get(BACK).state == LockState.LOCKED

    # Passage mode switched on (all day, every day): held open whatever the delay.
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": "switch.back_door_passage_mode"}, blocking=True
    )
    await hass.async_block_till_done()
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 60)
    assert hass.states.get(BACK).state == LockState.UNLOCKED


async def test_setting_the_auto_lock_time_forgets_the_learned_delay(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """Set to 0 (off) by the user: what the records taught no longer holds."""
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    await _learn(hass, freezer, push, sim, 10)
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.back_door_auto_lock_time", "value": 0},
        blocking=True,
    )
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 60)
    assert hass.states.get(BACK).state == LockState.UNLOCKED


@pytest.mark.parametrize(
    "stored",
    [
        {"version": 1, "data": "not a dict"},
        {"version": 1, "data": {"locks": {str(BACK_DOOR): "garbage", "x": {}}}},
        {
            "version": 1,
            "data": {
                "locks": {
                    str(BACK_DOOR): {
                        "clock_samples": [[1, "2"], [True, 1], "x", [10**12, 10**12 + 10**8]],
                        "relock_intervals": [-3, "10", 10_000, True],
                    }
                }
            },
        },
        {"data": {}},
    ],
)
async def test_an_unreadable_store_gives_a_clean_start(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
    stored: dict[str, Any],
) -> None:
    """Nothing usable in it: set-up works, nothing is assumed, learning starts again."""
    hass_storage[_store_key(entry)] = {"key": _store_key(entry), **stored}
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 60)
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    await push(AUTO_LOCK, at_ms=sim.now_ms() - 50_000)
    await push(CARD_UNLOCK)
    await advance_clock(hass, freezer, 12)
    assert hass.states.get(BACK).state == LockState.LOCKED


async def test_removing_the_entry_removes_what_it_learned(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """The store goes with the entry."""
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    await _learn(hass, freezer, push, sim, 10)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert _store_key(entry) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert _store_key(entry) not in hass_storage


async def test_a_lock_gone_from_the_cloud_takes_what_it_taught(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
    hass_ws_client: Any,
    hass_admin_user: MockUser,
) -> None:
    """Deleting the device of a lock the cloud dropped takes its learned values from the store."""
    assert await async_setup_component(hass, "config", {})
    push = await _set_up(hass, entry, sim, hass_client_no_auth)
    await _learn(hass, freezer, push, sim, 10)
    del sim.locks[BACK_DOOR]
    await advance_clock(hass, freezer, (DEFAULT_POLL_MINUTES + 1) * 60)
    device = find_device(hass, f"ttlock_lock_{BACK_DOOR}")
    assert device is not None
    # A token made now: the clock moved past the expiry of the fixture's.
    refresh_token = await hass.auth.async_create_refresh_token(hass_admin_user, CLIENT_ID)
    client = await hass_ws_client(hass, hass.auth.async_create_access_token(refresh_token))
    assert await async_delete_device(hass, client, entry, device)
    assert hass.states.get(BACK) is None
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert str(BACK_DOOR) not in hass_storage[_store_key(entry)]["data"]["locks"]
