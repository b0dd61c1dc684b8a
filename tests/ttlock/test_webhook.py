"""The TTLock callback webhook: parsing, state changes, events, sharing and the set-up repair."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
import json
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

from homeassistant.components.lock import LockState
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import EventStateChangedData
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.minerva_iot.const import DOMAIN, EVENT_MINERVA
from custom_components.minerva_iot.ttlock.webhook import callback_issue_id
from simulators.ttlock import TTLockSimulator

from .conftest import (
    BACK_DOOR,
    EXTERNAL_URL,
    FRONT_DOOR,
    GATEWAY,
    WEBHOOK_ID,
    PostCallback,
    entry_data,
    find_device,
)

CARD_UNLOCK = 7
PASSCODE_UNLOCK = 4
APP_LOCK = 11
DOOR_OPEN = 31
DOOR_CLOSED = 30
OTHER_LOCK = 5000001
OTHER_GATEWAY = 9002


async def test_push_changes_state_and_fires_events(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A successful card unlock: unlocked, battery updated, event entity and bus event fired."""
    events = async_capture_events(hass, EVENT_MINERVA)
    fields = sim.build_callback(
        FRONT_DOOR, CARD_UNLOCK, username="Cleaner card", electricQuantity=55
    )
    assert await post_callback(fields) == "success"

    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    assert hass.states.get("lock.front_door").attributes["changed_by"] == "Cleaner card"
    assert hass.states.get("sensor.front_door_battery").state == "55"
    event_state = hass.states.get("event.front_door_activity")
    assert event_state.attributes["event_type"] == "unlocked"
    assert event_state.attributes["method"] == "ic_card"
    assert event_state.attributes["user"] == "Cleaner card"
    assert event_state.attributes["record_type"] == CARD_UNLOCK

    device = find_device(hass, f"ttlock_lock_{FRONT_DOOR}")
    assert len(events) == 1
    assert events[0].data["vendor"] == "ttlock"
    assert events[0].data["device_id"] == device.id
    assert events[0].data["type"] == "unlocked"
    assert events[0].data["record"]["method"] == "ic_card"
    # The card number never reaches the bus.
    assert "keyboard_pwd" not in events[0].data["record"]
    assert "3051234567" not in str(events[0].data)

    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK))
    assert hass.states.get("lock.front_door").state == LockState.LOCKED

    await post_callback(sim.build_callback(FRONT_DOOR, DOOR_OPEN))
    assert hass.states.get("binary_sensor.front_door_door").state == "on"
    await post_callback(sim.build_callback(FRONT_DOOR, DOOR_CLOSED))
    assert hass.states.get("binary_sensor.front_door_door").state == "off"


async def test_records_are_reported_after_the_lock_state(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Whoever sees a record (event entity, automation) already sees the lock state it implies."""
    seen: list[tuple[str, str, str]] = []

    def _lock_and_battery(source: str) -> tuple[str, str, str]:
        return (
            source,
            hass.states.get("lock.front_door").state,
            hass.states.get("sensor.front_door_battery").state,
        )

    @callback
    def _state_changed(event: Event[EventStateChangedData]) -> None:
        # Called as the state is written (not deferred like the state trackers of automations).
        if event.data["entity_id"] == "event.front_door_activity":
            seen.append(_lock_and_battery("entity"))

    @callback
    def _bus_event(_event: Event) -> None:
        seen.append(_lock_and_battery("bus"))

    hass.bus.async_listen(EVENT_STATE_CHANGED, _state_changed)
    hass.bus.async_listen(EVENT_MINERVA, _bus_event)
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, electricQuantity=55))
    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK, electricQuantity=54))
    assert sorted(seen) == [
        ("bus", LockState.LOCKED, "54"),
        ("bus", LockState.UNLOCKED, "55"),
        ("entity", LockState.LOCKED, "54"),
        ("entity", LockState.UNLOCKED, "55"),
    ]


async def test_failed_and_unknown_records_do_not_change_state(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A failed attempt is an event but no state change; unknown types spoil nothing (they are
    reported as `other` and change no state either)."""
    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK))
    events = async_capture_events(hass, EVENT_MINERVA)
    failed = json.loads(sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK, success=False)["records"])
    unknown = json.loads(sim.build_callback(FRONT_DOOR, 999)["records"])
    fields = sim.build_callback(FRONT_DOOR, PASSCODE_UNLOCK)
    fields["records"] = json.dumps([*failed, *unknown, "garbage", {"recordType": "x"}])
    assert await post_callback(fields) == "success"

    assert hass.states.get("lock.front_door").state == LockState.LOCKED
    assert hass.states.get("lock.front_door").attributes["changed_by"] != "Guest code"
    # A refused passcode is a failed attempt, never an "unlocked" trigger.
    assert [event.data["type"] for event in events] == ["failed_attempt", "other"]
    assert events[1].data["record"]["method"] == "unknown"
    assert events[0].data["record"]["success"] is False
    assert events[0].data["record"]["method"] == "passcode"
    event_state = hass.states.get("event.front_door_activity")
    assert event_state.attributes["event_type"] == "other"


