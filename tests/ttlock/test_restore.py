"""Lock state across restarts: restored, never asked of the lock (that would wake it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.lock import LockState
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from simulators.ttlock import TTLockSimulator

from .conftest import FRONT_DOOR, WEBHOOK_ID

FRONT = "lock.front_door"
BACK = "lock.back_door"
APP_UNLOCK = 1


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_last_state_and_operator_come_back_without_waking_the_lock(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """Locked before the restart: locked after it, with the same operator, no lock asked."""
    mock_restore_cache(
        hass,
        [
            State(FRONT, LockState.LOCKED, {"changed_by": "Cleaner card"}),
            State(BACK, LockState.JAMMED),
        ],
    )
    await _set_up(hass, entry)
    front = hass.states.get(FRONT)
    assert front.state == LockState.LOCKED
    assert front.attributes["changed_by"] == "Cleaner card"
    # Nothing trustworthy to restore from a jammed lock.
    assert hass.states.get(BACK).state == STATE_UNKNOWN
    assert sim.calls["lock/queryOpenState"] == 0

    # The next push wins over the restored state (HTTP starts once the entry is set up).
    client = await hass_client_no_auth()
    fields = sim.build_callback(FRONT_DOOR, APP_UNLOCK, username="anna@example.com")
    response = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=fields)
    assert await response.text() == "success"
    await hass.async_block_till_done()
    front = hass.states.get(FRONT)
    assert front.state == LockState.UNLOCKED
    assert front.attributes["changed_by"] == "anna@example.com"


async def test_an_unlocked_lock_relocked_itself_while_home_assistant_was_down(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """The front door auto-locks after 5 s; the back door has auto-lock off and stays open."""
    an_hour_ago = dt_util.utcnow() - timedelta(hours=1)
    mock_restore_cache(
        hass,
        [
            State(FRONT, LockState.UNLOCKED, last_changed=an_hour_ago),
            State(BACK, LockState.UNLOCKED, last_changed=an_hour_ago),
        ],
    )
    await _set_up(hass, entry)
    await hass.async_block_till_done()
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    assert sim.calls["lock/queryOpenState"] == 0


async def test_a_state_checked_at_start_up_beats_the_restored_one(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """With the safety re-check on, the lock's own answer at set-up is kept."""
    hass.config_entries.async_update_entry(entry, options={"safety_recheck": True})
    sim.locks[FRONT_DOOR].locked = False
    mock_restore_cache(hass, [State(FRONT, LockState.LOCKED, {"changed_by": "Cleaner card"})])
    await _set_up(hass, entry)
    front = hass.states.get(FRONT)
    assert front.state == LockState.UNLOCKED
    assert "changed_by" not in front.attributes
