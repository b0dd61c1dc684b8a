"""Lock and unlock from Home Assistant, confirmed without waking the lock (issue 12 part 3).

The entity shows the commanded state as soon as the cloud accepted the command (errcode 0). Its
push comes late in the field (one to five minutes: hass-ttlock #22, #72, #129): it is awaited up
to 6 minutes; when it has not come, one `lockRecord/list` read (the cloud's records, no lock
woken) confirms the command, and `queryOpenState` (which wakes the lock) runs only with the
opt-in safety re-check. The simulator pushes to Home Assistant's webhook over loopback, late by
its push delay, on a frozen clock; its `calls` counter gives every figure.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import DOMAIN as LOCK_DOMAIN, LockState
from homeassistant.const import ATTR_ENTITY_ID, EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.minerva_iot.const import EVENT_MINERVA
from custom_components.minerva_iot.ttlock.const import COMMAND_CONFIRM_TIMEOUT
from simulators.ttlock import DEFAULT_USERNAME, TTLockSimulator
from simulators.ttlock.records import callback_form

from .conftest import BACK_DOOR, FIRST_SETUP_STATE_QUERIES, WEBHOOK_ID, PostCallback

BACK = "lock.back_door"  # no auto-lock
FRONT = "lock.front_door"  # relocks 5 s after an unlock
READ = "lockRecord/list"
ASK = "lock/queryOpenState"
CARD_UNLOCK = 7


@pytest.fixture
def ttlock_sim_options() -> dict[str, Any]:
    """Pushes as the cloud sends them (recordTypeFromLock, no recordId)."""
    return {"real_push_shape": True}


@pytest.fixture
async def pushing_sim(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> TTLockSimulator:
    """The simulator pushing to the loaded entry's webhook (Home Assistant's HTTP server)."""
    client = await hass_client_no_auth()
    sim.callback_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    return sim


async def _command(hass: HomeAssistant, service: str, entity_id: str) -> None:
    await hass.services.async_call(LOCK_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True)


async def _wait(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    seconds: float,
    *,
    pushes_due: bool = False,
) -> None:
    """Move the clock; with `pushes_due`, let the pushes now due reach Home Assistant before
    anything moves the clock again (no push may still be waiting for a later time then)."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    if pushes_due:
        await sim.wait_for_pushes()
    await hass.async_block_till_done()


def _lock_states(hass: HomeAssistant, entity_id: str) -> list[str]:
    """Every state the entity writes from now on."""
    written: list[str] = []

    @callback
    def _changed(event: Event) -> None:
        if event.data["entity_id"] == entity_id and event.data["new_state"] is not None:
            written.append(event.data["new_state"].state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    return written


@pytest.mark.parametrize("delay", [0, 120, 300])
async def test_a_push_within_six_minutes_confirms_without_a_call(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    pushing_sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    delay: int,
) -> None:
    """The commanded state at once; its push, however late, names who did it; no extra call."""
    sim = pushing_sim
    sim.set_push_delay(delay)
    sim.calls.clear()
    await _command(hass, "unlock", BACK)
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    await _wait(hass, freezer, sim, delay + 1, pushes_due=True)
    assert hass.states.get(BACK).attributes["changed_by"] == DEFAULT_USERNAME
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds())
    assert hass.states.get(BACK).state == LockState.UNLOCKED
    assert sim.calls[READ] == 0
    assert sim.calls[ASK] == 0
    assert sim.calls["lock/unlock"] == 1


async def test_a_lost_push_costs_one_record_read_and_wakes_no_lock(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """No push (callback not reaching Home Assistant): exactly one lockRecord/list after six
    minutes confirms the command and names who did it; queryOpenState never runs."""
    sim.calls.clear()
    await _command(hass, "unlock", BACK)
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds() - 5)
    assert sim.calls[READ] == 0
    await _wait(hass, freezer, sim, 6)
    assert sim.calls[READ] == 1
    assert sim.calls[ASK] == 0
    state = hass.states.get(BACK)
    assert state.state == LockState.UNLOCKED
    assert state.attributes["changed_by"] == DEFAULT_USERNAME
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds())
    assert (sim.calls[READ], sim.calls[ASK]) == (1, 0)