async def test_unknown_locks_and_malformed_pushes(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    issue_registry: ir.IssueRegistry,
) -> None:
    """The console test push (lockId 222) is answered and resolves the set-up repair."""
    issue_id = callback_issue_id(WEBHOOK_ID)
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "ttlock_callback_url"
    assert issue.translation_placeholders["webhook_url"].startswith("https://ha.example.com")

    # Not a push at all: still answered, the repair stays.
    assert await post_callback("not a form") == "success"
    assert await post_callback({"lockId": "1", "records": "{broken"}) == "success"
    assert await post_callback(b"lockId=1&records=\xff\xfe") == "success"
    assert await post_callback("lockId=1&records=" + "x" * 70000) == "success"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None

    events = async_capture_events(hass, EVENT_MINERVA)
    test_push = {
        "notifyType": "1",
        "lockId": "222",
        "lockMac": "00:00:00:00:00:00",
        "admin": "test@ttlock.com",
        "records": json.dumps([{"lockId": 222, "recordType": 12, "success": 1, "lockDate": 1}]),
    }
    assert await post_callback(test_push) == "success"
    assert events == []
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert loaded_entry.data["callback_confirmed"] is True


async def test_no_public_url_issue(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Without an external URL the repair explains that TTLock cannot reach Home Assistant."""
    await hass.config.async_update(external_url=None)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))
    assert issue.translation_key == "ttlock_no_public_url"

    # The user sets the external URL the issue asks for: no reload needed to get the URL.
    await hass.config.async_update(external_url=EXTERNAL_URL)
    await hass.async_block_till_done(wait_background_tasks=True)
    issue = issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))
    assert issue.translation_key == "ttlock_callback_url"
    assert issue.translation_placeholders["webhook_url"].startswith(EXTERNAL_URL)


async def test_push_sent_in_chunks_is_read_whole(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A body arriving in several pieces (chunked, or split TCP segments) is not cut short."""
    body = urlencode(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, username="Cleaner card")).encode()

    async def pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]
            # Let the handler run between pieces, as when segments arrive one by one.
            for _ in range(5):
                await asyncio.sleep(0)

    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_ID}",
        data=pieces(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert await response.text() == "success"
    await hass.async_block_till_done()
    state = hass.states.get("lock.front_door")
    assert state.state == LockState.UNLOCKED
    assert state.attributes["changed_by"] == "Cleaner card"


@pytest.fixture
async def second_sim(socket_enabled: None) -> AsyncGenerator[TTLockSimulator]:
    """A second account (uid 1002) of the same TTLock application, with other lock ids."""
    simulator = TTLockSimulator(uid=1002)
    for old_id, new_id in ((FRONT_DOOR, OTHER_LOCK), (BACK_DOOR, OTHER_LOCK + 1)):
        lock = simulator.locks.pop(old_id)
        lock.lock_id = new_id
        lock.gateway_id = OTHER_GATEWAY
        simulator.locks[new_id] = lock
    gateway = simulator.gateways.pop(GATEWAY)
    gateway.gateway_id = OTHER_GATEWAY
    simulator.gateways[OTHER_GATEWAY] = gateway
    await simulator.start(host="127.0.0.1", port=0)
    yield simulator
    await simulator.stop()


@pytest.fixture
async def second_entry(
    hass: HomeAssistant, second_sim: TTLockSimulator, loaded_entry: MockConfigEntry
) -> MockConfigEntry:
    """The second account's entry, loaded next to the first one."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="second@example.com",
        unique_id="1002",
        data=entry_data(second_sim, uid=1002),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def test_webhook_shared_by_entries_of_one_application(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    second_sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    second_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """Two accounts of one application: one handler, both fed, unregistered with the last."""
    await post_callback(second_sim.build_callback(OTHER_LOCK, CARD_UNLOCK))
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK))
    unlocked = [
        state.entity_id
        for state in hass.states.async_all("lock")
        if state.state == LockState.UNLOCKED
    ]
    assert len(unlocked) == 2
    assert "lock.front_door" in unlocked

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert await post_callback(second_sim.build_callback(OTHER_LOCK, APP_LOCK)) == "success"

    assert await hass.config_entries.async_unload(second_entry.entry_id)
    await hass.async_block_till_done()
    # No handler any more: Home Assistant answers an empty 200.
    assert await post_callback(second_sim.build_callback(OTHER_LOCK, APP_LOCK)) == ""


async def test_repair_removed_with_the_last_entry(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    second_entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Removing one entry keeps the application's repair; removing the last one drops it."""
    issue_id = callback_issue_id(WEBHOOK_ID)
    assert issue_registry.async_get_issue(DOMAIN, issue_id)
    await hass.config_entries.async_remove(loaded_entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue_id)
    await hass.config_entries.async_remove(second_entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_entries_of_one_application_share_the_cloudhook(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    second_sim: TTLockSimulator,
    entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    cloud_component: None,
) -> None:
    """With Nabu Casa, a second entry reuses the first one's cloudhook instead of a new one."""
    cloudhook = "https://hooks.nabu.casa/ttlock-test"
    hass.config_entries.async_update_entry(entry, data={**entry.data, "cloudhook_url": cloudhook})
    second = MockConfigEntry(
        domain=DOMAIN,
        title="second@example.com",
        unique_id="1002",
        data=entry_data(second_sim, uid=1002),
    )
    second.add_to_hass(hass)
    hass.config.components.add("cloud")
    with (
        patch("homeassistant.components.cloud.async_active_subscription", return_value=True),
        patch("homeassistant.components.cloud.async_create_cloudhook") as create_cloudhook,
    ):
        # Setting up the integration sets up both entries.
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert second.state is ConfigEntryState.LOADED
    create_cloudhook.assert_not_called()
    assert second.data["cloudhook_url"] == cloudhook
    issue = issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID))
    assert issue.translation_placeholders["webhook_url"] == cloudhook


