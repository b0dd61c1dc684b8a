"""Every record type of the official list, as the cloud pushes it, through the webhook.

The table is simulators/ttlock/field_facts.md §6 (the official list is not mirrored; meanings
from hass-ttlock's models.py, tonyldo/ttlockio and the reference §9). Pushes have the real shape
(`recordTypeFromLock`, no `recordId`: hass-ttlock #128). Each row: what the lock shows after the
push (state effect) and what the event entity and `minerva_iot_event` say (event data). Types
without a public meaning, and unknown ones, still fire the event (`other`, method `unknown`) and
change no state. The console's test push (#128) resolves the callback repairs and changes no lock.
"""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.lock import LockState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.minerva_iot.clients.ttlock.callback import RECORD_TYPES
from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from custom_components.minerva_iot.ttlock.webhook import callback_issue_id
from simulators.ttlock import TTLockSimulator

from .conftest import BACK_DOOR, WEBHOOK_ID, PostCallback

LOCK = "lock.back_door"
APP_LOCK = 11
APP_UNLOCK = 1
# The back door: no auto-lock, no door sensor of its own (door rows set one up).
UNLOCKED, LOCKED = LockState.UNLOCKED, LockState.LOCKED

# recordType -> (event type, method, lock state after it from "locked", door after it)
TABLE: dict[int, tuple[str, str, str, str | None]] = {
    1: ("unlocked", "app", UNLOCKED, None),
    2: ("other", "parking_lock", LOCKED, None),
    3: ("unlocked", "gateway", UNLOCKED, None),
    4: ("unlocked", "passcode", UNLOCKED, None),
    5: ("other", "parking_lock", LOCKED, None),
    6: ("other", "parking_lock", LOCKED, None),
    7: ("unlocked", "ic_card", UNLOCKED, None),
    8: ("unlocked", "fingerprint", UNLOCKED, None),
    9: ("unlocked", "wrist_strap", UNLOCKED, None),
    10: ("unlocked", "mechanical_key", UNLOCKED, None),
    11: ("locked", "app", LOCKED, None),
    12: ("unlocked", "gateway", UNLOCKED, None),
    29: ("alarm", "forced_open", LOCKED, None),
    30: ("door_closed", "door_sensor", LOCKED, "off"),
    31: ("door_opened", "door_sensor", LOCKED, "on"),
    32: ("unlocked", "inside_handle", UNLOCKED, None),
    33: ("locked", "fingerprint", LOCKED, None),
    34: ("locked", "passcode", LOCKED, None),
    35: ("locked", "ic_card", LOCKED, None),
    36: ("locked", "mechanical_key", LOCKED, None),
    37: ("other", "remote_control", LOCKED, None),
    42: ("other", "mailbox", LOCKED, None),
    43: ("other", "mailbox", LOCKED, None),
    44: ("alarm", "tamper", LOCKED, None),
    45: ("locked", "auto_lock", LOCKED, None),
    46: ("unlocked", "button", UNLOCKED, None),
    47: ("locked", "button", LOCKED, None),
    48: ("alarm", "system_locked", LOCKED, None),
    49: ("unlocked", "hotel_card", UNLOCKED, None),
    50: ("unlocked", "high_temperature", UNLOCKED, None),
    51: ("failed_attempt", "ic_card", LOCKED, None),
    52: ("locked", "deadlock_app", LOCKED, None),
    53: ("locked", "deadlock_passcode", LOCKED, None),
    54: ("other", "parking_lock", LOCKED, None),
    55: ("unlocked", "remote", UNLOCKED, None),
    57: ("unlocked", "qr_code", UNLOCKED, None),
    58: ("failed_attempt", "qr_code", LOCKED, None),
    59: ("other", "double_lock_on", LOCKED, None),
    60: ("other", "double_lock_off", LOCKED, None),
    61: ("locked", "qr_code", LOCKED, None),
    62: ("failed_attempt", "qr_code", LOCKED, None),
    63: ("unlocked", "passage_mode", UNLOCKED, None),
    64: ("alarm", "door_not_closed", LOCKED, None),
    65: ("other", "unlock_timeout", LOCKED, None),
    66: ("other", "lock_timeout", LOCKED, None),
    67: ("unlocked", "face", UNLOCKED, None),
    68: ("failed_attempt", "face", LOCKED, None),
    69: ("locked", "face", LOCKED, None),
    71: ("failed_attempt", "face", LOCKED, None),
    75: ("unlocked", "app_authorized_button", UNLOCKED, None),
    76: ("unlocked", "gateway_authorized_button", UNLOCKED, None),
    77: ("unlocked", "dual_app", UNLOCKED, None),
    78: ("unlocked", "dual_passcode", UNLOCKED, None),
    79: ("unlocked", "dual_fingerprint", UNLOCKED, None),
    80: ("unlocked", "dual_ic_card", UNLOCKED, None),
    81: ("unlocked", "dual_face", UNLOCKED, None),
    82: ("unlocked", "dual_remote", UNLOCKED, None),
    83: ("unlocked", "dual_palm_vein", UNLOCKED, None),
    84: ("unlocked", "palm_vein", UNLOCKED, None),
    85: ("failed_attempt", "palm_vein", LOCKED, None),
    86: ("locked", "palm_vein", LOCKED, None),
    88: ("failed_attempt", "palm_vein", LOCKED, None),
    91: ("failed_attempt", "ic_card", LOCKED, None),
    92: ("unlocked", "admin_passcode", UNLOCKED, None),
}
# No public meaning (field_facts.md §6), and codes beyond the list.
NO_PUBLIC_MEANING = frozenset({*range(13, 29), 38, 39, 40, 41, 56, 70, 72, 73, 74, 87, 89, 90})
UNKNOWN_TYPES = (*sorted(NO_PUBLIC_MEANING), 93, 255, 999)