async def test_the_read_shows_what_happened_after_the_command(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """Somebody locked it by hand after the unlock and that push was lost too: the read says so,
    and reports the records once."""
    await _command(hass, "unlock", BACK)
    await _wait(hass, freezer, sim, 30)
    events = async_capture_events(hass, EVENT_MINERVA)
    await sim.operate_by_hand(BACK_DOOR, True, method="passcode")  # no callback URL: lost
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds())
    assert hass.states.get(BACK).state == LockState.LOCKED
    assert hass.states.get(BACK).attributes["changed_by"] == "Guest code"
    assert [event.data["type"] for event in events] == ["unlocked", "locked"]


async def test_a_push_later_than_the_read_is_not_reported_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Seven minutes late (beyond the simulator's 300 s, so posted by hand): the read already
    applied its record; the push changes nothing and reports nothing again."""
    sim.calls.clear()
    events = async_capture_events(hass, EVENT_MINERVA)
    await _command(hass, "lock", BACK)
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds() + 1)
    assert sim.calls[READ] == 1
    assert [event.data["type"] for event in events] == ["locked"]
    await _wait(hass, freezer, sim, 60)
    back = sim.locks[BACK_DOOR]
    assert await post_callback(
        callback_form(back, back.records[-1:], sim.username, real_shape=True)
    )
    assert [event.data["type"] for event in events] == ["locked"]
    assert hass.states.get(BACK).state == LockState.LOCKED


async def test_a_late_confirmation_does_not_undo_the_relock(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    pushing_sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """The front door relocks 5 s after the unlock (assumed, no record); the unlock's push four
    minutes later confirms the command and shows no "unlocked" again."""
    sim = pushing_sim
    sim.set_push_delay(240)
    written = _lock_states(hass, FRONT)
    await _command(hass, "unlock", FRONT)
    await _wait(hass, freezer, sim, 6)
    assert hass.states.get(FRONT).state == LockState.LOCKED
    await _wait(hass, freezer, sim, 240, pushes_due=True)
    assert hass.states.get(FRONT).attributes["changed_by"] == DEFAULT_USERNAME
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds())
    assert written == [
        LockState.UNLOCKING,
        LockState.UNLOCKED,
        LockState.LOCKED,
        LockState.LOCKED,  # the push: same state, who did it (changed_by) is new
    ]
    assert sim.calls[ASK] == FIRST_SETUP_STATE_QUERIES
    assert sim.calls[READ] == 0


async def test_an_older_record_arriving_late_does_not_undo_a_command(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A card unlock from before the lock command, pushed late, leaves the lock locked."""
    card_unlock = sim.build_callback(BACK_DOOR, CARD_UNLOCK)
    await _wait(hass, freezer, sim, 10)
    await _command(hass, "lock", BACK)
    await post_callback(card_unlock)
    assert hass.states.get(BACK).state == LockState.LOCKED


async def test_with_the_safety_recheck_an_unconfirmed_command_asks_the_lock(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
) -> None:
    """The user opted into waking locks: the read found no record, so the lock is asked once."""
    hass.config_entries.async_update_entry(entry, options={"safety_recheck": True})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    sim.calls.clear()
    await _command(hass, "unlock", BACK)
    # Locked by hand meanwhile, and the cloud has no record of anything.
    sim.locks[BACK_DOOR].locked = True
    sim.locks[BACK_DOOR].records.clear()
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds() + 1)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sim.calls[READ] == 1
    assert sim.calls[ASK] == 1
    assert hass.states.get(BACK).state == LockState.LOCKED


async def test_without_the_safety_recheck_a_failed_read_keeps_the_commanded_state(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
) -> None:
    """The read fails: the state the cloud accepted stays; no lock is woken."""
    sim.fail_next(1, "errcode:-3:invalid parameter", endpoint=READ)
    sim.calls.clear()
    await _command(hass, "unlock", BACK)
    await _wait(hass, freezer, sim, COMMAND_CONFIRM_TIMEOUT.total_seconds() + 1)
    assert sim.calls[ASK] == 0
    assert hass.states.get(BACK).state == LockState.UNLOCKED