async def test_error_in_one_entry_does_not_stop_the_others(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    second_sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    second_entry: MockConfigEntry,
    post_callback: PostCallback,
) -> None:
    """A bug while one entry handles a push: still `success`, the other entry still updated."""
    # Intentional fault injection into our own handler: no HA interface or simulator hook can
    # make the coordinator raise an unexpected error.
    with patch.object(
        loaded_entry.runtime_data.coordinator, "async_handle_push", side_effect=RuntimeError
    ):
        reply = await post_callback(second_sim.build_callback(OTHER_LOCK, CARD_UNLOCK))
    assert reply == "success"
    unlocked = [
        state.entity_id
        for state in hass.states.async_all("lock")
        if state.state == LockState.UNLOCKED
    ]
    assert len(unlocked) == 1
    assert "lock.front_door" not in unlocked


async def test_removing_one_entry_keeps_the_shared_webhook_and_cloudhook(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    second_sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    second_entry: MockConfigEntry,
    post_callback: PostCallback,
    cloud_component: None,
) -> None:
    """Deleting one account of an application must not cut the other account's pushes."""
    cloudhook = "https://hooks.nabu.casa/ttlock-test"
    for entry in (loaded_entry, second_entry):
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, "cloudhook_url": cloudhook}
        )
    hass.config.components.add("cloud")
    with patch("homeassistant.components.cloud.async_delete_cloudhook") as delete_cloudhook:
        await hass.config_entries.async_remove(loaded_entry.entry_id)
        await hass.async_block_till_done()
        delete_cloudhook.assert_not_called()
        assert second_entry.state is ConfigEntryState.LOADED

        # The webhook still reaches the remaining entry.
        assert await post_callback(second_sim.build_callback(OTHER_LOCK, CARD_UNLOCK)) == "success"
        unlocked = [
            state.entity_id
            for state in hass.states.async_all("lock")
            if state.state == LockState.UNLOCKED
        ]
        assert len(unlocked) == 1

        # The last entry of the application takes the cloudhook with it.
        await hass.config_entries.async_remove(second_entry.entry_id)
        await hass.async_block_till_done()
    delete_cloudhook.assert_called_once_with(hass, WEBHOOK_ID)
    assert await post_callback(second_sim.build_callback(OTHER_LOCK, APP_LOCK)) == ""


async def test_confirmed_callback_raises_no_setup_repair(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    entry: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Once a push arrived, restarts do not show the callback URL repair again."""
    hass.config_entries.async_update_entry(entry, data={**entry.data, "callback_confirmed": True})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, callback_issue_id(WEBHOOK_ID)) is None


@pytest.mark.parametrize(
    "future",
    [
        {"lockDate": 9999999999999},  # the lock's clock is wrong
        {"lockDate": 9999999999999, "serverDate": 9999999999999},  # a forged push
    ],
)
async def test_future_dated_record_does_not_freeze_the_lock(
    hass: HomeAssistant,
    sim: TTLockSimulator,
    loaded_entry: MockConfigEntry,
    post_callback: PostCallback,
    future: dict[str, int],
) -> None:
    """A record dated far ahead must not make every later record count as late."""
    await post_callback(sim.build_callback(FRONT_DOOR, CARD_UNLOCK, **future))
    assert hass.states.get("lock.front_door").state == LockState.UNLOCKED
    await post_callback(sim.build_callback(FRONT_DOOR, APP_LOCK))
    assert hass.states.get("lock.front_door").state == LockState.LOCKED