@pytest.fixture
def ttlock_sim_options() -> dict[str, Any]:
    """Pushes as the cloud sends them."""
    return {"real_push_shape": True}


async def _start_locked(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    post_callback: PostCallback,
) -> None:
    await post_callback(sim.build_callback(BACK_DOOR, APP_LOCK))
    assert hass.states.get(LOCK).state == LockState.LOCKED
    # The next record is a second later: records of the same instant are one record.
    freezer.tick(timedelta(seconds=1))


def test_the_table_is_the_integrations_and_covers_the_list() -> None:
    """The integration maps exactly the types with a public meaning; 1-92 are all here."""
    assert set(TABLE) == set(RECORD_TYPES)
    assert set(TABLE) | NO_PUBLIC_MEANING == set(range(1, 93))
    assert not set(TABLE) & NO_PUBLIC_MEANING


@pytest.mark.parametrize(("record_type", "expected"), list(TABLE.items()))
async def test_record_type(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    record_type: int,
    expected: tuple[str, str, str, str | None],
) -> None:
    """State effect and event data of one record type, pushed in the real shape."""
    kind, method, lock_state, door = expected
    await _start_locked(hass, freezer, sim, post_callback)
    events = async_capture_events(hass, EVENT_MINERVA)
    fields = sim.build_callback(BACK_DOOR, record_type, username="Someone")
    pushed = json.loads(fields["records"])[0]
    assert "recordId" not in pushed
    assert "recordTypeFromLock" in pushed
    assert await post_callback(fields) == "success"

    assert hass.states.get(LOCK).state == lock_state
    [event] = events
    assert event.data["type"] == kind
    assert event.data["record"]["method"] == method
    assert event.data["record"]["record_type"] == record_type
    assert event.data["record"]["user"] == "Someone"
    entity = hass.states.get("event.back_door_activity")
    assert entity.attributes["event_type"] == kind
    assert entity.attributes["method"] == method
    if door is not None:
        # A first door record shows the lock has a sensor: its entity appears with the state.
        assert hass.states.get("binary_sensor.back_door_door").state == door
    else:
        assert hass.states.get("binary_sensor.back_door_door") is None


@pytest.mark.parametrize("record_type", UNKNOWN_TYPES)
async def test_unknown_record_type_fires_and_changes_nothing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    record_type: int,
) -> None:
    """An event `other` with method `unknown`; the lock stays as it was."""
    await _start_locked(hass, freezer, sim, post_callback)
    events = async_capture_events(hass, EVENT_MINERVA)
    await post_callback(sim.build_callback(BACK_DOOR, record_type, username="Someone"))
    assert hass.states.get(LOCK).state == LockState.LOCKED
    assert hass.states.get(LOCK).attributes["changed_by"] != "Someone"
    [event] = events
    assert event.data["type"] == "other"
    assert event.data["record"]["method"] == "unknown"
    assert event.data["record"]["record_type"] == record_type


async def test_failed_unlock_is_a_failed_attempt(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """success 0 on an unlock type (a wrong passcode: 4 / 7 from the lock): no state change."""
    await _start_locked(hass, freezer, sim, post_callback)
    events = async_capture_events(hass, EVENT_MINERVA)
    fields = sim.build_callback(BACK_DOOR, 4, success=False)
    assert json.loads(fields["records"])[0]["recordTypeFromLock"] == 7
    await post_callback(fields)
    assert hass.states.get(LOCK).state == LockState.LOCKED
    assert [event.data["type"] for event in events] == ["failed_attempt"]


async def test_the_same_record_twice_is_reported_once(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Real pushes have no recordId: a record sent again (same lock, type, outcome and lock
    time) is the same record, and a relock it would restart stays as it is."""
    await _start_locked(hass, freezer, sim, post_callback)
    events = async_capture_events(hass, EVENT_MINERVA)
    fields = sim.build_callback(BACK_DOOR, APP_UNLOCK)
    await post_callback(fields)
    await post_callback(fields)
    assert [event.data["type"] for event in events] == ["unlocked"]


async def test_console_test_push_confirms_the_callback_and_changes_no_lock(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    hass_client_no_auth: Any,
    issue_registry: ir.IssueRegistry,
) -> None:
    """lockId 222, a record of lock 232332, no username (#128): both repairs go, no event."""
    # Pushes worked once, then nothing came for a week: the "no push" repair is up.
    await post_callback(sim.build_callback(BACK_DOOR, APP_LOCK))
    freezer.tick(timedelta(days=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    no_push = f"ttlock_no_push_{loaded_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, no_push) is not None
    states_before = {state.entity_id: state.state for state in hass.states.async_all()}

    events = async_capture_events(hass, EVENT_MINERVA)
    client = await hass_client_no_auth()
    sim.callback_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    assert await sim.send_test_push() == 200
    await hass.async_block_till_done()

    pushed = sim.callbacks_sent[-1]
    assert pushed["lockId"] == "222"
    assert "username" not in json.loads(pushed["records"])[0]
    assert events == []
    assert issue_registry.async_get_issue(DOMAIN, no_push) is None
    assert issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID)) is None
    after = {state.entity_id: state.state for state in hass.states.async_all()}
    assert after == states_before
    # The watch starts again from the test: a week without pushes raises it again.
    freezer.tick(timedelta(days=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert issue_registry.async_get_issue(DOMAIN, no_push) is not None
