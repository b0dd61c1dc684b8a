"""Lock state across restarts: restored, never asked of the lock (that would wake it)."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from simulators.ttlock import TTLockSimulator

from .conftest import BACK_DOOR, FRONT_DOOR, GATEWAY, WEBHOOK_ID

FRONT = "lock.front_door"
BACK = "lock.back_door"
APP_UNLOCK = 1


async def _set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


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
    # Nothing trustworthy to restore from a jammed lock: it alone is asked, once.
    assert sim.calls["lock/queryOpenState"] == 1
    assert hass.states.get(BACK).state == LockState.LOCKED

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


async def test_a_lock_never_seen_is_asked_once(
    hass: HomeAssistant, sim: TTLockSimulator, entry: MockConfigEntry
) -> None:
    """First set-up: one queryOpenState per reachable lock; a reload asks none again."""
    sim.locks[BACK_DOOR].locked = False
    await _set_up(hass, entry)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    assert sim.calls["lock/queryOpenState"] == 2
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    assert sim.calls["lock/queryOpenState"] == 2


async def test_a_failed_first_ask_leaves_the_state_unknown(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The gateway is offline at first set-up: unknown, still operable, nothing logged loudly."""
    sim.set_gateway_online(GATEWAY, False)
    await _set_up(hass, entry)
    assert sim.calls["lock/queryOpenState"] == 2
    assert hass.states.get(FRONT).state == STATE_UNKNOWN
    assert hass.states.get(BACK).state == STATE_UNKNOWN
    assert "Traceback" not in caplog.text
    assert not [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and "minerva_iot" in record.name
    ]
    sim.set_gateway_online(GATEWAY, True)
    await hass.services.async_call(LOCK_DOMAIN, "unlock", {ATTR_ENTITY_ID: FRONT}, blocking=True)
    assert hass.states.get(FRONT).state == LockState.UNLOCKED
